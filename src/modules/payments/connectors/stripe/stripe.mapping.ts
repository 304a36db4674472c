import { ConnectorError, type ConnectorPaymentResult, type ConnectorRefundResult, type ProviderEvent, type SettlementLine } from '../connector';
import { minorUnitsFrom } from '../transport';

/*
 * Stripe's objects (as its API answers them) mapped onto the connector contract. Pure
 * functions: the SDK's answers go in, our states come out; unit-tested in stripe.mapping.spec.ts.
 */

export interface StripeIntentLike {
  readonly id: string;
  readonly status: string;
  readonly amount?: number;
  readonly amount_received?: number;
  readonly metadata?: Record<string, string> | null;
  readonly next_action?: { readonly type?: string; readonly redirect_to_url?: { readonly url?: string | null } | null } | null;
  readonly last_payment_error?: { readonly code?: string | null; readonly decline_code?: string | null } | null;
  readonly cancellation_reason?: string | null;
}

export interface StripeRefundLike {
  readonly id: string;
  readonly status?: string | null;
  readonly amount?: number;
  readonly payment_intent?: string | { id: string } | null;
  readonly metadata?: Record<string, string> | null;
  readonly failure_reason?: string | null;
}

/** A PaymentIntent's status as ours. */
export function intentResult(intent: StripeIntentLike): ConnectorPaymentResult {
  const base = { providerReference: intent.id };
  switch (intent.status) {
    case 'succeeded':
      return { ...base, status: 'succeeded' };
    case 'processing':
    case 'requires_capture':
    case 'requires_confirmation':
      return { ...base, status: 'processing' };
    case 'requires_action': {
      const url = intent.next_action?.redirect_to_url?.url;
      return { ...base, status: 'requires_action', ...(url ? { nextAction: { type: 'redirect' as const, url } } : {}) };
    }
    case 'requires_payment_method':
      // after a failed confirmation Stripe puts the intent back here with the decline on it
      return { ...base, status: 'failed', failureCode: declineCode(intent.last_payment_error) ?? 'requires_payment_method' };
    case 'canceled':
      return { ...base, status: 'canceled', ...(intent.cancellation_reason ? { failureCode: intent.cancellation_reason } : {}) };
    default:
      return { ...base, status: 'processing' };
  }
}

export function declineCode(error: { readonly code?: string | null; readonly decline_code?: string | null } | null | undefined): string | undefined {
  return error?.decline_code ?? error?.code ?? undefined;
}

export function refundResult(refund: StripeRefundLike): ConnectorRefundResult {
  switch (refund.status) {
    case 'succeeded':
      return { status: 'succeeded', providerReference: refund.id };
    case 'failed':
    case 'canceled':
      return { status: 'failed', providerReference: refund.id, failureCode: refund.failure_reason ?? refund.status };
    default: // pending, requires_action
      return { status: 'processing', providerReference: refund.id };
  }
}

export interface StripeEventLike {
  readonly id: string;
  readonly type: string;
  readonly created: number;
  readonly data: { readonly object: Record<string, unknown> };
}

const INTENT_EVENTS: Record<string, ProviderEvent['status']> = {
  'payment_intent.succeeded': 'succeeded',
  'payment_intent.payment_failed': 'failed',
  'payment_intent.canceled': 'canceled',
  'payment_intent.processing': 'processing',
  'payment_intent.requires_action': 'requires_action',
};

