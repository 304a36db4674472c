import { Injectable } from '@nestjs/common';
import { UnitOfWork, type Sql, type Tx } from '@platform/database/unit-of-work';
import type { SettlementLine } from '../connectors/connector';
import type { ConnectorName, ReconciliationMismatchView } from '../contract';
import type { Mismatch } from '../domain/reconciliation';
import type { PaymentRow } from './payment.repository';
import type { RefundRow } from './refund.repository';

export interface RunRow {
  id: string;
  seq: string;
  connector: ConnectorName;
  window_from: Date;
  window_to: Date;
  trigger: 'schedule' | 'staff';
  state: 'running' | 'completed' | 'failed';
  lines: number;
  matched: number;
  mismatches: number;
  new_mismatches: number;
  error_code: string | null;
  started_at: Date;
  finished_at: Date | null;
}

export interface MismatchRow {
  id: string;
  seq: string;
  run_id: string;
  connector: ConnectorName;
  kind: Mismatch['kind'];
  subject_key: string;
  line_id: string | null;
  provider_reference: string | null;
  payment_id: string | null;
  refund_id: string | null;
  currency: string;
  expected_amount: string | null;
  actual_amount: string | null;
  detail: string;
  state: 'open' | 'resolved';
  resolution_note: string | null;
  resolved_by: string | null;
  resolved_at: Date | null;
  detected_at: Date;
}

/** A report line with what the matcher tied it to. */
export interface StoredLine {
  readonly line: SettlementLine;
  readonly paymentId: string | null;
  readonly refundId: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The ids among these that can be ours (a provider echoes whatever it was sent, or nothing). */
export const uuidsOf = (values: ReadonlyArray<string | undefined>): string[] => [...new Set(values.filter((v): v is string => !!v && UUID.test(v)))];

/** `payments.reconciliation_*`: runs, the lines they read, the mismatches found, and the scheduled runs' cursors. */
@Injectable()
export class ReconciliationRepository {
  constructor(private readonly uow: UnitOfWork) {}

  async startRun(id: string, connector: ConnectorName, from: Date, to: Date, trigger: RunRow['trigger']): Promise<RunRow> {
    const { rows } = await this.uow.query<RunRow>(
      `insert into payments.reconciliation_runs (id, connector, window_from, window_to, trigger, state) values ($1, $2, $3, $4, $5, 'running') returning *`,
      [id, connector, from, to, trigger],
    );
    return rows[0]!;
  }

  async finishRun(tx: Sql, id: string, stats: { lines: number; matched: number; mismatches: number; newMismatches: number }): Promise<RunRow> {
    const { rows } = await tx.query<RunRow>(
      `update payments.reconciliation_runs set state = 'completed', lines = $2, matched = $3, mismatches = $4, new_mismatches = $5, finished_at = now()
       where id = $1 returning *`,
      [id, stats.lines, stats.matched, stats.mismatches, stats.newMismatches],
    );
    return rows[0]!;
  }

  async failRun(id: string, code: string): Promise<RunRow> {
    const { rows } = await this.uow.query<RunRow>(
      `update payments.reconciliation_runs set state = 'failed', error_code = $2, finished_at = now() where id = $1 returning *`,
      [id, code],
    );
    return rows[0]!;
  }

  async findRun(id: string): Promise<RunRow | null> {
    const { rows } = await this.uow.query<RunRow>('select * from payments.reconciliation_runs where id = $1', [id]);
    return rows[0] ?? null;
  }

  async paymentsByIds(ids: readonly string[]): Promise<PaymentRow[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.uow.query<PaymentRow>('select * from payments.payments where id = any($1::uuid[])', [ids]);
    return rows;
  }

  async paymentsByReferences(connector: ConnectorName, references: readonly string[]): Promise<PaymentRow[]> {
    if (references.length === 0) return [];
    const { rows } = await this.uow.query<PaymentRow>('select * from payments.payments where connector = $1 and provider_reference = any($2::text[])', [
      connector,
      references,
    ]);
    return rows;
  }

  async refundsByIds(ids: readonly string[]): Promise<RefundRow[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.uow.query<RefundRow>('select * from payments.refunds where id = any($1::uuid[])', [ids]);
    return rows;
  }

  async refundsByReferences(connector: ConnectorName, references: readonly string[]): Promise<RefundRow[]> {
    if (references.length === 0) return [];
    const { rows } = await this.uow.query<RefundRow>(
      `select r.* from payments.refunds r join payments.payments p on p.id = r.payment_id
       where p.connector = $1 and r.provider_reference = any($2::text[])`,
      [connector, references],
    );
    return rows;
  }

