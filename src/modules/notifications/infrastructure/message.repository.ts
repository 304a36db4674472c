import { Injectable } from '@nestjs/common';
import { newId } from '@shared-kernel';
import { UnitOfWork, type Sql, type Tx } from '@platform/database/unit-of-work';
import type { NotificationSummaryView, NotificationView } from '../contract';
import type { Category, Channel } from '../domain/categories';

export type MessageStatus = NotificationSummaryView['status'];

export interface MessageRow {
  id: string;
  seq: string;
  request_id: string;
  user_id: string;
  template_key: string;
  template_version: number | null;
  category: Category;
  channel: Channel;
  locale: string | null;
  variables: Record<string, string>;
  status: MessageStatus;
  attempts: number;
  next_attempt_at: Date | null;
  provider: string | null;
  provider_message_id: string | null;
  failure_code: string | null;
  fallback_of: string | null;
  fallback_due_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface NewMessage {
  readonly requestId: string;
  readonly userId: string;
  readonly template: string;
  readonly category: Category;
  readonly channel: Channel;
  readonly variables: Readonly<Record<string, string>>;
  /** queued (to send now), or suppressed with the reason (preferences). */
  readonly status: 'queued' | 'suppressed';
  readonly reason?: string;
  readonly fallbackOf?: string;
}

/** What a timeline entry says: a status, and why (a code, never content). */
export interface TimelineEntry {
  readonly status: MessageStatus;
  readonly reason?: string | null;
  readonly provider?: string | null;
}

const SUMMARY = `id, seq::text, request_id, user_id, template_key, template_version, category, channel, locale, variables, status, attempts,
  next_attempt_at, provider, provider_message_id, failure_code, fallback_of, fallback_due_at, created_at, updated_at`;

/** Final statuses: nothing moves a message out of these, except a provider's later word on a sent message. */
const FINAL: readonly MessageStatus[] = ['delivered', 'bounced', 'failed', 'suppressed'];

/** The notifications context's SQL for requests, messages, their timeline and attempts. */
@Injectable()
export class MessageRepository {
  constructor(private readonly uow: UnitOfWork) {}

  /** Records a request by its id; false when it exists (then `fingerprint` says whether it was the same). */
  async insertRequest(
    tx: Tx,
    request: { id: string; userId: string; template: string; fingerprint: string },
  ): Promise<{ created: boolean; sameFields: boolean }> {
    const inserted = await tx.query(
      'insert into notifications.requests (id, user_id, template_key, fingerprint) values ($1, $2, $3, $4) on conflict (id) do nothing',
      [request.id, request.userId, request.template, request.fingerprint],
    );
    if (inserted.rowCount > 0) return { created: true, sameFields: true };
    const { rows } = await tx.query<{ fingerprint: string }>('select fingerprint from notifications.requests where id = $1', [request.id]);
    return { created: false, sameFields: rows[0]?.fingerprint === request.fingerprint };
  }

  /** Inserts a message unless its request already has one on this channel; answers the new id or null. */
  async insert(tx: Tx, message: NewMessage): Promise<string | null> {
    const id = newId();
    const { rowCount } = await tx.query(
      `insert into notifications.messages (id, request_id, user_id, template_key, category, channel, variables, status, next_attempt_at, fallback_of)
       values ($1, $2, $3, $4, $5, $6, $7, $8, case when $8 = 'queued' then now() end, $9)
       on conflict (request_id, channel) do nothing`,
      [
        id,
        message.requestId,
        message.userId,
        message.template,
        message.category,
        message.channel,
        JSON.stringify(message.variables),
        message.status,
        message.fallbackOf ?? null,
      ],
    );
    if (rowCount === 0) return null;
    await this.timeline(tx, id, { status: 'queued' });
    if (message.status === 'suppressed') await this.timeline(tx, id, { status: 'suppressed', reason: message.reason ?? null });
    return id;
  }

  async timeline(sql: Sql, messageId: string, entry: TimelineEntry): Promise<void> {
    await sql.query('insert into notifications.message_timeline (message_id, status, reason, provider) values ($1, $2, $3, $4)', [
      messageId,
      entry.status,
      entry.reason ?? null,
      entry.provider ?? null,
    ]);
  }

