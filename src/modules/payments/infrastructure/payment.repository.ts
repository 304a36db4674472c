import { Injectable } from '@nestjs/common';
import { UnitOfWork, type Sql, type Tx } from '@platform/database/unit-of-work';
import type { ConnectorName, PaymentKind, PaymentMethod, PaymentState, PaymentView } from '../contract';

/** A row of `payments.payments` as pg returns it (bigint columns as strings). */
export interface PaymentRow {
  id: string;
  seq: string;
  owner_id: string;
  kind: PaymentKind;
  method: PaymentMethod;
  state: PaymentState;
  amount: string;
  currency: string;
  fee: string;
  refunded_amount: string;
  account_id: string;
  ledger_account_id: string;
  counterparty_account_id: string | null;
  counterparty_owner_id: string | null;
  beneficiary_id: string | null;
  order_id: string | null;
  connector: ConnectorName | null;
  provider_reference: string | null;
  next_action: { type: 'redirect'; url: string } | null;
  failure_code: string | null;
  review: string | null;
  sync_failures: number;
  request_fingerprint: string;
  request: Record<string, unknown>;
  reference: string | null;
  processing_since: Date | null;
  lease_until: Date | null;
  next_attempt_at: Date;
  dispatch_attempts: number;
  next_sync_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface NewPaymentRow {
  readonly id: string;
  readonly ownerId: string;
  readonly kind: PaymentKind;
  readonly method: PaymentMethod;
  readonly amount: bigint;
  readonly currency: string;
  readonly fee: bigint;
  readonly accountId: string;
  readonly ledgerAccountId: string;
  readonly beneficiaryId: string | null;
  /** Transfers: the payee's account and its owner. */
  readonly counterparty: { readonly accountId: string; readonly ownerId: string } | null;
  readonly orderId: string | null;
  readonly fingerprint: string;
  readonly request: Record<string, unknown>;
  readonly reference: string | null;
}

/** Columns a state change may set (never id, owner, amounts as requested). */
export interface PaymentChanges {
  state?: PaymentState;
  connector?: ConnectorName | null;
  provider_reference?: string | null;
  next_action?: { type: 'redirect'; url: string } | null;
  failure_code?: string | null;
  review?: string | null;
  sync_failures?: number;
  refunded_amount?: bigint;
  processing_since?: Date | null;
  lease_until?: Date | null;
  next_attempt_at?: Date;
  next_sync_at?: Date | null;
}

export interface TransitionRow {
  seq: number;
  from_state: PaymentState | null;
  to_state: PaymentState;
  cause: TransitionCause;
  detail: Record<string, unknown> | null;
  applied: boolean;
  at: Date;
}

export interface GatewayCallRow {
  connector: string;
  operation: string;
  idempotency_key: string;
  outcome: 'succeeded' | 'failed' | 'retryable' | 'unknown';
  error_code: string | null;
  latency_ms: number;
  at: Date;
}

export type TransitionCause = 'api' | 'gateway' | 'webhook' | 'sync' | 'job' | 'staff' | 'rail';

/** The payments context's SQL on `payments.payments`, its transitions and gateway calls. */
@Injectable()
export class PaymentRepository {
  constructor(private readonly uow: UnitOfWork) {}

  /** The payment with this id, or null; in a transaction when one is given. */
  async find(id: string, sql: Sql = this.uow): Promise<PaymentView | null> {
    const row = await this.findRow(id, sql);
    return row ? paymentViewOf(row) : null;
  }

  async findRow(id: string, sql: Sql = this.uow): Promise<PaymentRow | null> {
    const { rows } = await sql.query<PaymentRow>('select * from payments.payments where id = $1', [id]);
    return rows[0] ?? null;
  }

  /** The row, locked for the rest of the transaction: every path that changes a payment starts here. */
  async lock(tx: Tx, id: string): Promise<PaymentRow | null> {
    const { rows } = await tx.query<PaymentRow>('select * from payments.payments where id = $1 for update', [id]);
    return rows[0] ?? null;
  }

  async findByProviderReference(connector: string, providerReference: string): Promise<PaymentRow | null> {
    const { rows } = await this.uow.query<PaymentRow>('select * from payments.payments where connector = $1 and provider_reference = $2', [
      connector,
      providerReference,
    ]);
    return rows[0] ?? null;
  }

