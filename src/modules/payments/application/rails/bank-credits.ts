import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { Outbox } from '@platform/messaging/outbox';
import { FindAccountByNumberQuery, GetAccountQuery, type AccountView } from '@modules/accounts/contract';
import { PaymentCreatedV1 } from '@modules/payments/contract';
import { BeneficiaryCipher } from '@modules/payments/beneficiaries/beneficiary-cipher';
import { bankCreditIdFor } from '@modules/payments/domain/ledger-ids';
import { PaymentRepository, paymentViewOf, type PaymentRow } from '@modules/payments/infrastructure/payment.repository';
import type { IncomingCredit } from '@modules/payments/rails/iso20022/iso20022-readers';
import { RailReportRepository, type RailCreditRow } from '@modules/payments/rails/rail-report.repository';
import { lastFour, type Rail } from '@modules/payments/rails/validation/bank-details';
import { PaymentReports } from '../apply-report/payment-reports';
import { PaymentLedger } from '../payment-ledger';

export interface CreditsOutcome {
  /** Credits seen for the first time that credited a customer. */
  readonly credited: number;
  /** Credits seen for the first time that no customer account matched (kept for staff). */
  readonly unmatched: number;
  /** Credits already read from an earlier statement: nothing more happened. */
  readonly repeated: number;
}

/** Why a credit matched no account (staff see it). */
type Unmatched = 'no_creditor_iban' | 'no_account' | 'account_not_active' | 'currency_mismatch';

/**
 * Booked credits from camt.054 / camt.053: each becomes a pay-in of method `bank_credit` to
 * the customer whose account has the creditor IBAN (found through accounts' contract), once
 * per dedupe key (the bank's reference with the entry's amount, date and end-to-end id), so a
 * statement read twice, or a notification and the day's statement, credit once. A credit no
 * active account in its currency matches is kept (rail_credits, status unmatched) for staff.
 *
 * The ledger step comes first with its derived id, then the payment row (created and
 * succeeded, with both events) and the credit marked credited in one transaction; a crash in
 * between leaves the credit `matched`, and the next reading or the rail job finishes it.
 */
@Injectable()
export class BankCredits {
  private readonly logger = new Logger('BankCredits');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly credits: RailReportRepository,
    private readonly payments: PaymentRepository,
    private readonly reports: PaymentReports,
    private readonly ledger: PaymentLedger,
    private readonly queries: QueryBus,
    private readonly outbox: Outbox,
    private readonly cipher: BeneficiaryCipher,
  ) {}

  async record(rail: Rail, incoming: readonly IncomingCredit[]): Promise<CreditsOutcome> {
    let credited = 0;
    let unmatched = 0;
    let repeated = 0;
    for (const credit of incoming) {
      const { row, inserted } = await this.keep(rail, credit);
      if (row.status === 'matched') await this.credit(row);
      if (!inserted) repeated += 1;
      else if (row.status === 'unmatched') unmatched += 1;
      else credited += 1;
    }
    return { credited, unmatched, repeated };
  }

  /** Finishes credits a crash left between the ledger and the payment row. */
  async finishPending(): Promise<number> {
    const rows = await this.credits.matchedNotCredited(100);
    for (const row of rows) await this.credit(row);
    return rows.length;
  }

  private async keep(rail: Rail, c: IncomingCredit): Promise<{ row: RailCreditRow; inserted: boolean }> {
    const dedupeKey = dedupeKeyOf(c);
    const id = bankCreditIdFor(dedupeKey);
    let account: AccountView | null = null;
    let reason: Unmatched | null = null;
    if (!c.creditorIban) reason = 'no_creditor_iban';
    else {
      account = await this.queries.execute(new FindAccountByNumberQuery({ number: c.creditorIban }));
      if (!account) reason = 'no_account';
      else if (account.status !== 'active') reason = 'account_not_active';
      else if (account.currency !== c.currency) reason = 'currency_mismatch';
    }
    if (reason) this.logger.warn({ creditId: id, reason }, 'incoming bank credit matches no customer account; kept for review');
    return this.credits.keepCredit({
      id,
      dedupeKey,
      rail,
      status: reason ? 'unmatched' : 'matched',
      amount: c.amount,
      currency: c.currency,
      accountId: reason ? null : account!.id,
      paymentId: reason ? null : id,
      creditorLast4: c.creditorIban ? lastFour(c.creditorIban) : null,
      detailsSealed: this.cipher.sealRecord(
        `rail-credit:${id}`,
        JSON.stringify(c, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
      ),
      bookingDate: c.bookingDate,
      bankReference: c.bankReference?.slice(0, 35) ?? null,
      unmatchedReason: reason,
    });
  }

  private async credit(row: RailCreditRow): Promise<void> {
    const account = await this.queries.execute(new GetAccountQuery({ id: row.account_id! }));
    if (!account) throw new Error(`account of bank credit ${row.id} not found`);
    const paymentId = row.payment_id!;
    const connector = row.rail;
    await this.ledger.creditPayIn({
      id: paymentId,
      connector,
      currency: row.currency,
      amount: row.amount,
      ledger_account_id: account.ledgerAccountId,
    } as PaymentRow);
    await this.uow.run(async (tx) => {
      const inserted = await this.payments.insert(tx, {
        id: paymentId,
        ownerId: account.ownerId,
        kind: 'pay_in',
        method: 'bank_credit',
        amount: BigInt(row.amount),
        currency: row.currency,
        fee: 0n,
        accountId: account.id,
        ledgerAccountId: account.ledgerAccountId,
        beneficiaryId: null,
        orderId: null,
        counterparty: null,
        fingerprint: row.dedupe_key,
        request: { kind: 'pay_in', method: 'bank_credit', amount: row.amount, currency: row.currency, accountId: account.id },
        reference: row.bank_reference,
      });
      if (inserted) {
        await this.payments.addTransition(tx, paymentId, null, 'created', 'rail', { creditId: row.id });
        await this.outbox.append(tx, 'payments', [PaymentCreatedV1(paymentId, { payment: paymentViewOf(inserted) })]);
        // Already credited on the ledger above: the move records it (the state machine allows created → succeeded).
        await this.reports.move(tx, inserted, 'succeeded', { connector, providerReference: `credit:${row.id}` }, 'rail', { creditId: row.id });
      }
      await this.credits.markCredited(row.id, tx);
    });
  }
}

/** What identifies one credit across readings: the bank's reference plus the entry's own facts (a reference can be shared by an entry's transactions). */
export function dedupeKeyOf(c: IncomingCredit): string {
  const facts = [c.bankReference ?? '', c.endToEndId ?? '', c.amount.toString(), c.currency, c.bookingDate ?? '', c.creditorIban ?? ''];
  return createHash('sha256').update(facts.join('\u0000')).digest('hex');
}
