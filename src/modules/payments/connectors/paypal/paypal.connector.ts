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
import { exchange, parseJson, statusError, transportError, type HttpAnswer } from '../transport';
import {
  firstCapture,
  orderResult,
  paypalValue,
  refundResultOf,
  settlementLineOfPaypal,
  translatePaypalEvent,
  type PaypalEventLike,
  type PaypalOrderLike,
  type PaypalTransactionInfoLike,
} from './paypal.mapping';

export interface PaypalSettings {
  readonly clientId: string;
  readonly clientSecret: string;
  /** https://api-m.paypal.com, https://api-m.sandbox.paypal.com, or a local fake in tests. */
  readonly baseUrl: string;
  /** The webhook's id at PayPal (verification needs it); unset: no webhooks capability. */
  readonly webhookId?: string;
  readonly timeoutMs: number;
  readonly currencies: readonly string[];
  readonly defaultReturnUrl: string;
}

/** Declines PayPal answers as 422 issues (a failed payment, not an error of ours). */
const DECLINE_ISSUES = new Set([
  'INSTRUMENT_DECLINED',
  'PAYER_ACTION_REQUIRED',
  'TRANSACTION_REFUSED',
  'PAYER_CANNOT_PAY',
  'COMPLIANCE_VIOLATION',
  'MAX_NUMBER_OF_PAYMENT_ATTEMPTS_EXCEEDED',
]);

/** PayPal's transaction search covers at most 31 days per request. */
const SEARCH_SPAN_MS = 31 * 24 * 3600 * 1000;
const SEARCH_PAGE_SIZE = 500;

/** Renew the cached token this long before PayPal says it expires. */
const TOKEN_MARGIN_MS = 60_000;

/**
 * PayPal Orders v2 over plain fetch, in PayPal's exact wire format. The official
 * `@paypal/paypal-server-sdk` (2.5.0) derives its base URL from `environment` alone
 * (Production → api-m.paypal.com, Sandbox → api-m.sandbox.paypal.com; client.js getBaseUri)
 * and has no webhook-verification call, so it cannot be pointed at a simulator.
 *
 * OAuth2 client credentials (POST /v1/oauth2/token), the token cached until shortly before it
 * expires and renewed once on a 401. Orders: intent CAPTURE, PayPal-Request-Id = the
 * idempotency key, custom_id = our payment id → requires_action with the payer-action link;
 * capture on the order; refunds on the order's capture; GET order for status. PayPal orders
 * cannot be cancelled through the API (an unapproved order expires): no `cancel` capability.
 */
export class PaypalConnector implements PaymentConnector {
  readonly name = 'paypal' as const;
  readonly capabilities: ReadonlySet<ConnectorCapability>;
  private token?: { value: string; expiresAt: number };
  private tokenRequest?: Promise<string>;

  constructor(
    private readonly settings: PaypalSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.capabilities = new Set<ConnectorCapability>([
      'authorize',
      'capture',
      'refund',
      'status',
      'settlements',
      ...(settings.webhookId ? (['webhooks'] as const) : []),
    ]);
  }

  accepts(route: RouteRequest): boolean {
    if (route.method !== 'wallet' && route.method !== 'card') return false;
    if (route.amount <= 0n || paypalValue(route.amount, route.currency) === undefined) return false;
    return this.settings.currencies.length === 0 || this.settings.currencies.includes(route.currency);
  }

  async authorize(request: ConnectorPaymentRequest): Promise<ConnectorPaymentResult> {
    const value = paypalValue(request.amount, request.currency);
    if (!value) throw new ConnectorError(this.name, 'UNSUPPORTED_CURRENCY', 'paypal authorize: unknown currency', false, false);
    const returnUrl = request.returnUrl ?? this.settings.defaultReturnUrl;
    const body = {
      intent: 'CAPTURE',
      purchase_units: [
        {
          reference_id: request.paymentId,
          custom_id: request.paymentId,
          ...(request.description ? { description: request.description.slice(0, 127) } : {}),
          amount: { currency_code: request.currency, value },
        },
      ],
      payment_source: { paypal: { experience_context: { return_url: returnUrl, cancel_url: returnUrl, user_action: 'PAY_NOW' } } },
    };
    const answer = await this.call('POST', '/v2/checkout/orders', 'authorize', true, JSON.stringify(body), {
      'paypal-request-id': request.idempotencyKey,
      prefer: 'return=representation',
    });
    if (answer.status === 200 || answer.status === 201) return orderResult(parseJson(this.name, answer, 'authorize', true) as PaypalOrderLike);
    return this.declinedOrThrow(answer, 'authorize', true, '');
  }

