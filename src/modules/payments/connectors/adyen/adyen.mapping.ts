import type { ConnectorPaymentResult, ProviderEvent } from '../connector';
import { minorUnitsFrom } from '../transport';

/*
 * Adyen Checkout answers and standard notifications mapped onto the connector contract.
 * Pure functions; unit-tested in adyen.mapping.spec.ts.
 */

export interface AdyenPaymentResponseLike {
  readonly resultCode?: string;
  readonly pspReference?: string;
  readonly merchantReference?: string;
  readonly refusalReason?: string;
  readonly refusalReasonCode?: string;
  readonly action?: { readonly type?: string; readonly url?: string } | null;
}

/** `/payments` resultCode → our status (https://docs.adyen.com/online-payments/build-your-integration/payment-result-codes). */
export function paymentResult(response: AdyenPaymentResponseLike, fallbackReference: string): ConnectorPaymentResult {
  const providerReference = response.pspReference ?? fallbackReference;
  const refusal = response.refusalReasonCode ? `Refused:${response.refusalReasonCode}` : 'Refused';
  switch (response.resultCode) {
    case 'Authorised':
    case 'Success':
      return { status: 'succeeded', providerReference };
    case 'Refused':
      return { status: 'failed', providerReference, failureCode: refusal };
    case 'Error':
      return { status: 'failed', providerReference, failureCode: 'Error' };
    case 'Cancelled':
      return { status: 'canceled', providerReference };
    case 'RedirectShopper':
    case 'IdentifyShopper':
    case 'ChallengeShopper':
    case 'PresentToShopper': {
      const url = response.action?.url;
      return { status: 'requires_action', providerReference, ...(url ? { nextAction: { type: 'redirect' as const, url } } : {}) };
    }
    default:
      // Pending, Received, PartiallyAuthorised, AuthenticationFinished, AuthenticationNotRequired: the webhook tells the end
      return { status: 'processing', providerReference };
  }
}

export interface AdyenNotificationItemLike {
  readonly pspReference: string;
  readonly originalReference?: string;
  readonly merchantReference?: string;
  readonly merchantAccountCode?: string;
  readonly eventCode: string;
  readonly eventDate?: string;
  readonly success: string;
  readonly reason?: string;
  readonly amount?: { readonly value?: number; readonly currency?: string };
  readonly additionalData?: Record<string, string>;
}

/**
 * One standard notification item as what it says about a payment. Adyen has no event id: the
 * dedupe key is pspReference, eventCode and success (Adyen's own rule for duplicates).
 */
export function translateAdyenItem(item: AdyenNotificationItemLike): ProviderEvent[] {
  const success = item.success === 'true';
  const occurredAt = item.eventDate && !Number.isNaN(Date.parse(item.eventDate)) ? new Date(item.eventDate) : new Date();
  const amount = minorUnitsFrom(item.amount?.value);
  const common = {
    eventId: `${item.pspReference}:${item.eventCode}:${item.success}`,
    ...(item.merchantReference ? { paymentId: item.merchantReference } : {}),
    ...(amount !== undefined ? { amount } : {}),
    occurredAt,
  };
  const reason = item.reason ? item.reason.split(':')[0]!.trim() || undefined : undefined;
  switch (item.eventCode) {
    case 'AUTHORISATION':
      return [
        {
          ...common,
          providerReference: item.pspReference,
          subject: 'payment',
          status: success ? 'succeeded' : 'failed',
          ...(success ? {} : { failureCode: reason ? `Refused:${reason}` : 'Refused' }),
        },
      ];
    case 'CAPTURE':
      return [
        {
          ...common,
          providerReference: item.originalReference ?? item.pspReference,
          subject: 'payment',
          status: success ? 'succeeded' : 'failed',
          ...(success ? {} : { failureCode: 'capture_failed' }),
        },
      ];
    case 'CAPTURE_FAILED':
      return [
        { ...common, providerReference: item.originalReference ?? item.pspReference, subject: 'payment', status: 'failed', failureCode: 'capture_failed' },
      ];
    case 'CANCELLATION':
      // a cancellation Adyen refused leaves the payment as it was: nothing to apply
      return success ? [{ ...common, providerReference: item.originalReference ?? item.pspReference, subject: 'payment', status: 'canceled' }] : [];
    case 'REFUND':
      return [
        {
          ...common,
          providerReference: item.pspReference,
          subject: 'refund',
          status: success ? 'refunded' : 'failed',
          ...(success ? {} : { failureCode: reason ?? 'refund_failed' }),
        },
      ];
    case 'REFUND_FAILED':
      return [{ ...common, providerReference: item.pspReference, subject: 'refund', status: 'failed', failureCode: 'refund_failed' }];
    default:
      return [];
  }
}