  async attempt(
    sql: Sql,
    messageId: string,
    attempt: { attempt: number; provider: string; outcome: string; reason?: string; latencyMs: number; deviceId?: string },
  ): Promise<void> {
    await sql.query(
      'insert into notifications.delivery_attempts (message_id, attempt, provider, outcome, reason, latency_ms, device_id) values ($1, $2, $3, $4, $5, $6, $7)',
      [
        messageId,
        attempt.attempt,
        attempt.provider,
        attempt.outcome,
        attempt.reason ?? null,
        Math.max(0, Math.round(attempt.latencyMs)),
        attempt.deviceId ?? null,
      ],
    );
  }

  /** The push devices that already accepted this message (a later round skips them). */
  async acceptedDevices(messageId: string): Promise<Set<string>> {
    const { rows } = await this.uow.query<{ device_id: string }>(
      "select distinct device_id from notifications.delivery_attempts where message_id = $1 and outcome = 'accepted' and device_id is not null",
      [messageId],
    );
    return new Set(rows.map((r) => r.device_id));
  }

  /**
   * Leases up to `limit` due messages for `leaseMs` (FOR UPDATE SKIP LOCKED: every pod
   * dispatches, none takes another's). A pod that dies mid-send leaves a lease that runs out,
   * and the message is taken again: at-least-once, with the provider's idempotency key (the
   * message id) against a duplicate where the provider has one.
   */
  async claimDue(limit: number, leaseMs: number, ids?: readonly string[]): Promise<MessageRow[]> {
    const { rows } = await this.uow.query<MessageRow>(
      `update notifications.messages set lease_until = now() + make_interval(secs => $2::double precision / 1000)
       where id in (
         select id from notifications.messages
         where status = 'queued' and next_attempt_at <= now() and (lease_until is null or lease_until < now())
           and ($3::uuid[] is null or id = any($3))
         order by next_attempt_at limit $1 for update skip locked)
       returning ${SUMMARY}`,
      [limit, leaseMs, ids ?? null],
    );
    return rows;
  }

  /** Push messages sent but not delivered by their fallback deadline, leased like claimDue. */
  async claimFallbackDue(limit: number, leaseMs: number): Promise<MessageRow[]> {
    const { rows } = await this.uow.query<MessageRow>(
      `update notifications.messages set fallback_due_at = null, lease_until = now() + make_interval(secs => $2::double precision / 1000)
       where id in (
         select id from notifications.messages where fallback_due_at <= now() and status in ('sent', 'failed')
         order by fallback_due_at limit $1 for update skip locked)
       returning ${SUMMARY}`,
      [limit, leaseMs],
    );
    return rows;
  }

  /** Moves a message to `status` with its timeline entry, unless it is already final (a stale lease). */
  async transition(
    tx: Tx,
    id: string,
    status: MessageStatus,
    change: {
      reason?: string | null;
      provider?: string | null;
      providerMessageId?: string | null;
      templateVersion?: number | null;
      locale?: string | null;
      attempts?: number;
      nextAttemptAt?: Date | null;
      failureCode?: string | null;
      fallbackDueAt?: Date | null;
    } = {},
  ): Promise<boolean> {
    const { rowCount } = await tx.query(
      `update notifications.messages set status = $2, updated_at = now(), lease_until = null,
         provider = coalesce($3, provider), provider_message_id = coalesce($4, provider_message_id),
         template_version = coalesce($5, template_version), locale = coalesce($6, locale),
         attempts = coalesce($7, attempts), next_attempt_at = $8, failure_code = coalesce($9, failure_code),
         fallback_due_at = $10
       where id = $1 and status <> all($11)`,
      [
        id,
        status,
        change.provider ?? null,
        change.providerMessageId ?? null,
        change.templateVersion ?? null,
        change.locale ?? null,
        change.attempts ?? null,
        change.nextAttemptAt ?? null,
        change.failureCode ?? null,
        change.fallbackDueAt ?? null,
        FINAL,
      ],
    );
    if (rowCount === 0) return false;
    await this.timeline(tx, id, { status, reason: change.reason ?? null, provider: change.provider ?? null });
    return true;
  }