  /** Captures the approved order (PayPal captures the order's whole amount). */
  async capture(providerReference: string, _amount: bigint, _currency: string, idempotencyKey: string): Promise<ConnectorPaymentResult> {
    const answer = await this.call('POST', `/v2/checkout/orders/${encodeURIComponent(providerReference)}/capture`, 'capture', true, '{}', {
      'paypal-request-id': idempotencyKey,
      prefer: 'return=representation',
    });
    if (answer.status === 200 || answer.status === 201) return orderResult(parseJson(this.name, answer, 'capture', true) as PaypalOrderLike);
    const issue = issueOf(answer);
    // captured already (by an earlier attempt whose answer was lost): the order says how it went
    if (answer.status === 422 && issue === 'ORDER_ALREADY_CAPTURED') return this.status(providerReference);
    return this.declinedOrThrow(answer, 'capture', true, providerReference);
  }

  async refund(request: ConnectorRefundRequest): Promise<ConnectorRefundResult> {
    const value = paypalValue(request.amount, request.currency);
    if (!value) throw new ConnectorError(this.name, 'UNSUPPORTED_CURRENCY', 'paypal refund: unknown currency', false, false);
    const order = await this.order(request.providerReference, 'refund');
    const capture = firstCapture(order);
    if (!capture) throw new ConnectorError(this.name, 'NOT_CAPTURED', 'paypal refund: the order has no capture', false, false);
    const answer = await this.call(
      'POST',
      `/v2/payments/captures/${encodeURIComponent(capture.id)}/refund`,
      'refund',
      true,
      JSON.stringify({ amount: { value, currency_code: request.currency }, custom_id: request.paymentId, invoice_id: request.refundId }),
      { 'paypal-request-id': request.idempotencyKey, prefer: 'return=representation' },
    );
    if (answer.status === 200 || answer.status === 201) return refundResultOf(parseJson(this.name, answer, 'refund', true) as { id: string; status: string });
    const issue = issueOf(answer);
    if (answer.status === 422 && issue) return { status: 'failed', providerReference: capture.id, failureCode: issue };
    throw statusError(this.name, answer.status, issue, 'refund', true);
  }

  async status(providerReference: string): Promise<ConnectorPaymentResult> {
    return orderResult(await this.order(providerReference, 'status'));
  }

  /**
   * PayPal's own verification: POST /v1/notifications/verify-webhook-signature with the
   * transmission headers, our webhook id and the event exactly as received (the raw body is
   * spliced in, never re-serialized, so the CRC PayPal signed still matches).
   */
  async verifyWebhook(rawBody: Buffer, headers: Readonly<Record<string, string | undefined>>): Promise<ProviderEvent[]> {
    const webhookId = this.settings.webhookId;
    if (!webhookId) throw new WebhookVerificationError(this.name, 'paypal webhooks are not configured');
    const names = ['paypal-auth-algo', 'paypal-cert-url', 'paypal-transmission-id', 'paypal-transmission-sig', 'paypal-transmission-time'] as const;
    const values = names.map((n) => headers[n]);
    if (values.some((v) => !v)) throw new WebhookVerificationError(this.name, 'PayPal transmission headers missing');
    const text = rawBody.toString('utf8');
    let event: PaypalEventLike;
    try {
      event = JSON.parse(text) as PaypalEventLike;
      if (typeof event.id !== 'string' || typeof event.event_type !== 'string' || !event.resource) throw new Error('shape');
    } catch {
      throw new WebhookVerificationError(this.name, 'not a PayPal webhook event');
    }
    const [authAlgo, certUrl, transmissionId, transmissionSig, transmissionTime] = values as string[];
    const body =
      `{"auth_algo":${JSON.stringify(authAlgo)},"cert_url":${JSON.stringify(certUrl)},"transmission_id":${JSON.stringify(transmissionId)},` +
      `"transmission_sig":${JSON.stringify(transmissionSig)},"transmission_time":${JSON.stringify(transmissionTime)},"webhook_id":${JSON.stringify(webhookId)},"webhook_event":${text}}`;
    const answer = await this.call('POST', '/v1/notifications/verify-webhook-signature', 'webhooks', false, body, {});
    if (answer.status !== 200) throw statusError(this.name, answer.status, issueOf(answer), 'webhooks', false);
    const verdict = parseJson(this.name, answer, 'webhooks', false) as { verification_status?: string };
    if (verdict.verification_status !== 'SUCCESS') throw new WebhookVerificationError(this.name, 'PayPal says the signature does not verify');
    return translatePaypalEvent(event);
  }

