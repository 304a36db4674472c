import { Injectable } from '@nestjs/common';
import { newId } from '@shared-kernel';
import { UnitOfWork, type Sql, type Tx } from '@platform/database/unit-of-work';

export interface EndpointRecord {
  readonly id: string;
  readonly clientId: string;
  readonly url: string;
  readonly description: string;
  readonly eventTypes: string[];
  readonly enabled: boolean;
  readonly secret: Buffer;
  readonly previousSecret: Buffer | null;
  readonly previousSecretExpiresAt: Date | null;
  readonly lastSequence: string;
  readonly failingSince: Date | null;
  readonly disabledAt: Date | null;
  readonly disabledReason: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

interface EndpointRow {
  id: string;
  client_id: string;
  url: string;
  description: string;
  event_types: string[];
  enabled: boolean;
  secret: Buffer;
  previous_secret: Buffer | null;
  previous_secret_expires_at: Date | null;
  last_sequence: string;
  failing_since: Date | null;
  disabled_at: Date | null;
  disabled_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

/** A message claimed for one attempt, with what the attempt needs of its endpoint. */
export interface DueMessage {
  readonly id: string;
  readonly endpointId: string;
  readonly sequence: string;
  readonly payload: string;
  readonly attempts: number;
  readonly replayed: boolean;
  readonly endpoint: EndpointRecord;
}

export interface AttemptRecord {
  readonly seq: string;
  readonly messageId: string;
  readonly eventType: string;
  readonly sequence: string;
  readonly attemptedAt: Date;
  readonly trigger: 'scheduled' | 'replay';
  readonly status: 'succeeded' | 'failed';
  readonly responseStatus: number | null;
  readonly responseTimeMs: number;
  readonly error: string | null;
}

const ENDPOINT_COLUMNS = `id, client_id, url, description, event_types, enabled, secret, previous_secret, previous_secret_expires_at,
  last_sequence, failing_since, disabled_at, disabled_reason, created_at, updated_at`;

/** The webhooks' SQL: tables notifications.webhook_endpoints, webhook_messages and webhook_attempts. */
@Injectable()
export class WebhookRepository {
  constructor(private readonly uow: UnitOfWork) {}

  async insertEndpoint(
    tx: Tx,
    e: { id: string; clientId: string; url: string; description: string; eventTypes: readonly string[]; secret: Buffer; at: Date },
  ): Promise<EndpointRecord> {
    const { rows } = await tx.query<EndpointRow>(
      `insert into notifications.webhook_endpoints (id, client_id, url, description, event_types, secret, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $7) returning ${ENDPOINT_COLUMNS}`,
      [e.id, e.clientId, e.url, e.description, [...new Set(e.eventTypes)], e.secret, e.at],
    );
    return endpointOf(rows[0]!);
  }

  /** The client's endpoints, counted under a lock on the client's key (two concurrent registrations cannot both pass the limit). */
  async countForClientLocked(tx: Tx, clientId: string): Promise<number> {
    await tx.query(`select pg_advisory_xact_lock(hashtextextended('notifications.webhook_endpoints:' || $1, 0))`, [clientId]);
    const { rows } = await tx.query<{ n: string }>('select count(*) as n from notifications.webhook_endpoints where client_id = $1', [clientId]);
    return Number(rows[0]!.n);
  }

  async findEndpoint(id: string, sql: Sql = this.uow, options: { forUpdate?: boolean } = {}): Promise<EndpointRecord | null> {
    const { rows } = await sql.query<EndpointRow>(
      `select ${ENDPOINT_COLUMNS} from notifications.webhook_endpoints where id = $1${options.forUpdate ? ' for update' : ''}`,
      [id],
    );
    return rows[0] ? endpointOf(rows[0]) : null;
  }