  /** Pay-ins (and payouts) this connector carried that became settled (succeeded) in [from, to). */
  async settledBetween(connector: ConnectorName, from: Date, to: Date): Promise<PaymentRow[]> {
    const { rows } = await this.uow.query<PaymentRow>(
      `select p.* from payments.payments p
       where p.connector = $1 and p.state in ('succeeded', 'partially_refunded', 'refunded', 'returned')
         and exists (select 1 from payments.payment_transitions t
                     where t.payment_id = p.id and t.to_state = 'succeeded' and t.applied and t.at >= $2 and t.at < $3)`,
      [connector, from, to],
    );
    return rows;
  }

  /** Refunds of payments this connector carried that succeeded (last changed) in [from, to), with their payment's currency. */
  async refundsSucceededBetween(connector: ConnectorName, from: Date, to: Date): Promise<Array<RefundRow & { currency: string }>> {
    const { rows } = await this.uow.query<RefundRow & { currency: string }>(
      `select r.*, p.currency from payments.refunds r join payments.payments p on p.id = r.payment_id
       where p.connector = $1 and r.state = 'succeeded' and r.updated_at >= $2 and r.updated_at < $3`,
      [connector, from, to],
    );
    return rows;
  }

  /** Of these refunds, those some stored refund line of this connector carried. */
  async refundsWithLines(sql: Sql, connector: ConnectorName, refundIds: readonly string[]): Promise<Set<string>> {
    if (refundIds.length === 0) return new Set();
    const { rows } = await sql.query<{ refund_id: string }>(
      `select distinct refund_id from payments.reconciliation_lines where connector = $1 and kind = 'refund' and refund_id = any($2::uuid[])`,
      [connector, refundIds],
    );
    return new Set(rows.map((r) => r.refund_id));
  }

  /** Stores the lines read (a line read by an earlier run keeps its first record). */
  async storeLines(tx: Tx, runId: string, connector: ConnectorName, lines: readonly StoredLine[]): Promise<void> {
    for (let i = 0; i < lines.length; i += 500) {
      const chunk = lines.slice(i, i + 500);
      const values: unknown[] = [];
      const tuples = chunk.map(({ line, paymentId, refundId }, n) => {
        values.push(line.lineId, line.kind, line.providerType, line.providerReference, paymentId, refundId);
        values.push(line.gross.toString(), line.fee.toString(), line.net.toString(), line.currency, line.occurredAt);
        const b = n * 11;
        return `($1, $2, ${Array.from({ length: 11 }, (_, k) => `$${b + k + 3}`).join(', ')})`;
      });
      await tx.query(
        `insert into payments.reconciliation_lines (run_id, connector, line_id, kind, provider_type, provider_reference, payment_id, refund_id, gross, fee, net, currency, occurred_at)
         values ${tuples.join(', ')} on conflict (connector, line_id) do nothing`,
        [runId, connector, ...values],
      );
    }
  }

  /** Of these payments, those some stored charge (or payout) line of this connector carried. */
  async paymentsWithLines(sql: Sql, connector: ConnectorName, paymentIds: readonly string[]): Promise<Set<string>> {
    if (paymentIds.length === 0) return new Set();
    const { rows } = await sql.query<{ payment_id: string }>(
      `select distinct payment_id from payments.reconciliation_lines where connector = $1 and kind in ('charge', 'payout') and payment_id = any($2::uuid[])`,
      [connector, paymentIds],
    );
    return new Set(rows.map((r) => r.payment_id));
  }

  /** What the provider refunded per payment, over every stored refund line of this connector. */
  async refundedAtProvider(sql: Sql, connector: ConnectorName, paymentIds: readonly string[]): Promise<Map<string, bigint>> {
    if (paymentIds.length === 0) return new Map();
    const { rows } = await sql.query<{ payment_id: string; total: string }>(
      `select payment_id, (-sum(gross))::text as total from payments.reconciliation_lines
       where connector = $1 and kind = 'refund' and payment_id = any($2::uuid[]) group by payment_id`,
      [connector, paymentIds],
    );
    return new Map(rows.map((r) => [r.payment_id, BigInt(r.total)]));
  }

  /** The mismatch, unless it is known already (same connector, kind and subject): a rerun adds nothing. */
  async insertMismatch(tx: Tx, id: string, runId: string, connector: ConnectorName, m: Mismatch): Promise<MismatchRow | null> {
    const { rows } = await tx.query<MismatchRow>(
      `insert into payments.reconciliation_mismatches
         (id, run_id, connector, kind, subject_key, line_id, provider_reference, payment_id, refund_id, currency, expected_amount, actual_amount, detail)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       on conflict (connector, kind, subject_key) do nothing returning *`,
      [
        id,
        runId,
        connector,
        m.kind,
        m.subjectKey,
        m.lineId ?? null,
        m.providerReference ?? null,
        m.paymentId ?? null,
        m.refundId ?? null,
        m.currency,
        m.expected?.toString() ?? null,
        m.actual?.toString() ?? null,
        m.detail,
      ],
    );
    return rows[0] ?? null;
  }

