import type { ReconciliationMismatchKind } from '../contract/reconciliation';
import type { PaymentKind, PaymentState } from '../contract/views';

/*
 * Reconciliation: a provider's settlement report matched, line by line, against our payments,
 * refunds and the ledger. Pure: the application gathers what it needs (the payments and
 * refunds the lines name, their ledger transfers, what earlier runs stored) and this decides.
 */

/** The kinds (contract/reconciliation.ts states and explains them). */
export type MismatchKind = ReconciliationMismatchKind;

export type LineKind = 'charge' | 'refund' | 'payout' | 'fee' | 'adjustment';

export interface ReportLine {
  readonly lineId: string;
  readonly kind: LineKind;
  readonly providerReference: string;
  readonly gross: bigint;
  readonly currency: string;
}

export interface OurPayment {
  readonly id: string;
  readonly kind: PaymentKind;
  readonly state: PaymentState;
  readonly amount: bigint;
  readonly currency: string;
  readonly refundedAmount: bigint;
}

export interface OurRefund {
  readonly id: string;
  readonly paymentId: string;
  readonly amount: bigint;
  readonly state: 'pending' | 'processing' | 'succeeded' | 'failed';
}

/** A ledger transfer's amount, or null when the ledger has none with that id. */
export type LedgerAmount = bigint | null;

export interface Mismatch {
  readonly kind: MismatchKind;
  /** What makes it the same mismatch on a rerun (with connector and kind): a line id, or a payment and step. */
  readonly subjectKey: string;
  readonly lineId?: string;
  readonly providerReference?: string;
  readonly paymentId?: string;
  readonly refundId?: string;
  readonly currency: string;
  readonly expected?: bigint;
  readonly actual?: bigint;
  /** Why, in a few words without personal data (our state, the provider's type). */
  readonly detail: string;
}

/** Payment states in which the money has moved at the provider. */
const SETTLED: ReadonlySet<PaymentState> = new Set(['succeeded', 'partially_refunded', 'refunded', 'returned']);

export const isSettled = (state: PaymentState): boolean => SETTLED.has(state);

/** What a line was matched to (null: ours has nothing, e.g. the provider's payout to our bank or its fee). */
export interface LineMatch {
  readonly payment?: OurPayment;
  readonly refund?: OurRefund;
  /** The ledger transfer of the step the line settles (pay-in credit, refund post, payout post). */
  readonly ledger?: LedgerAmount;
}

/** The mismatches one line shows against what it matched. */
export function checkLine(line: ReportLine, match: LineMatch): Mismatch[] {
  const base = { lineId: line.lineId, providerReference: line.providerReference, currency: line.currency };
  const { payment, refund } = match;
  switch (line.kind) {
    case 'charge': {
      if (!payment) return [{ ...base, kind: 'unknown_charge', subjectKey: line.lineId, actual: line.gross, detail: 'no payment of ours' }];
      return [...checkAmount(line, payment.id, undefined, payment.currency, payment.amount, line.gross), ...checkPaymentSettled(line, payment, match.ledger)];
    }
    case 'refund': {
      if (!refund)
        return [
          {
            ...base,
            kind: 'unknown_refund',
            subjectKey: line.lineId,
            actual: -line.gross,
            ...(payment ? { paymentId: payment.id } : {}),
            detail: 'no refund of ours',
          },
        ];
      const currency = payment?.currency ?? line.currency;
      const out = checkAmount(line, refund.paymentId, refund.id, currency, refund.amount, -line.gross);
      if (refund.state !== 'succeeded') {
        out.push({
          ...base,
          kind: 'state_mismatch',
          subjectKey: line.lineId,
          paymentId: refund.paymentId,
          refundId: refund.id,
          detail: `refund ${refund.state} with us`,
        });
      } else if (match.ledger === null) {
        out.push({
          ...base,
          kind: 'ledger_missing',
          subjectKey: `${refund.paymentId}:refund:${refund.id}:post`,
          paymentId: refund.paymentId,
          refundId: refund.id,
          expected: refund.amount,
          detail: 'no refund post on the ledger',
        });
      }
      return out;
    }
    case 'payout': {
      // the provider paying our balance out to our bank is not a payment of ours
      if (!payment || payment.kind !== 'payout') return [];
      return [...checkAmount(line, payment.id, undefined, payment.currency, payment.amount, -line.gross), ...checkPaymentSettled(line, payment, match.ledger)];
    }
    case 'adjustment':
      if (!payment) return [];
      return [
        {
          ...base,
          kind: 'unexpected_adjustment',
          subjectKey: line.lineId,
          paymentId: payment.id,
          actual: line.gross,
          detail: `adjustment on a payment ${payment.state} with us`,
        },
      ];
    case 'fee':
      return [];
  }
}

