import { CheckoutAPI, Client, EnvironmentEnum, hmacValidator, type Types } from '@adyen/api-library';
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
import { exchange, minorUnitsAsJsonNumber, statusError, transportError } from '../transport';
import { AdyenHttpClient, AdyenHttpError } from './adyen-http-client';
import { paymentResult, translateAdyenItem, type AdyenNotificationItemLike } from './adyen.mapping';
import { settlementLinesOfAdyen } from './settlement-details';

export interface AdyenSettings {
  readonly apiKey: string;
  readonly merchantAccount: string;
  /** Checkout's base, e.g. https://checkout-test.adyen.com or https://{prefix}-checkout-live.adyenpayments.com/checkout (a local fake in tests). */
  readonly baseUrl: string;
  /** The webhook's HMAC key (hex); unset: no webhooks capability. */
  readonly hmacKey?: string;
  readonly timeoutMs: number;
  readonly currencies: readonly string[];
  /** The shopper's return URL when a payment does not name one (Adyen requires it). */
  readonly defaultReturnUrl: string;
  /** Where reports are downloaded, e.g. https://ca-live.adyen.com/reports/download (…/MerchantAccount/{account}/{file}). */
  readonly reportBaseUrl: string;
  /** The first Settlement details batch to read (older batches are never fetched). */
  readonly firstReportBatch: number;
}

/** A batch already read: the span of its lines' creation dates (closed batches never change). */
interface BatchSpan {
  readonly first: number;
  readonly last: number;
}

/**
 * Adyen Checkout (API v72) through the official SDK's PaymentsApi and ModificationsApi, sent
 * through AdyenHttpClient (the SDK's pluggable HTTP client) so the base URL can be set.
 * `/payments` with merchantAccount, amount {currency, value}, reference = our payment id and
 * the Idempotency-Key header; captures, refunds and cancels on `/payments/{pspReference}/…`
 * (asynchronous at Adyen: answered `received`, settled by the CAPTURE / REFUND / CANCELLATION
 * notification). Checkout has no endpoint to read a payment's status, so no `status`
 * capability: the notifications are the source of truth.
 */
export class AdyenConnector implements PaymentConnector {
  readonly name = 'adyen' as const;
  readonly capabilities: ReadonlySet<ConnectorCapability>;
  private readonly checkout: CheckoutAPI;
  private readonly validator = new hmacValidator();
  private readonly batches = new Map<number, BatchSpan | 'empty'>();

  constructor(private readonly settings: AdyenSettings) {
    const client = new Client(
      { apiKey: settings.apiKey, environment: EnvironmentEnum.TEST, connectionTimeoutMillis: settings.timeoutMs },
      new AdyenHttpClient(settings.baseUrl, settings.timeoutMs),
    );
    this.checkout = new CheckoutAPI(client);
    this.capabilities = new Set<ConnectorCapability>([
      'authorize',
      'capture',
      'cancel',
      'refund',
      'settlements',
      ...(settings.hmacKey ? (['webhooks'] as const) : []),
    ]);
  }

  accepts(route: RouteRequest): boolean {
    if (route.method !== 'card' && route.method !== 'wallet') return false;
    if (route.amount <= 0n) return false;
    return this.settings.currencies.length === 0 || this.settings.currencies.includes(route.currency);
  }

  async authorize(request: ConnectorPaymentRequest): Promise<ConnectorPaymentResult> {
    const body = {
      merchantAccount: this.settings.merchantAccount,
      amount: { currency: request.currency, value: minorUnitsAsJsonNumber(this.name, request.amount) },
      reference: request.paymentId,
      paymentMethod: paymentMethodOf(request.paymentMethodToken),
      returnUrl: request.returnUrl ?? this.settings.defaultReturnUrl,
      shopperInteraction: 'Ecommerce',
      ...(request.country ? { countryCode: request.country } : {}),
      metadata: { payment_id: request.paymentId },
    } as unknown as Types.checkout.PaymentRequest;
    try {
      const response = await this.checkout.PaymentsApi.payments(body, { idempotencyKey: request.idempotencyKey });
      return paymentResult(response, '');
    } catch (error) {
      // 422 with a validation code is our error; a refusal is a 200 with resultCode Refused (mapped above)
      throw this.mapError(error, 'authorize', true);
    }
  }

  async capture(providerReference: string, amount: bigint, currency: string, idempotencyKey: string): Promise<ConnectorPaymentResult> {
    try {
      await this.checkout.ModificationsApi.captureAuthorisedPayment(
        providerReference,
        {
          merchantAccount: this.settings.merchantAccount,
          amount: { currency, value: minorUnitsAsJsonNumber(this.name, amount) },
        },
        { idempotencyKey },
      );
      return { status: 'processing', providerReference };
    } catch (error) {
      throw this.mapError(error, 'capture', true);
    }
  }

  async cancel(providerReference: string, idempotencyKey: string): Promise<ConnectorPaymentResult> {
    try {
      await this.checkout.ModificationsApi.cancelAuthorisedPaymentByPspReference(
        providerReference,
        { merchantAccount: this.settings.merchantAccount },
        { idempotencyKey },
      );
      return { status: 'processing', providerReference };
    } catch (error) {
      throw this.mapError(error, 'cancel', true);
    }
  }