  async findMismatch(id: string, sql: Sql = this.uow): Promise<MismatchRow | null> {
    const { rows } = await sql.query<MismatchRow>('select * from payments.reconciliation_mismatches where id = $1', [id]);
    return rows[0] ?? null;
  }

  async resolve(tx: Tx, id: string, note: string, by: string): Promise<MismatchRow | null> {
    const { rows } = await tx.query<MismatchRow>(
      `update payments.reconciliation_mismatches set state = 'resolved', resolution_note = $2, resolved_by = $3, resolved_at = now()
       where id = $1 and state = 'open' returning *`,
      [id, note, by],
    );
    return rows[0] ?? null;
  }

  /** Newest first by seq; `before` is the seq of the previous page's last item. */
  async runs(connector: ConnectorName | undefined, before: bigint | null, limit: number): Promise<RunRow[]> {
    const { rows } = await this.uow.query<RunRow>(
      `select * from payments.reconciliation_runs where ($1::text is null or connector = $1) and ($2::bigint is null or seq < $2) order by seq desc limit $3`,
      [connector ?? null, before?.toString() ?? null, limit],
    );
    return rows;
  }

  async mismatches(
    filter: { state?: MismatchRow['state']; connector?: ConnectorName; runId?: string },
    before: bigint | null,
    limit: number,
  ): Promise<MismatchRow[]> {
    const { rows } = await this.uow.query<MismatchRow>(
      `select * from payments.reconciliation_mismatches
       where ($1::text is null or state = $1) and ($2::text is null or connector = $2) and ($3::uuid is null or run_id = $3)
         and ($4::bigint is null or seq < $4)
       order by seq desc limit $5`,
      [filter.state ?? null, filter.connector ?? null, filter.runId ?? null, before?.toString() ?? null, limit],
    );
    return rows;
  }

  async openCounts(): Promise<Map<string, number>> {
    const { rows } = await this.uow.query<{ connector: string; n: number }>(
      "select connector, count(*)::int as n from payments.reconciliation_mismatches where state = 'open' group by connector",
    );
    return new Map(rows.map((r) => [r.connector, r.n]));
  }

  /**
   * Leases the connector's cursor for one scheduled run (another pod's lease keeps it away);
   * a connector never reconciled starts at `initial`. Answers where the next window starts,
   * or null when another process holds it.
   */
  async claimCursor(connector: ConnectorName, initial: Date, leaseMs: number): Promise<Date | null> {
    await this.uow.query('insert into payments.reconciliation_cursors (connector, reconciled_until) values ($1, $2) on conflict (connector) do nothing', [
      connector,
      initial,
    ]);
    const { rows } = await this.uow.query<{ reconciled_until: Date }>(
      `update payments.reconciliation_cursors set lease_until = now() + make_interval(secs => $2::double precision / 1000)
       where connector = $1 and (lease_until is null or lease_until < now()) returning reconciled_until`,
      [connector, leaseMs],
    );
    return rows[0]?.reconciled_until ?? null;
  }

  /** The lease holder's window is done: the next starts at `reconciledUntil` (the lease is kept and renewed). */
  async advanceCursor(connector: ConnectorName, reconciledUntil: Date, leaseMs: number): Promise<void> {
    await this.uow.query(
      `update payments.reconciliation_cursors set reconciled_until = $2, lease_until = now() + make_interval(secs => $3::double precision / 1000)
       where connector = $1`,
      [connector, reconciledUntil, leaseMs],
    );
  }

  async releaseCursor(connector: ConnectorName): Promise<void> {
    await this.uow.query('update payments.reconciliation_cursors set lease_until = null where connector = $1', [connector]);
  }
}

export function mismatchViewOf(row: MismatchRow): ReconciliationMismatchView {
  return {
    id: row.id,
    runId: row.run_id,
    connector: row.connector,
    kind: row.kind,
    lineId: row.line_id,
    providerReference: row.provider_reference,
    paymentId: row.payment_id,
    refundId: row.refund_id,
    currency: row.currency,
    expectedAmount: row.expected_amount,
    actualAmount: row.actual_amount,
    detail: row.detail,
    state: row.state,
    resolutionNote: row.resolution_note,
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    detectedAt: row.detected_at.toISOString(),
  };
}
