import { Injectable } from '@nestjs/common';
import { UnitOfWork, type Sql, type Tx } from '@platform/database/unit-of-work';
import type { OrderPaymentView, OrderView } from '../contract';
import { capturedAmount, type OrderStatus } from '../domain/order';

interface OrderRow {
  id: string;
  seq: string;
  owner_id: string;
  account_id: string;
  currency: string;
  status: OrderStatus;
  total: string;
  reference: string | null;
  placed_at: Date | null;
  payment_due_at: Date | null;
  paid_at: Date | null;
  fulfilled_at: Date | null;
  cancelled_at: Date | null;
  cancel_reason: OrderView['cancelReason'];
  refunded_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

interface ItemRow {
  order_id: string;
  sku: string;
  name: string;
  quantity: number;
  unit_price: string;
  line_total: string;
}

interface PaymentRow {
  payment_id: string;
  order_id: string;
  source: 'order' | 'client';
  amount: string;
  currency: string;
  state: string | null;
  refunded_amount: string;
  request: PayInRequest | null;
  action: PaymentAction | null;
  action_attempts: number;
  last_error: string | null;
  payment_updated_at: Date | null;
}

/** How orders asks payments for a pay-in (kept so that a retried request is the same request). */
export interface PayInRequest {
  readonly method: 'card' | 'wallet';
  readonly paymentMethodToken?: string;
  readonly country?: string;
  readonly returnUrl?: string;
}

export type PaymentAction = 'create' | 'cancel' | 'refund';

/** An order as the use cases see it: the row, locked when read in a transaction with `lock`. */
export interface OrderRecord {
  readonly id: string;
  readonly ownerId: string;
  readonly accountId: string;
  readonly currency: string;
  readonly status: OrderStatus;
  readonly total: bigint;
  readonly reference: string | null;
  readonly paymentDueAt: Date | null;
  readonly items: ReadonlyArray<{ sku: string; name: string; quantity: number; unitPrice: bigint }>;
}

export interface OrderPaymentRecord {
  readonly paymentId: string;
  readonly orderId: string;
  readonly source: 'order' | 'client';
  readonly amount: bigint;
  readonly currency: string;
  readonly state: string | null;
  readonly refundedAmount: bigint;
  readonly request: PayInRequest | null;
  readonly action: PaymentAction | null;
  readonly attempts: number;
  readonly paymentUpdatedAt: Date | null;
}

export interface NewOrderRow {
  readonly id: string;
  readonly ownerId: string;
  readonly accountId: string;
  readonly currency: string;
  readonly total: bigint;
  readonly reference: string | null;
  readonly items: ReadonlyArray<{ sku: string; name: string; quantity: number; unitPrice: bigint }>;
}

/** The timestamps a transition sets (each column once: a later transition never rewrites an earlier one's). */
export interface TransitionStamp {
  readonly placedAt?: Date;
  readonly paymentDueAt?: Date;
  readonly paidAt?: Date;
  readonly fulfilledAt?: Date;
  readonly cancelledAt?: Date;
  readonly cancelReason?: NonNullable<OrderView['cancelReason']>;
  readonly refundedAt?: Date;
}

const ORDER_COLUMNS = `id, seq::text, owner_id, account_id, currency, status, total::text, reference, placed_at, payment_due_at, paid_at,
  fulfilled_at, cancelled_at, cancel_reason, refunded_at, created_at, updated_at`;
const PAYMENT_COLUMNS = `payment_id, order_id, source, amount::text, currency, state, refunded_amount::text, request, action, action_attempts,
  last_error, payment_updated_at`;

/** The orders context's SQL (schema `orders`), read straight into views and records. */
@Injectable()
export class OrderRepository {
  constructor(private readonly uow: UnitOfWork) {}

  /** Inserts the order and its items unless its id exists; answers whether this call created it. */
  async insert(tx: Tx, order: NewOrderRow): Promise<boolean> {
    const inserted = await tx.query(
      `insert into orders.orders (id, owner_id, account_id, currency, total, reference) values ($1, $2, $3, $4, $5, $6)
       on conflict (id) do nothing returning id`,
      [order.id, order.ownerId, order.accountId, order.currency, order.total.toString(), order.reference],
    );
    if (inserted.rowCount === 0) return false;
    await this.insertItems(tx, order.id, order.items);
    return true;
  }