  /** The message a provider accepted under this id, locked, or null. */
  async byProviderMessageId(tx: Tx, provider: string, providerMessageId: string): Promise<MessageRow | null> {
    const { rows } = await tx.query<MessageRow>(`select ${SUMMARY} from notifications.messages where provider = $1 and provider_message_id = $2 for update`, [
      provider,
      providerMessageId,
    ]);
    return rows[0] ?? null;
  }

  /** Applies a provider's later word: only forward (sent → delivered / bounced / failed), so a repeated or late report changes nothing. */
  async applyReport(tx: Tx, id: string, status: 'sent' | 'delivered' | 'bounced' | 'failed', provider: string, reason: string | null): Promise<boolean> {
    const from: Record<typeof status, MessageStatus[]> = { sent: [], delivered: ['sent'], bounced: ['sent', 'delivered'], failed: ['sent'] };
    const { rowCount } = await tx.query(
      `update notifications.messages set status = $2, updated_at = now(), fallback_due_at = case when $2 = 'delivered' then null else fallback_due_at end,
         failure_code = case when $2 in ('bounced', 'failed') then coalesce($3, upper($2)) else failure_code end
       where id = $1 and status = any($4)`,
      [id, status, reason, from[status]],
    );
    if (rowCount === 0) return false;
    await this.timeline(tx, id, { status, reason, provider });
    return true;
  }

  async find(id: string, sql: Sql = this.uow): Promise<MessageRow | null> {
    const { rows } = await sql.query<MessageRow>(`select ${SUMMARY} from notifications.messages where id = $1`, [id]);
    return rows[0] ?? null;
  }

  async ofRequest(requestId: string, sql: Sql = this.uow): Promise<MessageRow[]> {
    const { rows } = await sql.query<MessageRow>(`select ${SUMMARY} from notifications.messages where request_id = $1 order by created_at, channel`, [
      requestId,
    ]);
    return rows;
  }

  /** One page of a user's messages (every channel), newest first; `before` is the seq of the previous page's last. */
  async ofUser(userId: string, page: { limit: number; before?: bigint }): Promise<MessageRow[]> {
    const { rows } = await this.uow.query<MessageRow>(
      `select ${SUMMARY} from notifications.messages where user_id = $1 and ($3::bigint is null or seq < $3) order by messages.seq desc limit $2`,
      [userId, page.limit, page.before?.toString() ?? null],
    );
    return rows;
  }

  /** The message with its timeline and attempts, as the API and the bus answer it. */
  async view(id: string): Promise<NotificationView | null> {
    const row = await this.find(id);
    if (!row) return null;
    const [timeline, attempts] = await Promise.all([
      this.uow.query<{ status: MessageStatus; reason: string | null; provider: string | null; at: Date }>(
        'select status, reason, provider, at from notifications.message_timeline where message_id = $1 order by id',
        [id],
      ),
      this.uow.query<{
        attempt: number;
        provider: string;
        outcome: 'accepted' | 'transient' | 'permanent';
        reason: string | null;
        latency_ms: number;
        at: Date;
      }>('select attempt, provider, outcome, reason, latency_ms, at from notifications.delivery_attempts where message_id = $1 order by id', [id]),
    ]);
    return {
      ...summaryOf(row),
      timeline: timeline.rows.map((t) => ({ status: t.status, reason: t.reason, provider: t.provider, at: t.at.toISOString() })),
      attempts: attempts.rows.map((a) => ({
        attempt: a.attempt,
        provider: a.provider,
        outcome: a.outcome,
        reason: a.reason,
        latencyMs: a.latency_ms,
        at: a.at.toISOString(),
      })),
    };
  }
}

export function summaryOf(row: MessageRow): NotificationSummaryView {
  return {
    id: row.id,
    userId: row.user_id,
    template: row.template_key,
    templateVersion: row.template_version,
    category: row.category,
    channel: row.channel,
    locale: row.locale,
    status: row.status,
    failureCode: row.failure_code,
    fallbackOf: row.fallback_of,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
