import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CreateLedgerAccountCommand, SubmitTransfersCommand, type TransferInput } from '@modules/ledger/contract';
import { ledgerTransferId, systemAccountId, systemAccountName, type LedgerStep, type SystemAccount } from '../domain/ledger-ids';
import { insufficientFunds } from '../domain/payment-errors';
import type { PaymentRow } from '../infrastructure/payment.repository';
import { paymentsConfig, type PaymentsConfig } from '../payments.config';

/** Ledger codes (chart of accounts) of payments' transfers and system accounts. */
export const PAYMENT_LEDGER_CODES = {
  payoutHold: 9300,
  payoutFee: 9301,
  transfer: 9302,
  payInCredit: 9310,
  refund: 9311,
  payoutClearing: 1310,
  payInClearing: 1320,
  fees: 4100,
} as const;

/** The ledger refused a step of a payment (its stable code, e.g. PENDING_TRANSFER_EXPIRED). */
export class LedgerStepRefused extends Error {
  constructor(
    readonly step: LedgerStep,
    readonly code: string,
  ) {
    super(`the ledger refused step ${step}: ${code}`);
    this.name = 'LedgerStepRefused';
  }
}

type HoldOf = Pick<PaymentRow, 'id' | 'ledger_account_id' | 'amount' | 'fee' | 'currency'>;

/** Void answers that mean "nothing is held any more": the step's goal is met. */
const ALREADY_RELEASED = new Set(['PENDING_TRANSFER_NOT_FOUND', 'PENDING_TRANSFER_ALREADY_VOIDED', 'PENDING_TRANSFER_EXPIRED']);

/**
 * Every movement of a payment's money, as ledger commands with derived ids (ledger-ids.ts):
 * each step may be repeated (a retry, a crash before the payment row recorded it, two
 * reports racing) and the ledger executes it once, answering `exists` to the repeat.
 *
 * - payout: hold (pending customer → payout clearing, amount + fee) when created; on
 *   settlement post the hold and move the fee from clearing to the fee account; on failure
 *   or cancel void the hold.
 * - transfer: a hold payer → payee before the payment exists, posted at once (settlePayout,
 *   the fee being 0), voided if the payment is not created or fails.
 * - pay-in: on settlement a posted transfer pay-in clearing (connector, currency) → customer.
 * - refund: a hold customer → pay-in clearing when asked, posted when the provider refunded,
 *   voided when it refused.
 */
@Injectable()
export class PaymentLedger {
  private readonly ensured = new Set<string>();

  constructor(
    private readonly commands: CommandBus,
    @Inject(paymentsConfig.token) private readonly config: PaymentsConfig,
  ) {}

  /** Creates the system account if it does not exist (same id, same fields: idempotent); answers its id. */
  async system(account: SystemAccount): Promise<string> {
    const id = systemAccountId(account);
    if (this.ensured.has(id)) return id;
    const clearing = account.kind !== 'fees';
    await this.commands.execute(
      new CreateLedgerAccountCommand({
        account: {
          id,
          currency: account.currency,
          // Pay-in clearing is money the provider owes us (an asset); payout clearing and fees are owed or earned (credit-normal).
          normalSide: account.kind === 'payin_clearing' ? 'debit' : 'credit',
          code: clearing
            ? account.kind === 'payin_clearing'
              ? PAYMENT_LEDGER_CODES.payInClearing
              : PAYMENT_LEDGER_CODES.payoutClearing
            : PAYMENT_LEDGER_CODES.fees,
          reference: systemAccountName(account),
        },
      }),
    );
    this.ensured.add(id);
    return id;
  }

  /** The payout's hold (amount + fee). Refused for lack of money: 422 INSUFFICIENT_FUNDS. */
  async holdPayout(p: HoldOf): Promise<void> {
    await this.hold(p, await this.system({ kind: 'payout_clearing', currency: p.currency }), PAYMENT_LEDGER_CODES.payoutHold);
  }

  /** A transfer's hold, straight to the payee's ledger account; posted and voided as a payout's is. */
  async holdTransfer(p: HoldOf, payeeLedgerAccountId: string): Promise<void> {
    await this.hold(p, payeeLedgerAccountId, PAYMENT_LEDGER_CODES.transfer);
  }

  private async hold(p: HoldOf, creditAccountId: string, code: number): Promise<void> {
    await this.submit('hold', {
      id: ledgerTransferId(p.id, 'hold'),
      kind: 'pending',
      debitAccountId: p.ledger_account_id,
      creditAccountId,
      amount: (BigInt(p.amount) + BigInt(p.fee)).toString(),
      currency: p.currency,
      timeoutSeconds: this.config.holdTimeoutSeconds,
      code,
      reference: `payments:${p.id}`,
    });
  }

