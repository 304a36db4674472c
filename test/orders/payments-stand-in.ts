import { Injectable, Module } from '@nestjs/common';
import { CommandHandler, QueryHandler, type ICommandHandler, type IQueryHandler } from '@nestjs/cqrs';
import { defineContext } from '@platform/context-definition';
import { appRoleGrantsSql, contextSchemaSql } from '@platform/database/context-schema';
import { UnitOfWork, type Tx } from '@platform/database/unit-of-work';
import { Outbox } from '@platform/messaging/outbox';
import { ConflictError, DomainError, NotFoundError, type EventEnvelope } from '@shared-kernel';
import {
  CancelPaymentCommand,
  CreatePaymentCommand,
  GetPaymentQuery,
  PaymentCanceledV1,
  PaymentCreatedV1,
  PaymentFailedV1,
  PaymentProcessingV1,
  PaymentRefundedV1,
  PaymentSucceededV1,
  RefundPaymentCommand,
  paymentsContract,
  type PaymentView,
} from '@modules/payments/contract';
import { sql } from '../support/database';

/*
 * A TEST-ONLY stand-in for the payments context, for the orders tests while the real
 * payments core is being built elsewhere: it is named 'payments' and carries the REAL
 * payments contract (@modules/payments/contract), so orders talks to it exactly as it will
 * to the real one (the same commands on the bus, the same events on payments.events from
 * the payments outbox). Its behaviour is a plausible minimum: create (idempotent by id;
 * other fields → PAYMENT_EXISTS_WITH_DIFFERENT_FIELDS), cancel while created or
 * requires_action (else 409), refund of a settled pay-in (once per refund id), and test
 * hooks to settle a payment and to redeliver an event. Every command it receives is logged
 * in payments.stand_in_calls so tests can count them. No ledger, no gateway.
 */