  async refund(request: ConnectorRefundRequest): Promise<ConnectorRefundResult> {
    try {
      const response = await this.checkout.ModificationsApi.refundCapturedPayment(
        request.providerReference,
        {
          merchantAccount: this.settings.merchantAccount,
          amount: { currency: request.currency, value: minorUnitsAsJsonNumber(this.name, request.amount) },
          reference: request.paymentId,
        },
        { idempotencyKey: request.idempotencyKey },
      );
      return { status: 'processing', providerReference: response.pspReference };
    } catch (error) {
      throw this.mapError(error, 'refund', true);
    }
  }

  /**
   * A standard notification (`{live, notificationItems: [{NotificationRequestItem}]}`): every
   * item's additionalData.hmacSignature must verify with the SDK's HmacValidator, or the whole
   * batch is refused. The caller answers `[accepted]` once it has stored the events.
   */
  async verifyWebhook(rawBody: Buffer, _headers: Readonly<Record<string, string | undefined>> = {}): Promise<ProviderEvent[]> {
    const key = this.settings.hmacKey;
    if (!key) throw new WebhookVerificationError(this.name, 'adyen webhooks are not configured');
    let items: AdyenNotificationItemLike[];
    try {
      const body = JSON.parse(rawBody.toString('utf8')) as { notificationItems?: Array<{ NotificationRequestItem?: AdyenNotificationItemLike }> };
      if (!Array.isArray(body.notificationItems) || body.notificationItems.length === 0) throw new Error('no items');
      items = body.notificationItems.map((entry) => {
        const item = entry.NotificationRequestItem;
        if (!item || typeof item.pspReference !== 'string' || typeof item.eventCode !== 'string') throw new Error('bad item');
        return item;
      });
    } catch {
      throw new WebhookVerificationError(this.name, 'not an Adyen standard notification');
    }
    const events: ProviderEvent[] = [];
    for (const item of items) {
      let valid = false;
      try {
        valid = this.validator.validateHMAC(item as unknown as Types.notification.NotificationRequestItem, key);
      } catch {
        valid = false; // no hmacSignature
      }
      if (!valid) throw new WebhookVerificationError(this.name, 'additionalData.hmacSignature does not verify');
      if (item.merchantAccountCode && item.merchantAccountCode !== this.settings.merchantAccount) continue;
      events.push(...translateAdyenItem(item));
    }
    return Promise.resolve(events);
  }

  /**
   * The Settlement details report lines created in [from, to). Adyen writes one report per
   * payable batch (settlement_detail_report_batch_N.csv), downloaded with the API key from
   * the report URL; batches are read from firstReportBatch up to the first one not generated
   * yet (404). A batch read once is remembered by the span of its dates (a closed batch never
   * changes), so a later window downloads only the batches that may hold its lines.
   */
  async settlementReport(from: Date, to: Date): Promise<SettlementLine[]> {
    const lines: SettlementLine[] = [];
    for (let batch = this.settings.firstReportBatch; ; batch++) {
      const known = this.batches.get(batch);
      if (known === 'empty' || (known && (known.last < from.getTime() || known.first >= to.getTime()))) continue;
      const csv = await this.downloadBatch(batch);
      if (csv === undefined) break;
      const batchLines = settlementLinesOfAdyen(csv, batch, this.settings.merchantAccount);
      const times = batchLines.map((l) => l.occurredAt.getTime());
      this.batches.set(batch, times.length === 0 ? 'empty' : { first: Math.min(...times), last: Math.max(...times) });
      lines.push(...batchLines.filter((l) => l.occurredAt >= from && l.occurredAt < to));
    }
    return lines;
  }

  /** One batch's CSV; undefined when Adyen has not generated it (404). */
  private async downloadBatch(batch: number): Promise<string | undefined> {
    const base = this.settings.reportBaseUrl.replace(/\/+$/, '');
    const url = `${base}/MerchantAccount/${encodeURIComponent(this.settings.merchantAccount)}/settlement_detail_report_batch_${batch}.csv`;
    let answer;
    try {
      answer = await exchange(url, { method: 'GET', headers: { 'x-api-key': this.settings.apiKey, accept: 'text/csv' }, timeoutMs: this.settings.timeoutMs });
    } catch (error) {
      throw transportError(this.name, error, 'settlements', false);
    }
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw statusError(this.name, answer.status, undefined, 'settlements', false);
    return answer.text;
  }

  private mapError(error: unknown, operation: string, changesState: boolean): ConnectorError {
    if (error instanceof ConnectorError) return error;
    if (error instanceof AdyenHttpError) return statusError(this.name, error.status, error.errorCode, operation, changesState);
    return transportError(this.name, error, operation, changesState);
  }
}

/**
 * The payment method Adyen charges: a Checkout component's `paymentMethod` object (JSON, with
 * its encrypted card fields) or a stored payment method id. Never logged.
 */
function paymentMethodOf(token: string | undefined): Record<string, unknown> {
  if (token?.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(token);
      if (parsed && typeof parsed === 'object') return parsed as Record<string, unknown>;
    } catch {
      // fall through to a stored id
    }
  }
  return { type: 'scheme', ...(token ? { storedPaymentMethodId: token } : {}) };
}