  async replaceItems(tx: Tx, orderId: string, items: NewOrderRow['items'], total: bigint): Promise<void> {
    await tx.query('delete from orders.order_items where order_id = $1', [orderId]);
    await this.insertItems(tx, orderId, items);
    await tx.query('update orders.orders set total = $2, updated_at = now() where id = $1', [orderId, total.toString()]);
  }

  private async insertItems(tx: Tx, orderId: string, items: NewOrderRow['items']): Promise<void> {
    await tx.query(
      `insert into orders.order_items (order_id, position, sku, name, quantity, unit_price, line_total)
       select $1, i.position - 1, i.sku, i.name, i.quantity, i.unit_price, i.quantity::bigint * i.unit_price
       from unnest($2::text[], $3::text[], $4::int[], $5::bigint[]) with ordinality as i(sku, name, quantity, unit_price, position)`,
      [orderId, items.map((i) => i.sku), items.map((i) => i.name), items.map((i) => i.quantity), items.map((i) => i.unitPrice.toString())],
    );
  }

  /** The order, locked for the rest of the transaction (every path that changes an order takes this lock first). */
  async lock(tx: Tx, id: string): Promise<OrderRecord | null> {
    const { rows } = await tx.query<OrderRow>(`select ${ORDER_COLUMNS} from orders.orders where id = $1 for update`, [id]);
    if (!rows[0]) return null;
    const items = await tx.query<ItemRow>(
      'select order_id, sku, name, quantity, unit_price::text, line_total::text from orders.order_items where order_id = $1 order by position',
      [id],
    );
    return recordOf(rows[0], items.rows);
  }

  async record(id: string, sql: Sql = this.uow): Promise<OrderRecord | null> {
    const { rows } = await sql.query<OrderRow>(`select ${ORDER_COLUMNS} from orders.orders where id = $1`, [id]);
    if (!rows[0]) return null;
    const items = await sql.query<ItemRow>(
      'select order_id, sku, name, quantity, unit_price::text, line_total::text from orders.order_items where order_id = $1 order by position',
      [id],
    );
    return recordOf(rows[0], items.rows);
  }

  /** Moves the order to `to`, stamping the transition's timestamps, and records the transition. */
  async setStatus(tx: Tx, id: string, from: OrderStatus, to: OrderStatus, stamp: TransitionStamp, actor: string, reason?: string): Promise<void> {
    await tx.query(
      `update orders.orders set status = $2, updated_at = now(),
         placed_at = coalesce($3, placed_at), payment_due_at = coalesce($4, payment_due_at), paid_at = coalesce($5, paid_at),
         fulfilled_at = coalesce($6, fulfilled_at), cancelled_at = coalesce($7, cancelled_at), cancel_reason = coalesce($8, cancel_reason),
         refunded_at = coalesce($9, refunded_at)
       where id = $1`,
      [
        id,
        to,
        stamp.placedAt ?? null,
        stamp.paymentDueAt ?? null,
        stamp.paidAt ?? null,
        stamp.fulfilledAt ?? null,
        stamp.cancelledAt ?? null,
        stamp.cancelReason ?? null,
        stamp.refundedAt ?? null,
      ],
    );
    await tx.query('insert into orders.order_transitions (order_id, from_status, to_status, reason, actor) values ($1, $2, $3, $4, $5)', [
      id,
      from,
      to,
      reason ?? null,
      actor,
    ]);
  }

  async transitionsOf(id: string): Promise<Array<{ from: string | null; to: string; reason: string | null; actor: string }>> {
    const { rows } = await this.uow.query<{ from_status: string | null; to_status: string; reason: string | null; actor: string }>(
      'select from_status, to_status, reason, actor from orders.order_transitions where order_id = $1 order by id',
      [id],
    );
    return rows.map((r) => ({ from: r.from_status, to: r.to_status, reason: r.reason, actor: r.actor }));
  }

  // --- the order's payments -------------------------------------------------------------

  /** Records a payment orders is about to request (action create); a repeat changes nothing. */
  async requestPayment(tx: Tx, row: { paymentId: string; orderId: string; amount: bigint; currency: string; request: PayInRequest }): Promise<void> {
    await tx.query(
      `insert into orders.order_payments (payment_id, order_id, source, amount, currency, request, action)
       values ($1, $2, 'order', $3, $4, $5, 'create') on conflict (payment_id) do nothing`,
      [row.paymentId, row.orderId, row.amount.toString(), row.currency, JSON.stringify(row.request)],
    );
  }