  /**
   * Transaction search (`GET /v1/reporting/transactions`) over [from, to): start_date and
   * end_date in spans of at most 31 days (PayPal's limit), every page (page, total_pages),
   * with the OAuth2 token the other calls use. PayPal's end_date is inclusive: lines at `to`
   * are left for the next window.
   */
  async settlementReport(from: Date, to: Date): Promise<SettlementLine[]> {
    const lines: SettlementLine[] = [];
    const stamp = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
    for (let start = from.getTime(); start < to.getTime(); start += SEARCH_SPAN_MS) {
      const end = Math.min(start + SEARCH_SPAN_MS, to.getTime());
      for (let page = 1, pages = 1; page <= pages; page++) {
        const query = new URLSearchParams({
          start_date: stamp(new Date(start)),
          end_date: stamp(new Date(end)),
          fields: 'transaction_info',
          page_size: String(SEARCH_PAGE_SIZE),
          page: String(page),
        });
        const answer = await this.call('GET', `/v1/reporting/transactions?${query.toString()}`, 'settlements', false, undefined, {});
        if (answer.status !== 200) throw statusError(this.name, answer.status, issueOf(answer), 'settlements', false);
        const body = parseJson(this.name, answer, 'settlements', false) as {
          transaction_details?: Array<{ transaction_info?: PaypalTransactionInfoLike }>;
          total_pages?: number;
        };
        pages = typeof body.total_pages === 'number' ? body.total_pages : 1;
        for (const detail of body.transaction_details ?? []) {
          // D: denied, no money moved
          if (!detail.transaction_info || detail.transaction_info.transaction_status === 'D') continue;
          const line = settlementLineOfPaypal(detail.transaction_info);
          if (line.occurredAt.getTime() >= start && line.occurredAt.getTime() < end) lines.push(line);
        }
      }
    }
    return lines;
  }

  private async order(id: string, operation: string): Promise<PaypalOrderLike> {
    const answer = await this.call('GET', `/v2/checkout/orders/${encodeURIComponent(id)}`, operation, false, undefined, {});
    if (answer.status !== 200) throw statusError(this.name, answer.status, issueOf(answer), operation, false);
    return parseJson(this.name, answer, operation, false) as PaypalOrderLike;
  }

  /** A 422 whose issue is a decline is a failed payment; anything else an error. */
  private declinedOrThrow(answer: HttpAnswer, operation: string, changesState: boolean, providerReference: string): ConnectorPaymentResult {
    const issue = issueOf(answer);
    if (answer.status === 422 && issue && DECLINE_ISSUES.has(issue)) return { status: 'failed', providerReference, failureCode: issue };
    throw statusError(this.name, answer.status, issue, operation, changesState);
  }

  /** One authenticated call; a 401 (token revoked or expired early) renews the token and tries once more — PayPal did nothing on a 401. */
  private async call(
    method: string,
    path: string,
    operation: string,
    changesState: boolean,
    body: string | undefined,
    headers: Record<string, string>,
  ): Promise<HttpAnswer> {
    for (let attempt = 1; ; attempt++) {
      const token = await this.accessToken(operation);
      let answer: HttpAnswer;
      try {
        answer = await exchange(`${this.base()}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json', ...headers },
          ...(body === undefined ? {} : { body }),
          timeoutMs: this.settings.timeoutMs,
        });
      } catch (error) {
        throw transportError(this.name, error, operation, changesState);
      }
      if (answer.status === 401 && attempt === 1) {
        this.token = undefined;
        continue;
      }
      return answer;
    }
  }

  private accessToken(operation: string): Promise<string> {
    if (this.token && this.token.expiresAt > this.now()) return Promise.resolve(this.token.value);
    this.tokenRequest ??= this.fetchToken(operation).finally(() => (this.tokenRequest = undefined));
    return this.tokenRequest;
  }

  private async fetchToken(operation: string): Promise<string> {
    let answer: HttpAnswer;
    try {
      answer = await exchange(`${this.base()}/v1/oauth2/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${this.settings.clientId}:${this.settings.clientSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: 'grant_type=client_credentials',
        timeoutMs: this.settings.timeoutMs,
      });
    } catch (error) {
      // a token request changes nothing at PayPal: the payment call was never sent
      throw transportError(this.name, error, `${operation} (token)`, false);
    }
    if (answer.status !== 200) throw statusError(this.name, answer.status, answer.status === 401 ? 'invalid_client' : undefined, `${operation} (token)`, false);
    const token = parseJson(this.name, answer, operation, false) as { access_token?: string; expires_in?: number };
    if (typeof token.access_token !== 'string') throw new ConnectorError(this.name, 'UNREADABLE_ANSWER', 'paypal token: no access_token', true, false);
    const lifetimeMs = (typeof token.expires_in === 'number' ? token.expires_in : 0) * 1000;
    this.token = { value: token.access_token, expiresAt: this.now() + Math.max(0, lifetimeMs - TOKEN_MARGIN_MS) };
    return token.access_token;
  }

  private base(): string {
    return this.settings.baseUrl.replace(/\/+$/, '');
  }
}

/** PayPal's error document: `{name, details: [{issue}], debug_id}`; the first issue, else the name. */
function issueOf(answer: HttpAnswer): string | undefined {
  try {
    const body = JSON.parse(answer.text) as { name?: unknown; details?: Array<{ issue?: unknown }> };
    const issue = body.details?.[0]?.issue;
    if (typeof issue === 'string') return issue;
    return typeof body.name === 'string' ? body.name : undefined;
  } catch {
    return undefined;
  }
}