  async endpointsOfClient(clientId: string): Promise<EndpointRecord[]> {
    const { rows } = await this.uow.query<EndpointRow>(
      `select ${ENDPOINT_COLUMNS} from notifications.webhook_endpoints where client_id = $1 order by created_at, id`,
      [clientId],
    );
    return rows.map(endpointOf);
  }

  async updateEndpoint(
    tx: Tx,
    id: string,
    changes: { url?: string; description?: string; eventTypes?: readonly string[]; enabled?: boolean },
    at: Date,
  ): Promise<EndpointRecord> {
    const reEnable = changes.enabled === true;
    const { rows } = await tx.query<EndpointRow>(
      `update notifications.webhook_endpoints set
         url = coalesce($2, url), description = coalesce($3, description), event_types = coalesce($4, event_types),
         enabled = coalesce($5, enabled),
         failing_since = case when $6 and not enabled then null else failing_since end,
         disabled_at = case when $5::boolean is null then disabled_at when $5 then null else coalesce(disabled_at, $7) end,
         disabled_reason = case when $5::boolean is null then disabled_reason when $5 then null else coalesce(disabled_reason, 'disabled by its owner') end,
         updated_at = $7
       where id = $1 returning ${ENDPOINT_COLUMNS}`,
      [
        id,
        changes.url ?? null,
        changes.description ?? null,
        changes.eventTypes ? [...new Set(changes.eventTypes)] : null,
        changes.enabled ?? null,
        reEnable,
        at,
      ],
    );
    return endpointOf(rows[0]!);
  }

  async deleteEndpoint(tx: Tx, id: string): Promise<void> {
    await tx.query('delete from notifications.webhook_endpoints where id = $1', [id]);
  }

  async rotateSecret(tx: Tx, id: string, secret: Buffer, previous: Buffer | null, previousExpiresAt: Date | null, at: Date): Promise<EndpointRecord> {
    const { rows } = await tx.query<EndpointRow>(
      `update notifications.webhook_endpoints set secret = $2, previous_secret = $3, previous_secret_expires_at = $4, updated_at = $5
       where id = $1 returning ${ENDPOINT_COLUMNS}`,
      [id, secret, previous, previousExpiresAt, at],
    );
    return endpointOf(rows[0]!);
  }

  /** Enabled endpoints subscribed to a public event type. */
  async subscribedEndpoints(tx: Tx, type: string): Promise<Array<{ id: string; clientId: string }>> {
    const { rows } = await tx.query<{ id: string; client_id: string }>(
      'select id, client_id from notifications.webhook_endpoints where enabled and $1 = any(event_types) order by id',
      [type],
    );
    return rows.map((r) => ({ id: r.id, clientId: r.client_id }));
  }

