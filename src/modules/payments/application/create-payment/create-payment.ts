import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandHandler, QueryBus, type ICommandHandler } from '@nestjs/cqrs';
import { canonicalJson, ValidationError } from '@shared-kernel';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { Outbox } from '@platform/messaging/outbox';
import { GetAccountQuery } from '@modules/accounts/contract';
import { CreatePaymentCommand, PaymentCreatedV1, type PaymentView } from '@modules/payments/contract';
import { limitExceeded, paymentExistsWithDifferentFields, unusable } from '@modules/payments/domain/payment-errors';
import { railCurrencyMismatch } from '@modules/payments/domain/payout-rails';
import { PaymentRepository, paymentViewOf, type NewPaymentRow, type PaymentRow } from '@modules/payments/infrastructure/payment.repository';
import { paymentsConfig, type PaymentsConfig } from '@modules/payments/payments.config';
import { BeneficiaryLookup } from '../beneficiary-lookup';
import { DispatchPaymentsJob } from '../dispatch/dispatch-payments.job';
import { PaymentLedger } from '../payment-ledger';

export type CreatePaymentInput = CreatePaymentCommand['payment'];

/**
 * Starts a pay-in or a payout. Checks first (nothing is written for a refused request): the
 * account is the caller's, active, in the payment's currency; the amount within the limits
 * per payment and per user per day and month; for a payout, the beneficiary is the caller's
 * and its rail and currency fit the method. A payout's money is held on the ledger before
 * the payment exists (refused: 422 INSUFFICIENT_FUNDS); then the row, its first transition
 * and PaymentCreatedV1 commit in one transaction. The gateway is called later, by the
 * dispatch job, never here.
 *
 * The id is the caller's (derived from the Idempotency-Key over HTTP): the same id with the
 * same request answers the stored payment, with another request it is a conflict. The hold's
 * id follows from the payment id, so a concurrent duplicate shares the one hold; when the
 * insert fails and no payment with the id exists, the hold is voided (best effort: its
 * timeout is the backstop).
 */