  /** Posts a payout's or a transfer's hold, and moves a payout's fee to the fee account. */
  async settlePayout(p: PaymentRow): Promise<void> {
    await this.submit('post', {
      id: ledgerTransferId(p.id, 'post'),
      kind: 'post_pending',
      pendingId: ledgerTransferId(p.id, 'hold'),
      code: p.kind === 'transfer' ? PAYMENT_LEDGER_CODES.transfer : PAYMENT_LEDGER_CODES.payoutHold,
    });
    if (BigInt(p.fee) > 0n) {
      await this.submit('fee', {
        id: ledgerTransferId(p.id, 'fee'),
        kind: 'posted',
        debitAccountId: await this.system({ kind: 'payout_clearing', currency: p.currency }),
        creditAccountId: await this.system({ kind: 'fees', currency: p.currency }),
        amount: p.fee,
        currency: p.currency,
        code: PAYMENT_LEDGER_CODES.payoutFee,
        reference: `payments:${p.id}`,
      });
    }
  }

  /** Releases the payout's hold; a hold already gone (never made, voided, expired) is the same outcome. */
  async voidPayout(paymentId: string): Promise<void> {
    await this.release('void', ledgerTransferId(paymentId, 'void'), ledgerTransferId(paymentId, 'hold'));
  }

  /** A bank return after settlement: the payout's amount back from clearing to the customer (the fee stays charged). */
  async returnPayout(p: PaymentRow): Promise<void> {
    await this.submit('return', {
      id: ledgerTransferId(p.id, 'return'),
      kind: 'posted',
      debitAccountId: await this.system({ kind: 'payout_clearing', currency: p.currency }),
      creditAccountId: p.ledger_account_id,
      amount: p.amount,
      currency: p.currency,
      code: PAYMENT_LEDGER_CODES.payoutHold,
      reference: `payments:${p.id}:return`,
    });
  }

  async creditPayIn(p: PaymentRow): Promise<void> {
    await this.submit('credit', {
      id: ledgerTransferId(p.id, 'credit'),
      kind: 'posted',
      debitAccountId: await this.system({ kind: 'payin_clearing', connector: p.connector ?? 'internal', currency: p.currency }),
      creditAccountId: p.ledger_account_id,
      amount: p.amount,
      currency: p.currency,
      code: PAYMENT_LEDGER_CODES.payInCredit,
      reference: `payments:${p.id}`,
    });
  }

  async holdRefund(p: PaymentRow, refundId: string, amount: string): Promise<void> {
    await this.submit(`refund:${refundId}:hold`, {
      id: ledgerTransferId(p.id, `refund:${refundId}:hold`),
      kind: 'pending',
      debitAccountId: p.ledger_account_id,
      creditAccountId: await this.system({ kind: 'payin_clearing', connector: p.connector ?? 'internal', currency: p.currency }),
      amount,
      currency: p.currency,
      timeoutSeconds: this.config.holdTimeoutSeconds,
      code: PAYMENT_LEDGER_CODES.refund,
      reference: `payments:${p.id}:refund:${refundId}`,
    });
  }

  async postRefund(paymentId: string, refundId: string): Promise<void> {
    await this.submit(`refund:${refundId}:post`, {
      id: ledgerTransferId(paymentId, `refund:${refundId}:post`),
      kind: 'post_pending',
      pendingId: ledgerTransferId(paymentId, `refund:${refundId}:hold`),
      code: PAYMENT_LEDGER_CODES.refund,
    });
  }

  async voidRefund(paymentId: string, refundId: string): Promise<void> {
    await this.release(
      `refund:${refundId}:void`,
      ledgerTransferId(paymentId, `refund:${refundId}:void`),
      ledgerTransferId(paymentId, `refund:${refundId}:hold`),
    );
  }

  private async release(step: LedgerStep, id: string, pendingId: string): Promise<void> {
    try {
      await this.submit(step, { id, kind: 'void_pending', pendingId, code: PAYMENT_LEDGER_CODES.payoutHold, reference: `payments:${step}` });
    } catch (error) {
      if (error instanceof LedgerStepRefused && ALREADY_RELEASED.has(error.code)) return;
      throw error;
    }
  }

  private async submit(step: LedgerStep, transfer: TransferInput): Promise<void> {
    const [result] = await this.commands.execute(new SubmitTransfersCommand({ transfers: [transfer] }));
    if (!result) throw new Error(`the ledger answered no result for step ${step}`);
    if (result.status !== 'failed') return;
    if (result.error === 'EXCEEDS_CREDITS') throw insufficientFunds();
    throw new LedgerStepRefused(step, result.error);
  }
}
