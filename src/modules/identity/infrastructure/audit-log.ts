import { Injectable } from '@nestjs/common';
import { requestContext } from '@platform/context/request-context';
import { UnitOfWork, type Tx } from '@platform/database/unit-of-work';
import { chainHash, findBreak, GENESIS_HASH, type AuditEntry, type ChainBreak } from '../domain/audit-chain';

/** Security events recorded by identity (the `type` column). */
export type AuditType =
  | 'user.registered'
  | 'user.email_verified'
  | 'user.profile_changed'
  | 'user.exported'
  | 'user.viewed'
  | 'user.closed'
  | 'user.status_changed'
  | 'user.roles_changed'
  | 'user.staff_created'
  | 'user.email_index_conflict'
  | 'login.succeeded'
  | 'login.failed'
  | 'login.locked_out'
  | 'login.mfa_failed'
  | 'password.changed'
  | 'password.reset_requested'
  | 'password.reset'
  | 'mfa.totp_enrolled'
  | 'mfa.totp_removed'
  | 'mfa.recovery_codes_generated'
  | 'mfa.recovery_code_used'
  | 'mfa.step_up'
  | 'webauthn.registered'
  | 'webauthn.removed'
  | 'session.revoked'
  | 'session.revoked_all'
  | 'refresh_token.reuse_detected'
  | 'oauth.client_created'
  | 'oauth.client_disabled'
  | 'oauth.token_issued'
  | 'oauth.code_issued';

export interface AuditRecord {
  readonly type: AuditType;
  readonly actorId?: string | null;
  readonly subjectId?: string | null;
  readonly ip?: string | null;
  /** Ids and outcomes only: never a secret, a token or personal data. */
  readonly details?: Record<string, unknown>;
}

/** A stored entry as the API shows it: seq as a string (bigint), its chain hash in hex. */
export type AuditRow = Omit<AuditEntry, 'seq' | 'details'> & { readonly seq: string; readonly details: Record<string, unknown>; readonly hash: string };

export interface AuditFilter {
  readonly type?: string;
  readonly actorId?: string;
  readonly subjectId?: string;
  readonly from?: Date;
  readonly to?: Date;
  /** Rows older than this seq (cursor pagination, newest first). */
  readonly beforeSeq?: number;
  readonly limit: number;
}

// One writer at a time: each row links to the one before it (ADR 0008).
const CHAIN_LOCK = 0x1d_a0d17;
const VERIFY_BATCH = 1000;

interface StoredRow {
  seq: string;
  occurred_at: Date;
  type: string;
  actor_id: string | null;
  subject_id: string | null;
  ip: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
  prev_hash: Buffer;
  hash: Buffer;
}

/**
 * The append-only, hash-chained security audit log (identity.audit_log; the app role
 * may insert and select, never update or delete). Entries are appended in the same
 * transaction as the change they record, so a change and its audit row commit together.
 */
@Injectable()
export class AuditLog {
  constructor(private readonly uow: UnitOfWork) {}

  async append(tx: Tx, record: AuditRecord): Promise<void> {
    await tx.query('select pg_advisory_xact_lock($1)', [CHAIN_LOCK]);
    const { rows } = await tx.query<{ seq: string; hash: Buffer }>('select seq, hash from identity.audit_log order by seq desc limit 1');
    const previous = rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : { seq: 0, hash: GENESIS_HASH };
    const entry: AuditEntry = {
      seq: previous.seq + 1,
      occurredAt: new Date().toISOString(),
      type: record.type,
      actorId: record.actorId ?? null,
      subjectId: record.subjectId ?? null,
      ip: record.ip ?? null,
      requestId: requestContext.current()?.requestId ?? null,
      details: record.details ?? {},
    };
    await tx.query(
      `insert into identity.audit_log (seq, occurred_at, type, actor_id, subject_id, ip, request_id, details, prev_hash, hash)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        entry.seq,
        entry.occurredAt,
        entry.type,
        entry.actorId,
        entry.subjectId,
        entry.ip,
        entry.requestId,
        JSON.stringify(entry.details),
        previous.hash,
        chainHash(previous.hash, entry),
      ],
    );
  }

  /** An event with no other state change (a failed login): its own short transaction. */
  async record(record: AuditRecord): Promise<void> {
    await this.uow.run((tx) => this.append(tx, record));
  }

  async query(filter: AuditFilter): Promise<AuditRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.type) add('type = ?', filter.type);
    if (filter.actorId) add('actor_id = ?', filter.actorId);
    if (filter.subjectId) add('subject_id = ?', filter.subjectId);
    if (filter.from) add('occurred_at >= ?', filter.from);
    if (filter.to) add('occurred_at < ?', filter.to);
    if (filter.beforeSeq !== undefined) add('seq < ?', filter.beforeSeq);
    params.push(filter.limit);
    const { rows } = await this.uow.query<StoredRow>(
      `select * from identity.audit_log ${where.length ? `where ${where.join(' and ')}` : ''} order by seq desc limit $${params.length}`,
      params,
    );
    return rows.map((row) => ({ ...toChained(row).entry, seq: String(row.seq), hash: row.hash.toString('hex') }));
  }

  /** Recomputes the whole chain; the first break names the row where tampering shows. */
  async verify(): Promise<{ valid: boolean; checked: number; head: { seq: number; hash: string }; break: ChainBreak | null }> {
    let last: { seq: number; hash: Buffer } = { seq: 0, hash: GENESIS_HASH };
    let checked = 0;
    for (;;) {
      const { rows } = await this.uow.query<StoredRow>('select * from identity.audit_log where seq > $1 order by seq limit $2', [last.seq, VERIFY_BATCH]);
      if (rows.length === 0) break;
      const result = findBreak(rows.map(toChained), last);
      checked += result.last.seq - last.seq;
      if (result.break) return { valid: false, checked, head: { seq: result.last.seq, hash: result.last.hash.toString('hex') }, break: result.break };
      last = result.last;
    }
    return { valid: true, checked, head: { seq: last.seq, hash: last.hash.toString('hex') }, break: null };
  }
}

function toChained(row: StoredRow): { entry: AuditEntry; prevHash: Buffer; hash: Buffer } {
  return {
    entry: {
      seq: Number(row.seq),
      occurredAt: row.occurred_at.toISOString(),
      type: row.type,
      actorId: row.actor_id,
      subjectId: row.subject_id,
      ip: row.ip,
      requestId: row.request_id,
      details: row.details,
    },
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