  /**
   * One message for the endpoint and event, with the endpoint's next sequence number (the
   * endpoint row stays locked until the transaction ends, so numbers follow commit order).
   * Nothing when the endpoint already has a message for this event.
   */
  async enqueue(
    tx: Tx,
    m: { endpointId: string; eventId: string; eventType: string; payloadOf: (sequence: string) => string; maxPayloadBytes: number; at: Date },
  ): Promise<{ id: string; sequence: string } | null> {
    const existing = await tx.query('select 1 from notifications.webhook_messages where endpoint_id = $1 and event_id = $2', [m.endpointId, m.eventId]);
    if (existing.rowCount > 0) return null;
    const { rows } = await tx.query<{ last_sequence: string }>(
      'update notifications.webhook_endpoints set last_sequence = last_sequence + 1 where id = $1 returning last_sequence',
      [m.endpointId],
    );
    if (!rows[0]) return null;
    const sequence = rows[0].last_sequence;
    const payload = m.payloadOf(sequence);
    const tooLarge = Buffer.byteLength(payload) > m.maxPayloadBytes;
    const id = newId();
    await tx.query(
      `insert into notifications.webhook_messages (id, endpoint_id, event_id, event_type, sequence, payload, status, next_attempt_at, last_error, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        id,
        m.endpointId,
        m.eventId,
        m.eventType,
        sequence,
        tooLarge ? '' : payload,
        tooLarge ? 'failed' : 'pending',
        tooLarge ? null : m.at,
        tooLarge ? `payload of ${Buffer.byteLength(payload)} bytes exceeds the limit of ${m.maxPayloadBytes}` : null,
        m.at,
      ],
    );
    return { id, sequence };
  }

  /**
   * Claims due messages of enabled endpoints for one attempt each: a lease until `leaseUntil`
   * (a process that dies mid-attempt leaves the message to be claimed again when it ends).
   */
  async claimDue(now: Date, leaseUntil: Date, limit: number): Promise<DueMessage[]> {
    const { rows } = await this.uow.query<{
      id: string;
      endpoint_id: string;
      sequence: string;
      payload: string;
      attempts: number;
      replayed: boolean;
    }>(
      `update notifications.webhook_messages m set lease_until = $2
        where m.id in (
          select d.id from notifications.webhook_messages d join notifications.webhook_endpoints e on e.id = d.endpoint_id
           where d.status = 'pending' and d.next_attempt_at <= $1 and (d.lease_until is null or d.lease_until <= $1) and e.enabled
           order by d.next_attempt_at limit $3 for update of d skip locked)
       returning m.id, m.endpoint_id, m.sequence, m.payload, m.attempts, m.replayed_at is not null as replayed`,
      [now, leaseUntil, limit],
    );
    if (rows.length === 0) return [];
    const endpoints = await this.uow.query<EndpointRow>(`select ${ENDPOINT_COLUMNS} from notifications.webhook_endpoints where id = any($1)`, [
      [...new Set(rows.map((r) => r.endpoint_id))],
    ]);
    const byId = new Map(endpoints.rows.map((r) => [r.id, endpointOf(r)]));
    return rows
      .filter((r) => byId.has(r.endpoint_id))
      .map((r) => ({
        id: r.id,
        endpointId: r.endpoint_id,
        sequence: r.sequence,
        payload: r.payload,
        attempts: r.attempts,
        replayed: r.replayed,
        endpoint: byId.get(r.endpoint_id)!,
      }));
  }

  /** Records an attempt and moves the message on: delivered, due again at `nextAttemptAt`, or failed for good (null). */
  async recordAttempt(
    tx: Tx,
    a: {
      messageId: string;
      endpointId: string;
      at: Date;
      trigger: 'scheduled' | 'replay';
      ok: boolean;
      responseStatus: number | null;
      responseTimeMs: number;
      error: string | null;
      nextAttemptAt: Date | null;
    },
  ): Promise<void> {
    await tx.query(
      `insert into notifications.webhook_attempts (message_id, endpoint_id, attempted_at, trigger, status, response_status, response_time_ms, error)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [a.messageId, a.endpointId, a.at, a.trigger, a.ok ? 'succeeded' : 'failed', a.responseStatus, a.responseTimeMs, a.error],
    );
    await tx.query(
      `update notifications.webhook_messages set attempts = attempts + 1, lease_until = null, last_error = $2,
         status = case when $3 then 'delivered' when $4::timestamptz is null then 'failed' else 'pending' end,
         delivered_at = case when $3 then $5 else delivered_at end,
         next_attempt_at = case when $3 then null else $4 end
       where id = $1`,
      [a.messageId, a.error, a.ok, a.nextAttemptAt, a.at],
    );
  }

  /**
   * The endpoint's failure streak after an attempt: a success ends it; a failure starts it
   * (unless under way). Answers when the streak began (null: no streak).
   */
  async markEndpointOutcome(tx: Tx, endpointId: string, ok: boolean, at: Date): Promise<Date | null> {
    const { rows } = await tx.query<{ failing_since: Date | null }>(
      `update notifications.webhook_endpoints set failing_since = case when $2 then null else coalesce(failing_since, $3) end
       where id = $1 returning failing_since`,
      [endpointId, ok, at],
    );
    return rows[0]?.failing_since ?? null;
  }