  async paymentsOf(orderId: string, sql: Sql = this.uow): Promise<OrderPaymentRecord[]> {
    const { rows } = await sql.query<PaymentRow>(`select ${PAYMENT_COLUMNS} from orders.order_payments where order_id = $1 order by created_at, payment_id`, [
      orderId,
    ]);
    return rows.map(paymentRecordOf);
  }

  async payment(paymentId: string, sql: Sql = this.uow): Promise<OrderPaymentRecord | null> {
    const { rows } = await sql.query<PaymentRow>(`select ${PAYMENT_COLUMNS} from orders.order_payments where payment_id = $1`, [paymentId]);
    return rows[0] ? paymentRecordOf(rows[0]) : null;
  }

  /**
   * Takes the payment's state as payments reports it, unless an answer already stored is
   * newer (events and command answers may arrive in any order). A payment orders has not
   * seen (a pay-in the client posted naming the order) is added. Answers the stored row.
   */
  async applyPaymentState(
    tx: Tx,
    reported: { paymentId: string; orderId: string; amount: bigint; currency: string; state: string; refundedAmount: bigint; updatedAt: Date },
  ): Promise<OrderPaymentRecord> {
    const { rows } = await tx.query<PaymentRow>(
      `insert into orders.order_payments (payment_id, order_id, source, amount, currency, state, refunded_amount, payment_updated_at)
       values ($1, $2, 'client', $3, $4, $5, $6, $7)
       on conflict (payment_id) do update set
         state = excluded.state, refunded_amount = excluded.refunded_amount, payment_updated_at = excluded.payment_updated_at, updated_at = now()
         where orders.order_payments.payment_updated_at is null or orders.order_payments.payment_updated_at <= excluded.payment_updated_at
       returning ${PAYMENT_COLUMNS}`,
      [
        reported.paymentId,
        reported.orderId,
        reported.amount.toString(),
        reported.currency,
        reported.state,
        reported.refundedAmount.toString(),
        reported.updatedAt,
      ],
    );
    return rows[0] ? paymentRecordOf(rows[0]) : (await this.payment(reported.paymentId, tx))!;
  }

  /** Sets what orders still has to ask payments about these payments (null: nothing). */
  async setAction(tx: Tx, paymentIds: readonly string[], action: PaymentAction | null, error: string | null = null): Promise<void> {
    if (paymentIds.length === 0) return;
    await tx.query(
      `update orders.order_payments set action = $2, last_error = $3, action_attempts = case when $2::text is null then 0 else action_attempts end,
         action_lease_until = null, updated_at = now() where payment_id = any($1::uuid[])`,
      [paymentIds, action, error],
    );
  }

  /** Takes the lease on the payment's action (answers false when it is another's, or the action changed). */
  async claimAction(paymentId: string, action: PaymentAction, leaseMs: number): Promise<boolean> {
    const { rowCount } = await this.uow.query(
      `update orders.order_payments set action_lease_until = now() + $3 * interval '1 millisecond'
       where payment_id = $1 and action = $2 and (action_lease_until is null or action_lease_until < now())`,
      [paymentId, action, leaseMs],
    );
    return rowCount === 1;
  }

  /** The action is done (or moot): cleared, unless another action replaced it meanwhile. */
  async finishAction(tx: Tx, paymentId: string, action: PaymentAction, error: string | null = null): Promise<void> {
    await tx.query(
      `update orders.order_payments set action = null, action_attempts = 0, action_lease_until = null, last_error = $3, updated_at = now()
       where payment_id = $1 and action = $2`,
      [paymentId, action, error],
    );
  }

  /** A request that failed for a reason that may pass: counted, kept, retried by the sweep. */
  async actionFailed(paymentId: string, action: PaymentAction, error: string): Promise<void> {
    await this.uow.query(
      `update orders.order_payments set action_attempts = action_attempts + 1, action_lease_until = null, last_error = $3, updated_at = now()
       where payment_id = $1 and action = $2`,
      [paymentId, action, error],
    );
  }

  /** Payments refused to create it (a business answer, not an outage): it will never exist. */
  async markRejected(tx: Tx, paymentId: string, error: string): Promise<void> {
    await tx.query(
      `update orders.order_payments set state = 'rejected', action = null, action_lease_until = null, last_error = $2, updated_at = now() where payment_id = $1 and action = 'create'`,
      [paymentId, error],
    );
  }

  /** Payments with an action still to do, oldest first. */
  async pendingActions(limit: number): Promise<OrderPaymentRecord[]> {
    const { rows } = await this.uow.query<PaymentRow>(
      `select ${PAYMENT_COLUMNS} from orders.order_payments where action is not null order by updated_at limit $1`,
      [limit],
    );
    return rows.map(paymentRecordOf);
  }

