import Stripe from 'stripe';
import {
  ConnectorError,
  WebhookVerificationError,
  type ConnectorCapability,
  type ConnectorPaymentRequest,
  type ConnectorPaymentResult,
  type ConnectorRefundRequest,
  type ConnectorRefundResult,
  type PaymentConnector,
  type ProviderEvent,
  type RouteRequest,
  type SettlementLine,
} from '../connector';
import { minorUnitsAsJsonNumber, statusError, transportError } from '../transport';
import {
  declineCode,
  intentResult,
  refundResult,
  settlementLineOfStripe,
  translateStripeEvent,
  type StripeEventLike,
  type StripeIntentLike,
} from './stripe.mapping';

export interface StripeSettings {
  readonly secretKey: string;
  /** Stripe's API, e.g. https://api.stripe.com (a local fake in tests): the SDK's host, port and protocol. */
  readonly baseUrl: string;
  /** Endpoint secret (whsec_…) of the webhook endpoint; unset: no webhooks capability. */
  readonly webhookSecret?: string;
  readonly webhookToleranceSeconds: number;
  readonly timeoutMs: number;
  /** ISO 4217 codes this account may charge; empty: any. */
  readonly currencies: readonly string[];
}

/** Stripe's largest amount (8 digits of minor units). */
const STRIPE_MAX_AMOUNT = 99_999_999n;

/**
 * Stripe through its official SDK (`stripe`), pointed at `baseUrl` with the SDK's own `host`,
 * `port` and `protocol` options. PaymentIntents created and confirmed in one call (automatic
 * capture), Idempotency-Key = the request's idempotency key, metadata.payment_id = our id.
 * The SDK's own retries are off (maxNetworkRetries 0): retries are the router's and the
 * caller's; the SDK still retries a connection closed before an answer once, with the same
 * idempotency key, which Stripe answers from its idempotency cache.
 */
export class StripeConnector implements PaymentConnector {
  readonly name = 'stripe' as const;
  readonly capabilities: ReadonlySet<ConnectorCapability>;
  private readonly stripe: Stripe;

  constructor(private readonly settings: StripeSettings) {
    const url = new URL(settings.baseUrl);
    const protocol = url.protocol === 'http:' ? 'http' : 'https';
    this.stripe = new Stripe(settings.secretKey, {
      host: url.hostname,
      port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443,
      protocol,
      maxNetworkRetries: 0,
      timeout: settings.timeoutMs,
      telemetry: false,
    });
    this.capabilities = new Set<ConnectorCapability>([
      'authorize',
      'capture',
      'cancel',
      'refund',
      'status',
      'settlements',
      ...(settings.webhookSecret ? (['webhooks'] as const) : []),
    ]);
  }

  accepts(route: RouteRequest): boolean {
    if (route.method !== 'card' && route.method !== 'wallet') return false;
    if (route.amount <= 0n || route.amount > STRIPE_MAX_AMOUNT) return false;
    return this.settings.currencies.length === 0 || this.settings.currencies.includes(route.currency);
  }

  async authorize(request: ConnectorPaymentRequest): Promise<ConnectorPaymentResult> {
    try {
      const intent = await this.stripe.paymentIntents.create(
        {
          amount: minorUnitsAsJsonNumber(this.name, request.amount),
          currency: request.currency.toLowerCase(),
          confirm: true,
          capture_method: 'automatic',
          ...(request.paymentMethodToken ? { payment_method: request.paymentMethodToken } : {}),
          ...(request.returnUrl ? { return_url: request.returnUrl } : {}),
          ...(request.description ? { description: request.description } : {}),
          metadata: { payment_id: request.paymentId },
        },
        { idempotencyKey: request.idempotencyKey },
      );
      return intentResult(intent);
    } catch (error) {
      return this.declinedOrThrow(error, 'authorize', true);
    }
  }

  async capture(providerReference: string, amount: bigint, _currency: string, idempotencyKey: string): Promise<ConnectorPaymentResult> {
    try {
      const intent = await this.stripe.paymentIntents.capture(
        providerReference,
        { amount_to_capture: minorUnitsAsJsonNumber(this.name, amount) },
        { idempotencyKey },
      );
      return intentResult(intent);
    } catch (error) {
      return this.declinedOrThrow(error, 'capture', true);
    }
  }

  async cancel(providerReference: string, idempotencyKey: string): Promise<ConnectorPaymentResult> {
    try {
      const intent = await this.stripe.paymentIntents.cancel(providerReference, {}, { idempotencyKey });
      return intentResult(intent);
    } catch (error) {
      throw this.mapError(error, 'cancel', true);
    }
  }