  /** Disables an enabled endpoint; false when it was not enabled (another process got there first). */
  async disableEndpoint(tx: Tx, endpointId: string, reason: string, at: Date): Promise<boolean> {
    const { rowCount } = await tx.query(
      `update notifications.webhook_endpoints set enabled = false, disabled_at = $3, disabled_reason = $2, updated_at = $3 where id = $1 and enabled`,
      [endpointId, reason, at],
    );
    return rowCount > 0;
  }

  async attempts(endpointId: string, page: { cursor?: string; limit: number }): Promise<{ items: AttemptRecord[]; nextCursor: string | null }> {
    const { rows } = await this.uow.query<{
      seq: string;
      message_id: string;
      event_type: string;
      sequence: string;
      attempted_at: Date;
      trigger: 'scheduled' | 'replay';
      status: 'succeeded' | 'failed';
      response_status: number | null;
      response_time_ms: number;
      error: string | null;
    }>(
      `select a.seq, a.message_id, m.event_type, m.sequence, a.attempted_at, a.trigger, a.status, a.response_status, a.response_time_ms, a.error
         from notifications.webhook_attempts a join notifications.webhook_messages m on m.id = a.message_id
        where a.endpoint_id = $1 and ($2::bigint is null or a.seq < $2::bigint)
        order by a.seq desc limit $3`,
      [endpointId, page.cursor ?? null, page.limit + 1],
    );
    const items = rows.slice(0, page.limit).map((r) => ({
      seq: r.seq,
      messageId: r.message_id,
      eventType: r.event_type,
      sequence: r.sequence,
      attemptedAt: r.attempted_at,
      trigger: r.trigger,
      status: r.status,
      responseStatus: r.response_status,
      responseTimeMs: r.response_time_ms,
      error: r.error,
    }));
    return { items, nextCursor: rows.length > page.limit ? items[items.length - 1]!.seq : null };
  }

  /** Puts one message back on the schedule (a fresh one: at once, then the retries); false when the endpoint has no such message. */
  async replayMessage(tx: Tx, endpointId: string, messageId: string, at: Date): Promise<boolean> {
    const { rowCount } = await tx.query(
      `update notifications.webhook_messages set status = 'pending', attempts = 0, next_attempt_at = $3, lease_until = null, replayed_at = $3
        where endpoint_id = $1 and id = $2 and payload <> ''`,
      [endpointId, messageId, at],
    );
    return rowCount > 0;
  }

  /** Replays the endpoint's messages created in [since, until) (all, or only the failed ones), oldest first, at most `limit`. */
  async replayRange(tx: Tx, endpointId: string, range: { since: Date; until: Date; onlyFailed: boolean; limit: number }, at: Date): Promise<number> {
    const { rowCount } = await tx.query(
      `update notifications.webhook_messages set status = 'pending', attempts = 0, next_attempt_at = $5, lease_until = null, replayed_at = $5
        where id in (select id from notifications.webhook_messages
                      where endpoint_id = $1 and created_at >= $2 and created_at < $3 and payload <> ''
                        and (not $4 or status = 'failed') and status <> 'pending'
                      order by created_at, sequence limit $6)`,
      [endpointId, range.since, range.until, range.onlyFailed, at, range.limit],
    );
    return rowCount;
  }
}

function endpointOf(row: EndpointRow): EndpointRecord {
  return {
    id: row.id,
    clientId: row.client_id,
    url: row.url,
    description: row.description,
    eventTypes: row.event_types,
    enabled: row.enabled,
    secret: row.secret,
    previousSecret: row.previous_secret,
    previousSecretExpiresAt: row.previous_secret_expires_at,
    lastSequence: row.last_sequence,
    failingSince: row.failing_since,
    disabledAt: row.disabled_at,
    disabledReason: row.disabled_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