function checkAmount(line: ReportLine, paymentId: string, refundId: string | undefined, currency: string, expected: bigint, actual: bigint): Mismatch[] {
  const ids = { paymentId, ...(refundId ? { refundId } : {}) };
  const base = { lineId: line.lineId, providerReference: line.providerReference, ...ids };
  if (currency !== line.currency)
    return [{ ...base, kind: 'currency_mismatch', subjectKey: line.lineId, currency: line.currency, detail: `ours in ${currency}` }];
  if (expected !== actual)
    return [{ ...base, kind: 'amount_mismatch', subjectKey: line.lineId, currency, expected, actual, detail: `${line.kind} amount differs` }];
  return [];
}

/** The provider moved the money: ours must be settled, and its ledger step there with the provider's amount. */
function checkPaymentSettled(line: ReportLine, payment: OurPayment, ledger: LedgerAmount | undefined): Mismatch[] {
  const base = { lineId: line.lineId, providerReference: line.providerReference, paymentId: payment.id, currency: payment.currency };
  if (!isSettled(payment.state)) return [{ ...base, kind: 'state_mismatch', subjectKey: line.lineId, detail: `payment ${payment.state} with us` }];
  const step = payment.kind === 'payout' ? 'post' : 'credit';
  const moved = payment.kind === 'payout' ? -line.gross : line.gross;
  if (ledger === null)
    return [{ ...base, kind: 'ledger_missing', subjectKey: `${payment.id}:${step}`, expected: moved, detail: `no ${step} transfer on the ledger` }];
  if (ledger !== undefined && ledger !== moved) {
    return [
      {
        ...base,
        kind: 'ledger_amount_mismatch',
        subjectKey: `${payment.id}:${step}`,
        expected: moved,
        actual: ledger,
        detail: `${step} transfer moved another amount`,
      },
    ];
  }
  return [];
}

/** A payment the provider refunded more for (over every report line seen so far) than we recorded. */
export function checkRefundTotal(payment: OurPayment, providerRefunded: bigint): Mismatch[] {
  if (providerRefunded <= payment.refundedAmount) return [];
  return [
    {
      kind: 'refund_total_mismatch',
      subjectKey: payment.id,
      paymentId: payment.id,
      currency: payment.currency,
      expected: payment.refundedAmount,
      actual: providerRefunded,
      detail: 'the provider refunded more than we recorded',
    },
  ];
}

/** A payment we settled on this connector, due in the report by now, that no report line (of any run) carried. */
export function missingAtProvider(payment: OurPayment & { readonly providerReference: string | null }): Mismatch {
  return {
    kind: 'missing_at_provider',
    subjectKey: payment.id,
    paymentId: payment.id,
    ...(payment.providerReference ? { providerReference: payment.providerReference } : {}),
    currency: payment.currency,
    expected: payment.amount,
    detail: `settled with us (${payment.state}), not in the provider's report`,
  };
}

/** A refund we hold as succeeded on this connector, due in the report by now, that no report line carried. */
export function refundMissingAtProvider(refund: OurRefund & { readonly providerReference: string | null }, currency: string): Mismatch {
  return {
    kind: 'missing_at_provider',
    subjectKey: `refund:${refund.id}`,
    paymentId: refund.paymentId,
    refundId: refund.id,
    ...(refund.providerReference ? { providerReference: refund.providerReference } : {}),
    currency,
    expected: refund.amount,
    detail: "refund succeeded with us, not in the provider's report",
  };
}