  async refund(request: ConnectorRefundRequest): Promise<ConnectorRefundResult> {
    try {
      const refund = await this.stripe.refunds.create(
        {
          payment_intent: request.providerReference,
          amount: minorUnitsAsJsonNumber(this.name, request.amount),
          metadata: { payment_id: request.paymentId, refund_id: request.refundId },
        },
        { idempotencyKey: request.idempotencyKey },
      );
      return refundResult(refund);
    } catch (error) {
      if (isStripeError(error) && error.type === 'StripeInvalidRequestError' && error.code === 'charge_already_refunded') {
        return { status: 'failed', providerReference: request.providerReference, failureCode: 'charge_already_refunded' };
      }
      throw this.mapError(error, 'refund', true);
    }
  }

  async status(providerReference: string): Promise<ConnectorPaymentResult> {
    try {
      return intentResult(await this.stripe.paymentIntents.retrieve(providerReference));
    } catch (error) {
      throw this.mapError(error, 'status', false);
    }
  }

  /**
   * Balance transactions created in [from, to) (`GET /v1/balance_transactions` with
   * created[gte] and created[lt], in whole seconds), every page through the SDK's
   * auto-pagination, each with its source expanded so the PaymentIntent and our metadata
   * come along.
   */
  async settlementReport(from: Date, to: Date): Promise<SettlementLine[]> {
    const lines: SettlementLine[] = [];
    try {
      const list = this.stripe.balanceTransactions.list({
        created: { gte: Math.ceil(from.getTime() / 1000), lt: Math.ceil(to.getTime() / 1000) },
        limit: 100,
        expand: ['data.source'],
      });
      for await (const txn of list) lines.push(settlementLineOfStripe(txn));
    } catch (error) {
      throw this.mapError(error, 'settlements', false);
    }
    return lines;
  }

  /** Stripe-Signature (`t=…,v1=…`, HMAC-SHA256 over `${t}.${rawBody}`) checked by the SDK's constructEvent on the raw bytes, with the tolerance. */
  async verifyWebhook(rawBody: Buffer, headers: Readonly<Record<string, string | undefined>>): Promise<ProviderEvent[]> {
    const secret = this.settings.webhookSecret;
    if (!secret) throw new WebhookVerificationError(this.name, 'stripe webhooks are not configured');
    const signature = headers['stripe-signature'];
    if (!signature) throw new WebhookVerificationError(this.name, 'Stripe-Signature header missing');
    let event: StripeEventLike;
    try {
      event = this.stripe.webhooks.constructEvent(rawBody, signature, secret, this.settings.webhookToleranceSeconds) as unknown as StripeEventLike;
    } catch (error) {
      // the SDK's message says which check failed (no signature matched, timestamp outside the tolerance); it never carries the secret
      throw new WebhookVerificationError(this.name, `Stripe-Signature does not verify: ${error instanceof Error ? error.message.split('\n')[0] : 'invalid'}`);
    }
    return Promise.resolve(translateStripeEvent(event));
  }

  /** A card error (402) on a call that charges is a decline: a failed result with Stripe's decline code. */
  private declinedOrThrow(error: unknown, operation: string, changesState: boolean): ConnectorPaymentResult {
    if (isStripeError(error) && error.type === 'StripeCardError') {
      const intent = error.payment_intent as unknown as StripeIntentLike | undefined;
      return { status: 'failed', providerReference: intent?.id ?? '', failureCode: declineCode(error) ?? 'card_declined' };
    }
    throw this.mapError(error, operation, changesState);
  }

  private mapError(error: unknown, operation: string, changesState: boolean): ConnectorError {
    if (error instanceof ConnectorError) return error;
    if (!isStripeError(error)) return transportError(this.name, error, operation, changesState);
    switch (error.type) {
      case 'StripeConnectionError':
        return transportError(this.name, error, operation, changesState);
      case 'StripeIdempotencyError':
        // the same key with other parameters: a bug of ours, never retried
        return new ConnectorError(this.name, 'idempotency_error', `stripe ${operation}: idempotency key reused with other parameters`, false, false);
      default: {
        const status = error.statusCode ?? 500;
        // 409: a request with this idempotency key is still in flight at Stripe
        if (status === 409)
          return new ConnectorError(this.name, error.code ?? 'conflict', `stripe ${operation}: concurrent request with this key`, true, changesState);
        return statusError(this.name, status, error.code ?? undefined, operation, changesState);
      }
    }
  }
}

function isStripeError(error: unknown): error is Stripe.errors.StripeError {
  if (!(error instanceof Error)) return false;
  const type: unknown = (error as unknown as { type?: unknown }).type;
  return typeof type === 'string' && type.startsWith('Stripe');
}
