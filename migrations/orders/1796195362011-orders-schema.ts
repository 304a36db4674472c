import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appendOnlySql, createContextSchema, dropContextSchema } from '@platform/database/context-schema';

/**
 * The orders context's schema (with its outbox and inbox): orders, their items, the
 * payments that pay them (and what orders still has to ask payments to do about each),
 * and every status change. Money is bigint minor units; the checks hold what the domain
 * holds, so a bug cannot store a negative price or an unknown status.
 */
export class OrdersSchema1796195362011 implements MigrationInterface {
  name = 'OrdersSchema1796195362011';

  async up(q: QueryRunner): Promise<void> {
    await createContextSchema(q, 'orders');
    await q.query(`
      create table orders.orders (
        id              uuid primary key,
        -- The listing cursor: newest first, stable under concurrent inserts.
        seq             bigint generated always as identity unique,
        owner_id        uuid not null,
        account_id      uuid not null,
        currency        char(3) not null check (currency ~ '^[A-Z]{3}$'),
        status          text not null default 'draft'
                        check (status in ('draft', 'placed', 'paid', 'fulfilled', 'cancelled', 'refunded')),
        total           bigint not null check (total >= 0),
        reference       text,
        placed_at       timestamptz,
        payment_due_at  timestamptz,
        paid_at         timestamptz,
        fulfilled_at    timestamptz,
        cancelled_at    timestamptz,
        cancel_reason   text check (cancel_reason in ('customer', 'payment_timeout', 'staff')),
        refunded_at     timestamptz,
        created_at      timestamptz not null default now(),
        updated_at      timestamptz not null default now(),
        check (status = 'draft' or placed_at is not null or status = 'cancelled'),
        check (status <> 'placed' or payment_due_at is not null)
      )`);
    await q.query('create index orders_owner_seq on orders.orders (owner_id, seq desc)');
    await q.query(`create index orders_payment_due on orders.orders (payment_due_at) where status = 'placed'`);

    await q.query(`
      create table orders.order_items (
        order_id    uuid not null references orders.orders (id) on delete cascade,
        position    integer not null check (position >= 0),
        sku         text not null,
        name        text not null,
        quantity    integer not null check (quantity > 0),
        unit_price  bigint not null check (unit_price >= 0),
        line_total  bigint not null check (line_total >= 0),
        primary key (order_id, position),
        unique (order_id, sku)
      )`);

    await q.query(`
      create table orders.order_payments (
        payment_id          uuid primary key,
        order_id            uuid not null references orders.orders (id),
        -- order: requested by placing the order; client: a pay-in the client posted naming the order.
        source              text not null check (source in ('order', 'client')),
        amount              bigint not null check (amount > 0),
        currency            char(3) not null,
        -- The payment's state as payments last told us; null while our request has not been answered.
        state               text check (state in ('created', 'requires_action', 'processing', 'succeeded', 'failed', 'canceled',
                                                  'partially_refunded', 'refunded', 'returned', 'rejected')),
        refunded_amount     bigint not null default 0 check (refunded_amount >= 0 and refunded_amount <= amount),
        -- How to create it (method and the provider's token), for a retried request.
        request             jsonb,
        -- What orders still has to ask payments (done by PaymentActions, retried by the sweep job).
        action              text check (action in ('create', 'cancel', 'refund')),
        action_attempts     integer not null default 0,
        -- Whoever asks payments holds this lease, so two pods (or the sweep and a request) do not ask at once; a crash lets it lapse.
        action_lease_until  timestamptz,
        last_error          text,
        payment_updated_at  timestamptz,
        created_at          timestamptz not null default now(),
        updated_at          timestamptz not null default now()
      )`);
    await q.query('create index order_payments_order on orders.order_payments (order_id)');
    await q.query('create index order_payments_action on orders.order_payments (updated_at) where action is not null');

    await q.query(`
      create table orders.order_transitions (
        id           bigint generated always as identity primary key,
        order_id     uuid not null references orders.orders (id),
        from_status  text,
        to_status    text not null,
        reason       text,
        actor        text not null,
        at           timestamptz not null default now()
      )`);
    await q.query('create index order_transitions_order on orders.order_transitions (order_id, id)');
    for (const statement of appendOnlySql('orders.order_transitions')) await q.query(statement);
  }

  async down(q: QueryRunner): Promise<void> {
    await dropContextSchema(q, 'orders');
  }
}