  /** Inserts the payment in state created; null when the id exists (a replay or a conflict: the caller compares). */
  async insert(tx: Tx, p: NewPaymentRow): Promise<PaymentRow | null> {
    const { rows } = await tx.query<PaymentRow>(
      `insert into payments.payments (id, owner_id, kind, method, state, amount, currency, fee, account_id, ledger_account_id,
                                      beneficiary_id, order_id, request_fingerprint, request, reference,
                                      counterparty_account_id, counterparty_owner_id)
       values ($1, $2, $3, $4, 'created', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       on conflict (id) do nothing returning *`,
      [
        p.id,
        p.ownerId,
        p.kind,
        p.method,
        p.amount.toString(),
        p.currency,
        p.fee.toString(),
        p.accountId,
        p.ledgerAccountId,
        p.beneficiaryId,
        p.orderId,
        p.fingerprint,
        JSON.stringify(p.request),
        p.reference,
        p.counterparty?.accountId ?? null,
        p.counterparty?.ownerId ?? null,
      ],
    );
    return rows[0] ?? null;
  }

  async update(sql: Sql, id: string, changes: PaymentChanges): Promise<PaymentRow> {
    const entries: Array<[string, unknown]> = Object.entries(changes).filter(([, v]) => v !== undefined);
    const sets = entries.map(([column], i) => `${column} = $${i + 2}`);
    const values = entries.map(([column, v]): unknown =>
      column === 'next_action' && v !== null ? JSON.stringify(v) : typeof v === 'bigint' ? v.toString() : v,
    );
    const { rows } = await sql.query<PaymentRow>(`update payments.payments set ${[...sets, 'updated_at = now()'].join(', ')} where id = $1 returning *`, [
      id,
      ...values,
    ]);
    return rows[0]!;
  }

  /** Appends to the payment's history (the row is locked, so the sequence cannot race). */
  async addTransition(
    tx: Tx,
    paymentId: string,
    from: PaymentState | null,
    to: PaymentState,
    cause: TransitionCause,
    detail: Record<string, unknown> | null,
    applied = true,
  ): Promise<void> {
    await tx.query(
      `insert into payments.payment_transitions (payment_id, seq, from_state, to_state, cause, detail, applied)
       select $1, coalesce(max(seq), 0) + 1, $2, $3, $4, $5, $6 from payments.payment_transitions where payment_id = $1`,
      [paymentId, from, to, cause, detail === null ? null : JSON.stringify(detail), applied],
    );
  }