  /** Placed orders whose payment is overdue at `now`. */
  async overdue(now: Date, limit: number): Promise<string[]> {
    const { rows } = await this.uow.query<{ id: string }>(
      `select id from orders.orders where status = 'placed' and payment_due_at <= $1 order by payment_due_at limit $2`,
      [now, limit],
    );
    return rows.map((r) => r.id);
  }

  // --- reads -------------------------------------------------------------------------------

  async view(id: string, sql: Sql = this.uow): Promise<OrderView | null> {
    const { rows } = await sql.query<OrderRow>(`select ${ORDER_COLUMNS} from orders.orders where id = $1`, [id]);
    return (await this.viewsOf(rows, sql))[0] ?? null;
  }

  /** A page, newest first: one owner's orders, or anyone's (staff) when ownerId is null. */
  async page(filter: { ownerId: string | null; status?: OrderStatus; before?: bigint; limit: number }): Promise<Array<OrderView & { seq: string }>> {
    const { rows } = await this.uow.query<OrderRow>(
      `select ${ORDER_COLUMNS} from orders.orders
       where ($1::uuid is null or owner_id = $1) and ($2::text is null or status = $2) and ($3::bigint is null or seq < $3)
       order by seq desc limit $4`,
      [filter.ownerId, filter.status ?? null, filter.before?.toString() ?? null, filter.limit],
    );
    const views = await this.viewsOf(rows, this.uow);
    return views.map((v, i) => ({ ...v, seq: rows[i]!.seq }));
  }

  private async viewsOf(rows: readonly OrderRow[], sql: Sql): Promise<OrderView[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const items = await sql.query<ItemRow>(
      'select order_id, sku, name, quantity, unit_price::text, line_total::text from orders.order_items where order_id = any($1::uuid[]) order by order_id, position',
      [ids],
    );
    const payments = await sql.query<PaymentRow>(
      `select ${PAYMENT_COLUMNS} from orders.order_payments where order_id = any($1::uuid[]) order by created_at, payment_id`,
      [ids],
    );
    return rows.map((row) =>
      viewOf(
        row,
        items.rows.filter((i) => i.order_id === row.id),
        payments.rows.filter((p) => p.order_id === row.id).map(paymentRecordOf),
      ),
    );
  }
}

function recordOf(row: OrderRow, items: readonly ItemRow[]): OrderRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    accountId: row.account_id,
    currency: row.currency,
    status: row.status,
    total: BigInt(row.total),
    reference: row.reference,
    paymentDueAt: row.payment_due_at,
    items: items.map((i) => ({ sku: i.sku, name: i.name, quantity: i.quantity, unitPrice: BigInt(i.unit_price) })),
  };
}

function paymentRecordOf(row: PaymentRow): OrderPaymentRecord {
  return {
    paymentId: row.payment_id,
    orderId: row.order_id,
    source: row.source,
    amount: BigInt(row.amount),
    currency: row.currency,
    state: row.state,
    refundedAmount: BigInt(row.refunded_amount),
    request: row.request,
    action: row.action,
    attempts: row.action_attempts,
    paymentUpdatedAt: row.payment_updated_at,
  };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function viewOf(row: OrderRow, items: readonly ItemRow[], payments: readonly OrderPaymentRecord[]): OrderView {
  const paymentViews: OrderPaymentView[] = payments.map((p) => ({
    paymentId: p.paymentId,
    source: p.source,
    amount: p.amount.toString(),
    state: p.state,
    refundedAmount: p.refundedAmount.toString(),
  }));
  return {
    id: row.id,
    ownerId: row.owner_id,
    accountId: row.account_id,
    currency: row.currency,
    status: row.status,
    items: items.map((i) => ({ sku: i.sku, name: i.name, quantity: i.quantity, unitPrice: i.unit_price, lineTotal: i.line_total })),
    total: row.total,
    paidAmount: capturedAmount(payments).toString(),
    refundedAmount: payments.reduce((s, p) => s + p.refundedAmount, 0n).toString(),
    reference: row.reference,
    payments: paymentViews,
    placedAt: iso(row.placed_at),
    paymentDueAt: iso(row.payment_due_at),
    paidAt: iso(row.paid_at),
    fulfilledAt: iso(row.fulfilled_at),
    cancelledAt: iso(row.cancelled_at),
    cancelReason: row.cancel_reason,
    refundedAt: iso(row.refunded_at),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