@Injectable()
export class CreatePayment {
  private readonly logger = new Logger('CreatePayment');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly payments: PaymentRepository,
    private readonly ledger: PaymentLedger,
    private readonly beneficiaries: BeneficiaryLookup,
    private readonly queries: QueryBus,
    private readonly outbox: Outbox,
    private readonly dispatch: DispatchPaymentsJob,
    @Inject(paymentsConfig.token) private readonly config: PaymentsConfig,
  ) {}

  async execute(id: string, ownerId: string, payment: CreatePaymentInput): Promise<PaymentView> {
    const fingerprint = fingerprintOf(ownerId, payment);
    const existing = await this.payments.findRow(id);
    if (existing) return replay(existing, ownerId, fingerprint);

    if (payment.kind === 'payout') {
      const mismatch = railCurrencyMismatch(payment.method, payment.currency);
      if (mismatch)
        throw new ValidationError(
          `The ${payment.method} rail cannot carry ${payment.currency}`,
          [{ field: 'currency', message: mismatch, code: 'RAIL_CURRENCY_MISMATCH' }],
          'RAIL_CURRENCY_MISMATCH',
        );
    }
    const account = await this.queries.execute(new GetAccountQuery({ id: payment.accountId }));
    if (!account || account.ownerId !== ownerId) throw unusable('ACCOUNT_NOT_FOUND', 'accountId', 'No such account of yours');
    if (account.status !== 'active') throw unusable('ACCOUNT_NOT_ACTIVE', 'accountId', `The account is ${account.status}`);
    if (account.currency !== payment.currency)
      throw unusable('CURRENCY_MISMATCH', 'currency', `The account holds ${account.currency}, not ${payment.currency}`);
    const amount = BigInt(payment.amount);
    if (amount > this.config.limits.perPayment) throw limitExceeded('per_payment', this.config.limits.perPayment, payment.currency);

    let beneficiaryId: string | null = null;
    if (payment.kind === 'payout') {
      const beneficiary = await this.beneficiaries.findForOwner(ownerId, payment.beneficiaryId);
      if (!beneficiary) throw unusable('BENEFICIARY_NOT_FOUND', 'beneficiaryId', 'No such beneficiary of yours');
      if (beneficiary.rail !== payment.method) {
        throw new ValidationError(
          `The beneficiary is paid by ${beneficiary.rail}`,
          [{ field: 'method', message: `must be ${beneficiary.rail} for this beneficiary`, code: 'RAIL_MISMATCH' }],
          'RAIL_MISMATCH',
        );
      }
      if (beneficiary.currency !== payment.currency) {
        throw new ValidationError(
          `The beneficiary's account holds ${beneficiary.currency}`,
          [{ field: 'currency', message: `must be ${beneficiary.currency} for this beneficiary`, code: 'CURRENCY_MISMATCH' }],
          'CURRENCY_MISMATCH',
        );
      }
      beneficiaryId = beneficiary.id;
    }

    const row: NewPaymentRow = {
      id,
      ownerId,
      kind: payment.kind,
      method: payment.method,
      amount,
      currency: payment.currency,
      fee: payment.kind === 'payout' ? this.config.payoutFee : 0n,
      accountId: account.id,
      ledgerAccountId: account.ledgerAccountId,
      beneficiaryId,
      orderId: payment.kind === 'pay_in' ? (payment.orderId ?? null) : null,
      fingerprint,
      request: payment,
      reference: payment.reference ?? null,
    };

    if (payment.kind === 'payout') {
      // Refuse over-limit payouts before holding money (checked again, authoritatively, under the owner's lock).
      await this.uow.run((tx) => this.checkPeriodLimits(tx, row));
      await this.ledger.holdPayout({
        id,
        ledger_account_id: row.ledgerAccountId,
        amount: row.amount.toString(),
        fee: row.fee.toString(),
        currency: row.currency,
      });
    } else {
      // Pay-ins settle into clearing accounts per connector: create them lazily at settlement; nothing to hold.
    }
    try {
      return await this.insert(row, ownerId, fingerprint);
    } catch (error) {
      if (payment.kind === 'payout' && !(await this.payments.findRow(id))) await this.voidOrphanHold(id);
      throw error;
    }
  }

  private async insert(row: NewPaymentRow, ownerId: string, fingerprint: string): Promise<PaymentView> {
    let created = false;
    const view = await this.uow.run(async (tx) => {
      created = false; // a retried transaction starts over
      // One creation per owner at a time, so two concurrent payments cannot both fit under a limit.
      await tx.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`payments:limits:${ownerId}`]);
      const raced = await this.payments.findRow(row.id, tx);
      if (raced) return replay(raced, ownerId, fingerprint);
      await this.checkPeriodLimits(tx, row);
      const inserted = (await this.payments.insert(tx, row))!;
      await this.payments.addTransition(tx, row.id, null, 'created', 'api', null);
      const view = paymentViewOf(inserted);
      await this.outbox.append(tx, 'payments', [PaymentCreatedV1(view.id, { payment: view })]);
      created = true;
      return view;
    });
    // Committed: the gateway call is the dispatch job's (a missed enqueue is the sweeper's to find).
    if (created) await this.dispatch.enqueue(row.id);
    return view;
  }

  private async checkPeriodLimits(tx: Parameters<Parameters<UnitOfWork['run']>[0]>[0], row: NewPaymentRow): Promise<void> {
    const { day, month } = await this.payments.usage(tx, row.ownerId, row.kind, row.currency);
    if (day + row.amount > this.config.limits.perDay) throw limitExceeded('per_day', this.config.limits.perDay, row.currency);
    if (month + row.amount > this.config.limits.perMonth) throw limitExceeded('per_month', this.config.limits.perMonth, row.currency);
  }

  private async voidOrphanHold(id: string): Promise<void> {
    try {
      await this.ledger.voidPayout(id);
    } catch (err) {
      this.logger.warn({ paymentId: id, err }, 'hold of a payment that was not created not voided; its timeout releases it');
    }
  }
}

function fingerprintOf(ownerId: string, payment: CreatePaymentInput): string {
  return createHash('sha256').update(canonicalJson({ ownerId, payment })).digest('hex');
}

function replay(row: PaymentRow, ownerId: string, fingerprint: string): PaymentView {
  if (row.owner_id !== ownerId || row.request_fingerprint !== fingerprint) throw paymentExistsWithDifferentFields(row.id);
  return paymentViewOf(row);
}

@CommandHandler(CreatePaymentCommand)
export class CreatePaymentCommandHandler implements ICommandHandler<CreatePaymentCommand, PaymentView> {
  constructor(private readonly creation: CreatePayment) {}

  execute({ id, ownerId, payment }: CreatePaymentCommand): Promise<PaymentView> {
    return this.creation.execute(id, ownerId, payment);
  }
}