  async recordCall(call: {
    paymentId: string;
    connector: string;
    operation: string;
    idempotencyKey: string;
    outcome: GatewayCallRow['outcome'];
    errorCode: string | null;
    latencyMs: number;
  }): Promise<void> {
    await this.uow.query(
      `insert into payments.gateway_calls (payment_id, connector, operation, idempotency_key, outcome, error_code, latency_ms)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [call.paymentId, call.connector, call.operation, call.idempotencyKey, call.outcome, call.errorCode, Math.round(call.latencyMs)],
    );
  }

  async transitions(paymentId: string): Promise<TransitionRow[]> {
    const { rows } = await this.uow.query<TransitionRow>(
      'select seq, from_state, to_state, cause, detail, applied, at from payments.payment_transitions where payment_id = $1 order by seq',
      [paymentId],
    );
    return rows;
  }

  async calls(paymentId: string): Promise<GatewayCallRow[]> {
    const { rows } = await this.uow.query<GatewayCallRow>(
      'select connector, operation, idempotency_key, outcome, error_code, latency_ms, at from payments.gateway_calls where payment_id = $1 order by id',
      [paymentId],
    );
    return rows;
  }

  /**
   * Newest first, by seq; `before` is the seq of the last item of the previous page. `partyId`:
   * the payments this user makes and the transfers they receive.
   */
  async list(
    filter: { ownerId?: string; partyId?: string; kind?: PaymentKind; state?: PaymentState; review?: boolean },
    before: bigint | null,
    limit: number,
  ): Promise<PaymentRow[]> {
    const { rows } = await this.uow.query<PaymentRow>(
      `select * from payments.payments
       where ($1::uuid is null or owner_id = $1) and ($2::text is null or kind = $2) and ($3::text is null or state = $3)
         and ($4::boolean is null or (review is not null) = $4) and ($5::bigint is null or seq < $5)
         and ($7::uuid is null or owner_id = $7 or counterparty_owner_id = $7)
       order by seq desc limit $6`,
      [filter.ownerId ?? null, filter.kind ?? null, filter.state ?? null, filter.review ?? null, before?.toString() ?? null, limit, filter.partyId ?? null],
    );
    return rows;
  }

  /** What the owner has committed of this kind and currency this UTC day and calendar month (failed and canceled payments do not count). */
  async usage(tx: Tx, ownerId: string, kind: PaymentKind, currency: string): Promise<{ day: bigint; month: bigint }> {
    const { rows } = await tx.query<{ day: string; month: string }>(
      `select coalesce(sum(amount) filter (where created_at >= date_trunc('day', now() at time zone 'UTC') at time zone 'UTC'), 0)::text as day,
              coalesce(sum(amount), 0)::text as month
       from payments.payments
       where owner_id = $1 and kind = $2 and currency = $3 and state not in ('failed', 'canceled')
         and created_at >= date_trunc('month', now() at time zone 'UTC') at time zone 'UTC'`,
      [ownerId, kind, currency],
    );
    return { day: BigInt(rows[0]!.day), month: BigInt(rows[0]!.month) };
  }

  /**
   * Leases one payment for its dispatch job: state created and not leased. The job is the
   * instruction to send it now, so its backoff (next_attempt_at) is the queue's business;
   * a payment that dispatch marked for review (its job dead-lettered) is taken off review
   * with fresh attempts, since only a staff retry of that job reaches it. The row lock of
   * the update makes a second claimer wait and then find the lease taken: null.
   */
  async claimForDispatch(id: string, leaseMs: number): Promise<PaymentRow | null> {
    const { rows } = await this.uow.query<PaymentRow>(
      `update payments.payments set lease_until = now() + make_interval(secs => $2::double precision / 1000),
              dispatch_attempts = case when review is null then dispatch_attempts + 1 else 1 end, review = null
       where id = $1 and state = 'created' and (lease_until is null or lease_until < now())
       returning *`,
      [id, leaseMs],
    );
    return rows[0] ?? null;
  }

  /** What the dispatch sweeper enqueues again: created, due for longer than `olderThanMs`, not leased, not under review. */
  async awaitingDispatch(olderThanMs: number, limit: number): Promise<string[]> {
    const { rows } = await this.uow.query<{ id: string }>(
      `select id from payments.payments
       where state = 'created' and review is null and next_attempt_at <= now() - make_interval(secs => $1::double precision / 1000)
         and (lease_until is null or lease_until < now())
       order by next_attempt_at limit $2`,
      [olderThanMs, limit],
    );
    return rows.map((r) => r.id);
  }

  /** Leases payments open at the provider (processing, requires_action) past `afterSeconds`, due for a status poll. */
  async claimSync(limit: number, leaseMs: number, afterSeconds: number): Promise<PaymentRow[]> {
    const { rows } = await this.uow.query<PaymentRow>(
      `update payments.payments set lease_until = now() + make_interval(secs => $2::double precision / 1000)
       where id in (
         select id from payments.payments
         where state in ('processing', 'requires_action') and review is null
           and coalesce(processing_since, updated_at) <= now() - make_interval(secs => $3::double precision)
           and coalesce(next_sync_at, now()) <= now() and (lease_until is null or lease_until < now())
         order by coalesce(next_sync_at, processing_since) limit $1 for update skip locked)
       returning *`,
      [limit, leaseMs, afterSeconds],
    );
    return rows;
  }

  async pin(id: string, connector: ConnectorName): Promise<void> {
    await this.uow.query('update payments.payments set connector = $2, updated_at = now() where id = $1', [id, connector]);
  }

  async releaseLease(id: string, changes: PaymentChanges = {}): Promise<void> {
    await this.update(this.uow, id, { ...changes, lease_until: null });
  }
}

export function paymentViewOf(row: PaymentRow): PaymentView {
  return {
    id: row.id,
    ownerId: row.owner_id,
    kind: row.kind,
    method: row.method,
    state: row.state,
    amount: row.amount,
    currency: row.currency,
    fee: row.fee,
    refundedAmount: row.refunded_amount,
    accountId: row.account_id,
    counterpartyAccountId: row.counterparty_account_id,
    beneficiaryId: row.beneficiary_id,
    orderId: row.order_id,
    connector: row.connector,
    providerReference: row.provider_reference,
    nextAction: row.next_action,
    failureCode: row.failure_code,
    review: row.review,
    reference: row.reference,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
