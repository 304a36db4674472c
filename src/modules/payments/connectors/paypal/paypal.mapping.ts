import { currencyOf, formatMinorUnits } from '@shared-kernel/money';
import { ConnectorError, type ConnectorPaymentResult, type ConnectorRefundResult, type ProviderEvent, type SettlementLine } from '../connector';
import { minorUnitsOfDecimal } from '../transport';

/*
 * PayPal Orders v2 and Payments v2 objects, and its webhook events, mapped onto the connector
 * contract. PayPal writes amounts as decimal strings in major units ("10.00", "1000" for JPY):
 * converted here with string arithmetic only. Pure functions; unit-tested in paypal.mapping.spec.ts.
 */

/** 1050 EUR → "10.50"; undefined for an unknown currency. */
export function paypalValue(amount: bigint, currency: string): string | undefined {
  const c = currencyOf(currency);
  return c ? formatMinorUnits(amount, c) : undefined;
}

/** "10.50" EUR → 1050n; undefined when it is not a plain decimal with at most the currency's digits. */
export function minorUnitsOfPaypalValue(value: unknown, currency: unknown): bigint | undefined {
  if (typeof value !== 'string' || typeof currency !== 'string') return undefined;
  const c = currencyOf(currency);
  const match = /^(\d+)(?:\.(\d+))?$/.exec(value);
  if (!c || !match) return undefined;
  const fraction = match[2] ?? '';
  if (fraction.length > c.minorUnits) return undefined;
  return BigInt(match[1]! + fraction.padEnd(c.minorUnits, '0'));
}

export interface PaypalLink {
  readonly href: string;
  readonly rel: string;
}

export interface PaypalCaptureLike {
  readonly id: string;
  readonly status: string;
  readonly amount?: { readonly value?: string; readonly currency_code?: string };
  readonly custom_id?: string;
  readonly status_details?: { readonly reason?: string };
  readonly supplementary_data?: { readonly related_ids?: { readonly order_id?: string } };
}

export interface PaypalOrderLike {
  readonly id: string;
  readonly status: string;
  readonly links?: readonly PaypalLink[];
  readonly purchase_units?: ReadonlyArray<{
    readonly custom_id?: string;
    readonly reference_id?: string;
    readonly payments?: { readonly captures?: readonly PaypalCaptureLike[] };
  }>;
}

export function approveLink(order: PaypalOrderLike): string | undefined {
  return order.links?.find((l) => l.rel === 'payer-action' || l.rel === 'approve')?.href;
}

export function firstCapture(order: PaypalOrderLike): PaypalCaptureLike | undefined {
  return order.purchase_units?.[0]?.payments?.captures?.[0];
}

/** An order's status as ours: CREATED / PAYER_ACTION_REQUIRED need the buyer; APPROVED waits for our capture; COMPLETED says what the capture did. */
export function orderResult(order: PaypalOrderLike): ConnectorPaymentResult {
  const providerReference = order.id;
  switch (order.status) {
    case 'CREATED':
    case 'PAYER_ACTION_REQUIRED': {
      const url = approveLink(order);
      return { status: 'requires_action', providerReference, ...(url ? { nextAction: { type: 'redirect' as const, url } } : {}) };
    }
    case 'APPROVED':
    case 'SAVED':
      return { status: 'processing', providerReference, needsCapture: true };
    case 'VOIDED':
      return { status: 'canceled', providerReference };
    case 'COMPLETED': {
      const capture = firstCapture(order);
      return captureStatus(capture, providerReference);
    }
    default:
      return { status: 'processing', providerReference };
  }
}

function captureStatus(capture: PaypalCaptureLike | undefined, providerReference: string): ConnectorPaymentResult {
  switch (capture?.status) {
    case 'COMPLETED':
    case 'PARTIALLY_REFUNDED':
    case 'REFUNDED':
      return { status: 'succeeded', providerReference };
    case 'DECLINED':
    case 'FAILED':
      return { status: 'failed', providerReference, failureCode: capture.status_details?.reason ?? capture.status };
    default:
      return { status: 'processing', providerReference };
  }
}

export function refundResultOf(refund: {
  readonly id: string;
  readonly status: string;
  readonly status_details?: { readonly reason?: string };
}): ConnectorRefundResult {
  switch (refund.status) {
    case 'COMPLETED':
      return { status: 'succeeded', providerReference: refund.id };
    case 'FAILED':
    case 'CANCELLED':
      return { status: 'failed', providerReference: refund.id, failureCode: refund.status_details?.reason ?? refund.status };
    default:
      return { status: 'processing', providerReference: refund.id };
  }
}

export interface PaypalEventLike {
  readonly id: string;
  readonly event_type: string;
  readonly create_time?: string;
  readonly resource: Record<string, unknown>;
}