interface PaymentRow {
  id: string;
  owner_id: string;
  account_id: string;
  order_id: string | null;
  method: string;
  state: PaymentView['state'];
  amount: string;
  currency: string;
  refunded_amount: string;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, owner_id, account_id, order_id, method, state, amount::text, currency, refunded_amount::text, created_at, updated_at';

function viewOf(row: PaymentRow): PaymentView {
  return {
    id: row.id,
    ownerId: row.owner_id,
    kind: 'pay_in',
    method: row.method as PaymentView['method'],
    state: row.state,
    amount: row.amount,
    currency: row.currency,
    fee: '0',
    refundedAmount: row.refunded_amount,
    accountId: row.account_id,
    counterpartyAccountId: null,
    beneficiaryId: null,
    orderId: row.order_id,
    connector: 'stripe',
    providerReference: null,
    nextAction: null,
    failureCode: null,
    review: null,
    reference: null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

@Injectable()
export class StandInPayments {
  /** While true every command answers 503 PAYMENTS_UNAVAILABLE (an outage), after logging the call. */
  unavailable = false;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly outbox: Outbox,
  ) {}

  async log(command: string, paymentId: string, payload: unknown, outcome: string): Promise<void> {
    await this.uow.query('insert into payments.stand_in_calls (command, payment_id, payload, outcome) values ($1, $2, $3, $4)', [
      command,
      paymentId,
      JSON.stringify(payload),
      outcome,
    ]);
  }

  guard(): void {
    if (this.unavailable) throw new DomainError('unavailable', 'PAYMENTS_UNAVAILABLE', 'payments is down (stand-in)');
  }

  async lock(tx: Tx, id: string): Promise<PaymentRow | null> {
    const { rows } = await tx.query<PaymentRow>(`select ${COLUMNS} from payments.stand_in_payments where id = $1 for update`, [id]);
    return rows[0] ?? null;
  }

  async move(tx: Tx, id: string, state: PaymentView['state'], refunded?: bigint): Promise<PaymentView> {
    const { rows } = await tx.query<PaymentRow>(
      `update payments.stand_in_payments set state = $2, refunded_amount = coalesce($3, refunded_amount), updated_at = clock_timestamp()
       where id = $1 returning ${COLUMNS}`,
      [id, state, refunded?.toString() ?? null],
    );
    return viewOf(rows[0]!);
  }

  /** Test hook: the provider settled (or failed, or started processing) the payment; its event goes out through the payments outbox. */
  async settle(id: string, state: 'succeeded' | 'failed' | 'processing'): Promise<EventEnvelope> {
    return this.uow.run(async (tx) => {
      const view = await this.move(tx, id, state);
      const event = { succeeded: PaymentSucceededV1, failed: PaymentFailedV1, processing: PaymentProcessingV1 }[state];
      const [envelope] = await this.outbox.append(tx, 'payments', [event(id, { payment: view })]);
      return envelope!;
    });
  }

  /** Test hook: publishes an envelope again as it was (same event id): a broker's redelivery. */
  async redeliver(envelope: EventEnvelope, data: unknown = envelope.data, id: string = envelope.id): Promise<void> {
    await this.uow.query(`insert into payments.outbox (event_id, topic, event_type, aggregate_id, payload) values ($1, 'payments.events', $2, $3, $4)`, [
      id,
      envelope.type,
      envelope.subject,
      JSON.stringify({ ...envelope, id, data }),
    ]);
  }

  async view(id: string): Promise<PaymentView | null> {
    const { rows } = await this.uow.query<PaymentRow>(`select ${COLUMNS} from payments.stand_in_payments where id = $1`, [id]);
    return rows[0] ? viewOf(rows[0]) : null;
  }
}

@CommandHandler(CreatePaymentCommand)
class CreatePaymentStandIn implements ICommandHandler<CreatePaymentCommand, PaymentView> {
  constructor(
    private readonly payments: StandInPayments,
    private readonly uow: UnitOfWork,
    private readonly outbox: Outbox,
  ) {}

  async execute({ id, ownerId, payment }: CreatePaymentCommand): Promise<PaymentView> {
    if (payment.kind !== 'pay_in') throw new DomainError('unprocessable', 'STAND_IN_PAY_IN_ONLY', 'the stand-in knows pay-ins only');
    const outcome = this.payments.unavailable ? 'unavailable' : 'ok';
    await this.payments.log('create', id, { ownerId, payment }, outcome);
    this.payments.guard();
    return this.uow.run(async (tx) => {
      const inserted = await tx.query<PaymentRow>(
        `insert into payments.stand_in_payments (id, owner_id, account_id, order_id, method, state, amount, currency)
         values ($1, $2, $3, $4, $5, 'created', $6, $7) on conflict (id) do nothing returning ${COLUMNS}`,
        [id, ownerId, payment.accountId, payment.orderId ?? null, payment.method, payment.amount, payment.currency],
      );
      if (inserted.rows[0]) {
        const view = viewOf(inserted.rows[0]);
        await this.outbox.append(tx, 'payments', [PaymentCreatedV1(id, { payment: view })]);
        return view;
      }
      const existing = (await this.payments.lock(tx, id))!;
      if (existing.amount !== payment.amount || existing.owner_id !== ownerId || existing.order_id !== (payment.orderId ?? null)) {
        throw new ConflictError('PAYMENT_EXISTS_WITH_DIFFERENT_FIELDS', `payment ${id} exists with other fields`);
      }
      return viewOf(existing);
    });
  }
}

@CommandHandler(CancelPaymentCommand)
class CancelPaymentStandIn implements ICommandHandler<CancelPaymentCommand, PaymentView> {
  constructor(
    private readonly payments: StandInPayments,
    private readonly uow: UnitOfWork,
    private readonly outbox: Outbox,
  ) {}

  async execute({ paymentId }: CancelPaymentCommand): Promise<PaymentView> {
    await this.payments.log('cancel', paymentId, { paymentId }, this.payments.unavailable ? 'unavailable' : 'ok');
    this.payments.guard();
    return this.uow.run(async (tx) => {
      const row = await this.payments.lock(tx, paymentId);
      if (!row) throw new NotFoundError('PAYMENT_NOT_FOUND', 'No such payment');
      if (row.state === 'canceled') return viewOf(row);
      if (row.state !== 'created' && row.state !== 'requires_action') {
        throw new ConflictError('PAYMENT_NOT_CANCELABLE', `The payment is ${row.state}`, { state: row.state });
      }
      const view = await this.payments.move(tx, paymentId, 'canceled');
      await this.outbox.append(tx, 'payments', [PaymentCanceledV1(paymentId, { payment: view })]);
      return view;
    });
  }
}

@CommandHandler(RefundPaymentCommand)
class RefundPaymentStandIn implements ICommandHandler<RefundPaymentCommand, PaymentView> {
  constructor(
    private readonly payments: StandInPayments,
    private readonly uow: UnitOfWork,
    private readonly outbox: Outbox,
  ) {}

  async execute({ paymentId, refundId, amount }: RefundPaymentCommand): Promise<PaymentView> {
    await this.payments.log('refund', paymentId, { paymentId, refundId, amount }, this.payments.unavailable ? 'unavailable' : 'ok');
    this.payments.guard();
    return this.uow.run(async (tx) => {
      const row = await this.payments.lock(tx, paymentId);
      if (!row) throw new NotFoundError('PAYMENT_NOT_FOUND', 'No such payment');
      const known = await tx.query<{ amount: string }>('select amount::text from payments.stand_in_refunds where refund_id = $1', [refundId]);
      if (known.rows[0]) {
        if (known.rows[0].amount !== amount) throw new ConflictError('REFUND_EXISTS_WITH_DIFFERENT_FIELDS', 'refund exists with another amount');
        return viewOf(row);
      }
      if (row.state !== 'succeeded' && row.state !== 'partially_refunded') throw new ConflictError('PAYMENT_NOT_REFUNDABLE', `The payment is ${row.state}`);
      const refunded = BigInt(row.refunded_amount) + BigInt(amount);
      if (refunded > BigInt(row.amount)) throw new DomainError('unprocessable', 'REFUND_EXCEEDS_PAYMENT', 'more than was paid');
      await tx.query('insert into payments.stand_in_refunds (refund_id, payment_id, amount) values ($1, $2, $3)', [refundId, paymentId, amount]);
      const view = await this.payments.move(tx, paymentId, refunded === BigInt(row.amount) ? 'refunded' : 'partially_refunded', refunded);
      await this.outbox.append(tx, 'payments', [PaymentRefundedV1(paymentId, { payment: view })]);
      return view;
    });
  }
}

@QueryHandler(GetPaymentQuery)
class GetPaymentStandIn implements IQueryHandler<GetPaymentQuery, PaymentView | null> {
  constructor(private readonly payments: StandInPayments) {}

  execute({ id }: GetPaymentQuery): Promise<PaymentView | null> {
    return this.payments.view(id);
  }
}

@Module({ providers: [StandInPayments, CreatePaymentStandIn, CancelPaymentStandIn, RefundPaymentStandIn, GetPaymentStandIn] })
class PaymentsStandInModule {}

/** Named 'payments' so orders' dependsOn is met; run it INSTEAD of the real paymentsContext. */
export const paymentsStandIn = defineContext({
  name: 'payments',
  module: PaymentsStandInModule,
  dependsOn: [],
  contract: paymentsContract,
  migrations: [],
});

/**
 * The stand-in's tables, beside the real payments schema of the test database (whose outbox
 * it publishes through; the real payments tables stay unused): its own, so nothing here
 * depends on the real schema's details.
 */
export async function installPaymentsStandIn(databaseUrl: string): Promise<void> {
  const exists = await sql(databaseUrl, `select 1 from information_schema.tables where table_schema = 'payments' and table_name = 'outbox'`);
  await sql(
    databaseUrl,
    [
      ...(exists.length === 0 ? contextSchemaSql('payments') : []),
      `create table payments.stand_in_payments (
         id uuid primary key, owner_id uuid not null, account_id uuid not null, order_id uuid, method text not null, state text not null,
         amount bigint not null, currency text not null, refunded_amount bigint not null default 0,
         created_at timestamptz not null default clock_timestamp(), updated_at timestamptz not null default clock_timestamp())`,
      'create table payments.stand_in_calls (seq bigint generated always as identity, command text, payment_id uuid, payload jsonb, outcome text)',
      'create table payments.stand_in_refunds (refund_id uuid primary key, payment_id uuid, amount bigint)',
      ...appRoleGrantsSql('payments'),
    ].join(';\n'),
  );
}

export interface StandInCall {
  command: string;
  payment_id: string;
  payload: Record<string, unknown>;
  outcome: string;
}

export function standInCalls(databaseUrl: string, paymentId: string, command?: string): Promise<StandInCall[]> {
  return sql<StandInCall & Record<string, unknown>>(
    databaseUrl,
    'select command, payment_id, payload, outcome from payments.stand_in_calls where payment_id = $1 and ($2::text is null or command = $2) order by seq',
    [paymentId, command ?? null],
  );
}