/** A verified Stripe event as what it says about our payments; other types say nothing (empty list). */
export function translateStripeEvent(event: StripeEventLike): ProviderEvent[] {
  const occurredAt = new Date(event.created * 1000);
  const object = event.data.object;
  const intentStatus = INTENT_EVENTS[event.type];
  if (intentStatus) {
    const intent = object as unknown as StripeIntentLike;
    const paymentId = intent.metadata?.['payment_id'];
    const amount = intentStatus === 'succeeded' ? minorUnitsFrom(intent.amount_received ?? intent.amount) : minorUnitsFrom(intent.amount);
    const failureCode = intentStatus === 'failed' ? (declineCode(intent.last_payment_error) ?? 'payment_failed') : undefined;
    return [
      {
        eventId: event.id,
        providerReference: intent.id,
        ...(paymentId ? { paymentId } : {}),
        subject: 'payment',
        status: intentStatus,
        ...(amount !== undefined ? { amount } : {}),
        ...(failureCode ? { failureCode } : {}),
        occurredAt,
      },
    ];
  }
  if (event.type === 'charge.refunded') {
    // the charge's cumulative refunded amount, about the PaymentIntent it belongs to
    const charge = object as { payment_intent?: string | { id: string } | null; amount_refunded?: number; metadata?: Record<string, string> | null };
    const intentId = idOf(charge.payment_intent);
    if (!intentId) return [];
    const paymentId = charge.metadata?.['payment_id'];
    const amount = minorUnitsFrom(charge.amount_refunded);
    return [
      {
        eventId: event.id,
        providerReference: intentId,
        ...(paymentId ? { paymentId } : {}),
        subject: 'payment',
        status: 'refunded',
        ...(amount !== undefined ? { amount } : {}),
        occurredAt,
      },
    ];
  }
  if (event.type === 'refund.updated' || event.type === 'refund.created' || event.type === 'refund.failed') {
    const refund = object as unknown as StripeRefundLike;
    const mapped = refundResult(refund);
    const paymentId = refund.metadata?.['payment_id'];
    const amount = minorUnitsFrom(refund.amount);
    return [
      {
        eventId: event.id,
        providerReference: refund.id,
        ...(paymentId ? { paymentId } : {}),
        subject: 'refund',
        status: mapped.status === 'succeeded' ? 'refunded' : mapped.status,
        ...(amount !== undefined ? { amount } : {}),
        ...(mapped.failureCode ? { failureCode: mapped.failureCode } : {}),
        occurredAt,
      },
    ];
  }
  return [];
}

function idOf(value: string | { id: string } | null | undefined): string | undefined {
  if (!value) return undefined;
  return typeof value === 'string' ? value : value.id;
}

/** A balance transaction as `GET /v1/balance_transactions?expand[]=data.source` answers it. */
export interface StripeBalanceTransactionLike {
  readonly id: string;
  readonly type: string;
  readonly amount: number;
  readonly fee: number;
  readonly net: number;
  readonly currency: string;
  readonly created: number;
  readonly source?:
    | string
    | {
        readonly id: string;
        readonly object?: string;
        readonly payment_intent?: string | { id: string } | null;
        readonly metadata?: Record<string, string> | null;
      }
    | null;
}

const CHARGE_TYPES = new Set(['charge', 'payment']);
const REFUND_TYPES = new Set(['refund', 'payment_refund']);
const PAYOUT_TYPES = new Set(['payout', 'payout_cancel', 'payout_failure']);
const FEE_TYPES = new Set(['stripe_fee', 'stripe_fx_fee', 'application_fee', 'tax_fee']);

/**
 * A balance transaction as a settlement line: a charge is about its PaymentIntent (our
 * providerReference), a refund about the refund itself; metadata.payment_id and refund_id
 * (which we set) name ours. Amounts are Stripe's own integers (already minor units, signed).
 */
export function settlementLineOfStripe(txn: StripeBalanceTransactionLike): SettlementLine {
  const source = typeof txn.source === 'object' && txn.source ? txn.source : undefined;
  const sourceId = typeof txn.source === 'string' ? txn.source : (source?.id ?? txn.id);
  const kind = CHARGE_TYPES.has(txn.type)
    ? 'charge'
    : REFUND_TYPES.has(txn.type)
      ? 'refund'
      : PAYOUT_TYPES.has(txn.type)
        ? 'payout'
        : FEE_TYPES.has(txn.type)
          ? 'fee'
          : 'adjustment';
  const intentId = idOf(source?.payment_intent);
  const providerReference = kind === 'refund' ? sourceId : (intentId ?? sourceId);
  const paymentId = source?.metadata?.['payment_id'];
  const refundId = kind === 'refund' ? source?.metadata?.['refund_id'] : undefined;
  const amounts = [txn.amount, txn.fee, txn.net].map((v) => minorUnitsFrom(v));
  if (amounts.some((v) => v === undefined))
    throw new ConnectorError(
      'stripe',
      'UNREADABLE_ANSWER',
      `stripe settlements: balance transaction ${txn.id} has amounts that are not integers`,
      false,
      false,
    );
  const [gross, fee, net] = amounts as [bigint, bigint, bigint];
  return {
    lineId: txn.id,
    kind,
    providerReference,
    ...(paymentId ? { paymentId } : {}),
    ...(refundId ? { refundId } : {}),
    gross,
    fee,
    net,
    currency: txn.currency.toUpperCase(),
    occurredAt: new Date(txn.created * 1000),
    providerType: txn.type,
  };
}