/** A verified PayPal event as what it says about our payments; other types say nothing. */
export function translatePaypalEvent(event: PaypalEventLike): ProviderEvent[] {
  const occurredAt = event.create_time && !Number.isNaN(Date.parse(event.create_time)) ? new Date(event.create_time) : new Date();
  switch (event.event_type) {
    case 'CHECKOUT.ORDER.APPROVED': {
      const order = event.resource as unknown as PaypalOrderLike;
      const paymentId = order.purchase_units?.[0]?.custom_id;
      return [
        {
          eventId: event.id,
          providerReference: order.id,
          ...(paymentId ? { paymentId } : {}),
          subject: 'payment',
          status: 'processing',
          needsCapture: true,
          occurredAt,
        },
      ];
    }
    case 'PAYMENT.CAPTURE.COMPLETED':
    case 'PAYMENT.CAPTURE.DENIED':
    case 'PAYMENT.CAPTURE.PENDING':
    case 'PAYMENT.CAPTURE.DECLINED': {
      const capture = event.resource as unknown as PaypalCaptureLike;
      const orderId = capture.supplementary_data?.related_ids?.order_id;
      if (!orderId) return [];
      const amount = minorUnitsOfPaypalValue(capture.amount?.value, capture.amount?.currency_code);
      const status = event.event_type === 'PAYMENT.CAPTURE.COMPLETED' ? 'succeeded' : event.event_type === 'PAYMENT.CAPTURE.PENDING' ? 'processing' : 'failed';
      return [
        {
          eventId: event.id,
          providerReference: orderId,
          ...(capture.custom_id ? { paymentId: capture.custom_id } : {}),
          subject: 'payment',
          status,
          ...(amount !== undefined ? { amount } : {}),
          ...(status === 'failed' ? { failureCode: capture.status_details?.reason ?? 'DENIED' } : {}),
          occurredAt,
        },
      ];
    }
    case 'PAYMENT.CAPTURE.REFUNDED': {
      // the resource is the refund
      const refund = event.resource as { id?: string; custom_id?: string; amount?: { value?: string; currency_code?: string } };
      if (!refund.id) return [];
      const amount = minorUnitsOfPaypalValue(refund.amount?.value, refund.amount?.currency_code);
      return [
        {
          eventId: event.id,
          providerReference: refund.id,
          ...(refund.custom_id ? { paymentId: refund.custom_id } : {}),
          subject: 'refund',
          status: 'refunded',
          ...(amount !== undefined ? { amount } : {}),
          occurredAt,
        },
      ];
    }
    default:
      return [];
  }
}

/** One entry of `GET /v1/reporting/transactions` (transaction_details[].transaction_info). */
export interface PaypalTransactionInfoLike {
  readonly transaction_id: string;
  readonly transaction_event_code?: string;
  readonly transaction_initiation_date?: string;
  readonly transaction_amount?: { readonly currency_code?: string; readonly value?: string };
  readonly fee_amount?: { readonly currency_code?: string; readonly value?: string };
  readonly transaction_status?: string;
  readonly custom_field?: string;
  readonly invoice_id?: string;
  readonly paypal_reference_id?: string;
}

/**
 * A PayPal transaction as a settlement line, by its event code's group: T00xx payments
 * (a capture: our custom_id in custom_field), T11xx reversals and refunds (the refund: our
 * refund id in invoice_id), T04xx withdrawals to the bank, T01xx fees, the rest adjustments.
 * PayPal books the fee as a negative amount; ours is what PayPal kept (positive).
 */
export function settlementLineOfPaypal(info: PaypalTransactionInfoLike): SettlementLine {
  const code = info.transaction_event_code ?? '';
  const group = code.slice(0, 3);
  const kind = group === 'T00' ? 'charge' : group === 'T11' ? 'refund' : group === 'T04' ? 'payout' : group === 'T01' ? 'fee' : 'adjustment';
  const currency = info.transaction_amount?.currency_code ?? '';
  const gross = minorUnitsOfDecimal(info.transaction_amount?.value ?? '', currency);
  const feeValue = info.fee_amount?.value ? minorUnitsOfDecimal(info.fee_amount.value, info.fee_amount.currency_code ?? currency) : 0n;
  const occurredAt = info.transaction_initiation_date ? new Date(info.transaction_initiation_date) : undefined;
  if (gross === undefined || feeValue === undefined || !occurredAt || Number.isNaN(occurredAt.getTime())) {
    throw new ConnectorError(
      'paypal',
      'UNREADABLE_ANSWER',
      `paypal settlements: transaction ${info.transaction_id} has no readable amount or date`,
      false,
      false,
    );
  }
  const fee = -feeValue;
  return {
    lineId: info.transaction_id,
    kind,
    providerReference: info.transaction_id,
    ...(info.custom_field ? { paymentId: info.custom_field } : {}),
    ...(kind === 'refund' && info.invoice_id ? { refundId: info.invoice_id } : {}),
    gross,
    fee,
    net: gross - fee,
    currency,
    occurredAt,
    providerType: code,
  };
}
