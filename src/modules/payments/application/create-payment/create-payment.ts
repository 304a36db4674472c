import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandHandler, QueryBus, type ICommandHandler } from '@nestjs/cqrs';
import { canonicalJson, ValidationError } from '@shared-kernel';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { Outbox } from '@platform/messaging/outbox';
import { FindAccountByNumberQuery, GetAccountQuery, type AccountView } from '@modules/accounts/contract';
import { CreatePaymentCommand, PaymentCreatedV1, type PaymentView } from '@modules/payments/contract';
import { limitExceeded, paymentExistsWithDifferentFields, unusable } from '@modules/payments/domain/payment-errors';
import { railCurrencyMismatch } from '@modules/payments/domain/payout-rails';
import { payeeRefusal } from '@modules/payments/domain/transfer-payee';
import { PaymentRepository, paymentViewOf, type NewPaymentRow, type PaymentRow } from '@modules/payments/infrastructure/payment.repository';
import { paymentsConfig, type PaymentsConfig } from '@modules/payments/payments.config';
import { PaymentReports } from '../apply-report/payment-reports';
import { BeneficiaryLookup } from '../beneficiary-lookup';
import { DispatchPaymentsJob } from '../dispatch/dispatch-payments.job';
import { LedgerStepRefused, PaymentLedger } from '../payment-ledger';

export type CreatePaymentInput = CreatePaymentCommand['payment'];

/**
 * Starts a pay-in, a payout or a transfer. Checks first (nothing is written for a refused request): the
 * account is the caller's, active, in the payment's currency; the amount within the limits
 * per payment and per user per day and month; for a payout, the beneficiary is the caller's
 * and its rail and currency fit the method; for a transfer, the payee's account (named by
 * its IBAN or number) can receive it. A payout's or transfer's money is held on the ledger
 * before the payment exists (refused: 422 INSUFFICIENT_FUNDS); then the row, its first
 * transition and PaymentCreatedV1 commit in one transaction. The gateway is called later, by
 * the dispatch job, never here. A transfer has no gateway: it is settled at once through
 * PaymentReports (the hold posted to the payee); if that is cut short, a retry of the request
 * or the dispatch job settles it.
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
    private readonly reports: PaymentReports,
    private readonly queries: QueryBus,
    private readonly outbox: Outbox,
    private readonly dispatch: DispatchPaymentsJob,
    @Inject(paymentsConfig.token) private readonly config: PaymentsConfig,
  ) {}

  async execute(id: string, ownerId: string, payment: CreatePaymentInput): Promise<PaymentView> {
    const fingerprint = fingerprintOf(ownerId, payment);
    const existing = await this.payments.findRow(id);
    if (existing) {
      const view = replay(existing, ownerId, fingerprint);
      return existing.kind === 'transfer' && existing.state === 'created' && existing.review === null ? this.settleTransfer(id) : view;
    }

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
    const payee = payment.kind === 'transfer' ? await this.payeeOf(account, payment.payeeAccount, payment.currency) : null;

    const row: NewPaymentRow = {
      id,
      ownerId,
      kind: payment.kind,
      method: payment.kind === 'transfer' ? 'internal' : payment.method,
      amount,
      currency: payment.currency,
      fee: payment.kind === 'payout' ? this.config.payoutFee : 0n,
      accountId: account.id,
      ledgerAccountId: account.ledgerAccountId,
      beneficiaryId,
      counterparty: payee && { accountId: payee.id, ownerId: payee.ownerId },
      orderId: payment.kind === 'pay_in' ? (payment.orderId ?? null) : null,
      fingerprint,
      request: requestOf(payment, payee),
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
    } else if (payment.kind === 'transfer') {
      await this.uow.run((tx) => this.checkPeriodLimits(tx, row));
      await this.holdTransfer(row, payee!.ledgerAccountId);
    } else {
      // Pay-ins settle into clearing accounts per connector: create them lazily at settlement; nothing to hold.
    }
    let created: PaymentView;
    try {
      created = await this.insert(row, ownerId, fingerprint);
    } catch (error) {
      if (payment.kind !== 'pay_in' && !(await this.payments.findRow(id))) await this.voidOrphanHold(id);
      throw error;
    }
    return payment.kind === 'transfer' && created.state === 'created' ? this.settleTransfer(id) : created;
  }

  /** The payee's account, or the refusal naming payeeAccount (one answer for every number that cannot receive). */
  private async payeeOf(source: AccountView, number: string, currency: string): Promise<AccountView> {
    const payee = await this.queries.execute(new FindAccountByNumberQuery({ number }));
    const refusal = payeeRefusal(source.id, payee, currency);
    if (refusal === 'PAYEE_ACCOUNT_SAME_AS_SOURCE') throw unusable(refusal, 'payeeAccount', 'A transfer goes to another account than the one it leaves');
    if (refusal) throw unusable(refusal, 'payeeAccount', `No account by this number can receive ${currency}`);
    return payee!;
  }

  /** The transfer's hold; an account the ledger refuses (frozen or closed meanwhile) is named as the checks name it. */
  private async holdTransfer(row: NewPaymentRow, payeeLedgerAccountId: string): Promise<void> {
    const hold = { id: row.id, ledger_account_id: row.ledgerAccountId, amount: row.amount.toString(), fee: '0', currency: row.currency };
    try {
      await this.ledger.holdTransfer(hold, payeeLedgerAccountId);
    } catch (error) {
      if (!(error instanceof LedgerStepRefused)) throw error;
      const source = await this.queries.execute(new GetAccountQuery({ id: row.accountId }));
      if (error.code === 'ACCOUNT_FROZEN' || source?.status !== 'active') throw unusable('ACCOUNT_NOT_ACTIVE', 'accountId', 'The account cannot pay out now');
      throw unusable('PAYEE_ACCOUNT_NOT_FOUND', 'payeeAccount', `No account by this number can receive ${row.currency}`);
    }
  }

  /** A transfer has no provider: its hold is posted to the payee now (PaymentReports, as every settlement). */
  private async settleTransfer(id: string): Promise<PaymentView> {
    return (await this.reports.apply(id, { status: 'succeeded', connector: 'internal' }, 'api')).payment;
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
    // A transfer is settled by its creator, not sent anywhere (the sweep settles it only if that is cut short).
    if (created && row.kind !== 'transfer') await this.dispatch.enqueue(row.id);
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

/** What is kept of the request: a transfer keeps the payee's account id, not the number the payer typed. */
function requestOf(payment: CreatePaymentInput, payee: AccountView | null): Record<string, unknown> {
  if (payment.kind !== 'transfer') return payment;
  const { payeeAccount: _number, ...rest } = payment;
  return { ...rest, payeeAccountId: payee!.id };
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
