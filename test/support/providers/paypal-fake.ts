import { createSign, createVerify, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { recordSecrets } from '../run-logs';
import { currencyOf, formatMinorUnits, parseMinorUnits } from '@shared-kernel/money';
import { Ids, PaymentProviderFake, type FakeAnswer, type SignedWebhook } from './payment-fake-base';
import { SettlementLines } from './settlement-lines';

/*
 * A local PayPal REST API speaking PayPal's wire format: OAuth2 client credentials
 * (POST /v1/oauth2/token with Basic auth → a bearer token with expires_in), Orders v2
 * (create with PayPal-Request-Id idempotency → PAYER_ACTION_REQUIRED and a payer-action link;
 * `approve` plays the buyer; capture → COMPLETED with the capture; GET), Payments v2 refunds on
 * a capture, PayPal's error document ({name, message, debug_id, details: [{issue}]}), and
 * webhooks signed as PayPal signs them: RSA-SHA256 (SHA256withRSA) over
 * `transmissionId|transmissionTime|webhookId|crc32(body)`, with the public key at the cert URL
 * and POST /v1/notifications/verify-webhook-signature answering SUCCESS or FAILURE.
 *
 * Transaction search (`GET /v1/reporting/transactions`, start_date / end_date at most 31 days
 * apart, page and page_size) lists a T0006 payment for every completed capture (fee 3.49 % +
 * 0.49, booked negative) and a T1107 refund for every refund, from the fake's own records;
 * `transactions` injects discrepancies.
 */

export interface PaypalEvent {
  id: string;
  event_version: '1.0';
  create_time: string;
  resource_type: string;
  event_type: string;
  summary: string;
  resource: Record<string, unknown>;
}

/** transaction_details[].transaction_info as PayPal writes it (amounts: signed decimal strings in major units). */
export interface PaypalTransactionInfo {
  transaction_id: string;
  paypal_reference_id?: string;
  paypal_reference_id_type?: string;
  transaction_event_code: string;
  transaction_initiation_date: string;
  transaction_updated_date: string;
  transaction_amount: { currency_code: string; value: string };
  fee_amount?: { currency_code: string; value: string };
  transaction_status: 'S' | 'P' | 'D' | 'V';
  invoice_id?: string;
  custom_field?: string;
}

interface Order {
  id: string;
  intent: 'CAPTURE';
  status: string;
  purchase_units: Array<{
    reference_id: string;
    custom_id?: string;
    amount: { currency_code: string; value: string };
    payments?: { captures: Array<Record<string, unknown>> };
  }>;
  links: Array<{ href: string; rel: string; method: string }>;
  create_time: string;
}

export class PaypalFake extends PaymentProviderFake<PaypalEvent> {
  readonly orders = new Map<string, Order>();
  /** Money taken: one entry per completed capture (a replay adds none). */
  readonly charges: Array<{ orderId: string; captureId: string; value: string; currency: string; customId?: string }> = [];
  readonly refunds: Array<{ id: string; captureId: string; value: string; customId?: string }> = [];
  /** The transactions the search serves, with the test's discrepancies. */
  readonly transactions = new SettlementLines<PaypalTransactionInfo>((t) => t.transaction_id);
  /** Access tokens issued (the connector caches one until it expires). */
  tokensIssued = 0;
  tokenLifetimeSeconds = 32400;
  /** The next captures are declined (capture status DECLINED, PAYMENT.CAPTURE.DENIED). */
  declineCaptures = false;
  private readonly tokens = new Set<string>();
  private readonly ids = new Ids();
  private readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });

  constructor(
    readonly clientId = 'AfakeClientId000000',
    readonly clientSecret = 'EfakeClientSecret000000',
    readonly webhookId = 'WH-FAKE-0000000000',
  ) {
    super();
    recordSecrets([clientSecret]);
  }

  get certUrl(): string {
    return `${this.url}/v1/notifications/certs/CERT-fake`;
  }

  /** The buyer approves the order on PayPal: APPROVED and a CHECKOUT.ORDER.APPROVED event. */
  approve(orderId: string): PaypalEvent {
    const order = this.mustGet(orderId);
    order.status = 'APPROVED';
    order.links = order.links.filter((l) => l.rel !== 'payer-action');
    const event = this.event('CHECKOUT.ORDER.APPROVED', 'checkout-order', order);
    this.events.push(event);
    return event;
  }

  /** Revokes every token issued (the next call gets a 401 and must fetch a new one). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  sign(event: PaypalEvent, options: { webhookId?: string; privateKey?: string; transmissionTime?: string } = {}): SignedWebhook {
    const body = JSON.stringify(event);
    const transmissionId = randomBytes(16).toString('hex');
    const time = options.transmissionTime ?? new Date().toISOString();
    const signer = createSign('RSA-SHA256');
    signer.update(`${transmissionId}|${time}|${options.webhookId ?? this.webhookId}|${crc32(Buffer.from(body))}`);
    const sig = signer.sign(options.privateKey ?? this.keys.privateKey).toString('base64');
    return {
      body: Buffer.from(body),
      headers: {
        'content-type': 'application/json',
        'paypal-auth-algo': 'SHA256withRSA',
        'paypal-cert-url': this.certUrl,
        'paypal-transmission-id': transmissionId,
        'paypal-transmission-sig': sig,
        'paypal-transmission-time': time,
      },
    };
  }

  protected async handle(req: IncomingMessage, raw: Buffer): Promise<FakeAnswer> {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    if (req.method === 'POST' && path === '/v1/oauth2/token') return this.token(req, raw);
    if (req.method === 'GET' && path === '/v1/notifications/certs/CERT-fake')
      return { status: 200, body: this.keys.publicKey.export({ type: 'spki', format: 'pem' }) };
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (!auth || !this.tokens.has(auth[1]!)) return { status: 401, body: { error: 'invalid_token', error_description: 'Token signature verification failed' } };
    let body: Record<string, unknown> = {};
    try {
      if (raw.length > 0) body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      return paypalError(400, 'INVALID_REQUEST', 'MALFORMED_REQUEST_JSON');
    }
    const key = req.headers['paypal-request-id'] as string | undefined;
    // PayPal answers a reused PayPal-Request-Id with the first answer whatever the body: no mismatch error
    const fingerprint = `${req.method} ${path}`;
    const mismatch = (): FakeAnswer => paypalError(422, 'UNPROCESSABLE_ENTITY', 'DUPLICATE_REQUEST_ID');
    if (req.method === 'POST' && path === '/v1/notifications/verify-webhook-signature') return this.verify(raw);
    if (req.method === 'GET' && path === '/v1/reporting/transactions') return this.search(new URL(req.url ?? '/', 'http://fake').searchParams);
    if (req.method === 'POST' && path === '/v2/checkout/orders') return this.idempotent(key, fingerprint, mismatch, () => this.create(body));
    let match: RegExpExecArray | null;
    if (req.method === 'GET' && (match = /^\/v2\/checkout\/orders\/([^/]+)$/.exec(path))) {
      const order = this.orders.get(match[1]!);
      return order ? { status: 200, body: order } : paypalError(404, 'RESOURCE_NOT_FOUND', 'INVALID_RESOURCE_ID');
    }
    if (req.method === 'POST' && (match = /^\/v2\/checkout\/orders\/([^/]+)\/capture$/.exec(path))) {
      const id = match[1]!;
      return this.idempotent(key, `${fingerprint}`, mismatch, () => this.capture(id));
    }
    if (req.method === 'POST' && (match = /^\/v2\/payments\/captures\/([^/]+)\/refund$/.exec(path))) {
      const id = match[1]!;
      return this.idempotent(key, fingerprint, mismatch, () => this.refund(id, body));
    }
    return paypalError(404, 'RESOURCE_NOT_FOUND', 'INVALID_RESOURCE_ID');
  }

  private token(req: IncomingMessage, raw: Buffer): FakeAnswer {
    const expected = `Basic ${Buffer.from(`${this.clientId}:${this.clientSecret}`).toString('base64')}`;
    if (req.headers.authorization !== expected) return { status: 401, body: { error: 'invalid_client', error_description: 'Client Authentication failed' } };
    if (new URLSearchParams(raw.toString('utf8')).get('grant_type') !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type' } };
    const token = `A21AA${randomBytes(24).toString('hex')}`;
    recordSecrets([token]);
    this.tokens.add(token);
    this.tokensIssued++;
    return {
      status: 200,
      body: {
        scope: 'https://uri.paypal.com/services/payments/payment',
        access_token: token,
        token_type: 'Bearer',
        app_id: 'APP-FAKE',
        expires_in: this.tokenLifetimeSeconds,
        nonce: 'fake',
      },
    };
  }

  private create(body: Record<string, unknown>): FakeAnswer {
    const units = body['purchase_units'] as Order['purchase_units'] | undefined;
    if (body['intent'] !== 'CAPTURE' && body['intent'] !== 'AUTHORIZE') return paypalError(400, 'INVALID_REQUEST', 'INVALID_PARAMETER_VALUE');
    const unit = units?.[0];
    if (!unit || !/^\d+(\.\d{1,3})?$/.test(unit.amount?.value ?? '') || !/^[A-Z]{3}$/.test(unit.amount?.currency_code ?? '')) {
      return paypalError(400, 'INVALID_REQUEST', 'INVALID_PARAMETER_VALUE');
    }
    const id = this.ids.next('ORD');
    const order: Order = {
      id,
      intent: 'CAPTURE',
      status: 'PAYER_ACTION_REQUIRED',
      purchase_units: [{ reference_id: unit.reference_id ?? 'default', ...(unit.custom_id ? { custom_id: unit.custom_id } : {}), amount: unit.amount }],
      links: [
        { href: `${this.url}/v2/checkout/orders/${id}`, rel: 'self', method: 'GET' },
        { href: `${this.url}/checkoutnow?token=${id}`, rel: 'payer-action', method: 'GET' },
      ],
      create_time: '2026-01-01T12:00:00Z',
    };
    this.orders.set(id, order);
    return { status: 200, body: order, changed: true };
  }

  private capture(id: string): FakeAnswer {
    const order = this.orders.get(id);
    if (!order) return paypalError(404, 'RESOURCE_NOT_FOUND', 'INVALID_RESOURCE_ID');
    if (order.status === 'COMPLETED') return paypalError(422, 'UNPROCESSABLE_ENTITY', 'ORDER_ALREADY_CAPTURED');
    if (order.status !== 'APPROVED') return paypalError(422, 'UNPROCESSABLE_ENTITY', 'ORDER_NOT_APPROVED');
    const unit = order.purchase_units[0]!;
    const declined = this.declineCaptures;
    const capture = {
      id: this.ids.next('CAP'),
      status: declined ? 'DECLINED' : 'COMPLETED',
      ...(declined ? { status_details: { reason: 'DECLINED_BY_RISK_FRAUD_FILTERS' } } : {}),
      amount: unit.amount,
      final_capture: true,
      ...(unit.custom_id ? { custom_id: unit.custom_id } : {}),
      supplementary_data: { related_ids: { order_id: order.id } },
      create_time: '2026-01-01T12:01:00Z',
    };
    unit.payments = { captures: [capture] };
    order.status = 'COMPLETED';
    if (!declined) {
      const fee = this.fee(unit.amount.value, unit.amount.currency_code);
      this.transactions.record(
        this.transaction(capture.id, 'T0006', unit.amount.currency_code, unit.amount.value, fee, {
          ...(unit.custom_id ? { custom_field: unit.custom_id } : {}),
        }),
      );
    }
    if (!declined)
      this.charges.push({
        orderId: order.id,
        captureId: capture.id,
        value: unit.amount.value,
        currency: unit.amount.currency_code,
        ...(unit.custom_id ? { customId: unit.custom_id } : {}),
      });
    const event = this.event(declined ? 'PAYMENT.CAPTURE.DENIED' : 'PAYMENT.CAPTURE.COMPLETED', 'capture', capture);
    return this.emit([event], { status: 201, body: order, changed: true });
  }

  private refund(captureId: string, body: Record<string, unknown>): FakeAnswer {
    const order = [...this.orders.values()].find((o) => o.purchase_units[0]?.payments?.captures[0]?.['id'] === captureId);
    const capture = order?.purchase_units[0]?.payments?.captures[0];
    if (!capture || capture['status'] !== 'COMPLETED') return paypalError(422, 'UNPROCESSABLE_ENTITY', 'CAPTURE_FULLY_REFUNDED');
    const amount = (body['amount'] as { value: string; currency_code: string } | undefined) ?? (capture['amount'] as { value: string; currency_code: string });
    const refund = {
      id: this.ids.next('REF'),
      status: 'COMPLETED',
      amount,
      ...(typeof body['custom_id'] === 'string' ? { custom_id: body['custom_id'] } : {}),
      ...(typeof body['invoice_id'] === 'string' ? { invoice_id: body['invoice_id'] } : {}),
      links: [{ href: `${this.url}/v2/payments/captures/${captureId}`, rel: 'up', method: 'GET' }],
      create_time: '2026-01-01T12:02:00Z',
    };
    this.transactions.record(
      this.transaction(refund.id, 'T1107', amount.currency_code, `-${amount.value}`, undefined, {
        paypal_reference_id: captureId,
        paypal_reference_id_type: 'TXN',
        ...(refund.custom_id ? { custom_field: refund.custom_id } : {}),
        ...(refund.invoice_id ? { invoice_id: refund.invoice_id } : {}),
      }),
    );
    this.refunds.push({ id: refund.id, captureId, value: amount.value, ...(refund.custom_id ? { customId: refund.custom_id } : {}) });
    return this.emit([this.event('PAYMENT.CAPTURE.REFUNDED', 'refund', refund)], { status: 201, body: refund, changed: true });
  }

  /** A transaction as the search lists it, dated now (PayPal's format: +0000 offsets). */
  transaction(
    id: string,
    code: string,
    currency: string,
    value: string,
    fee: string | undefined,
    extra: Partial<PaypalTransactionInfo> = {},
  ): PaypalTransactionInfo {
    const at = new Date().toISOString().replace(/\.\d{3}Z$/, '+0000');
    return {
      transaction_id: id,
      transaction_event_code: code,
      transaction_initiation_date: at,
      transaction_updated_date: at,
      transaction_amount: { currency_code: currency, value },
      ...(fee ? { fee_amount: { currency_code: currency, value: fee } } : {}),
      transaction_status: 'S',
      ...extra,
    };
  }

  /** PayPal's fee on a payment, negative: 3.49 % + 0.49 of the currency (rounded down to its minor units). */
  private fee(value: string, currency: string): string {
    const c = currencyOf(currency)!;
    const minor = parseMinorUnits(value.replace('.', '').replace(/^0+(?=\d)/, '')) ?? 0n;
    const fixed = 49n * 10n ** BigInt(Math.max(0, c.minorUnits - 2));
    const fee = (minor * 349n) / 10000n + fixed;
    return `-${formatMinorUnits(fee > minor ? minor : fee, c)}`;
  }

  /** `GET /v1/reporting/transactions`: start_date and end_date (inclusive, at most 31 days apart), page_size (1-500), page. */
  private search(query: URLSearchParams): FakeAnswer {
    const start = Date.parse(query.get('start_date') ?? '');
    const end = Date.parse(query.get('end_date') ?? '');
    if (Number.isNaN(start) || Number.isNaN(end) || end < start) return paypalError(400, 'INVALID_REQUEST', 'INVALID_DATE_RANGE');
    if (end - start > 31 * 86400_000) return paypalError(400, 'INVALID_REQUEST', 'DATE_RANGE_EXCEEDS_MAXIMUM');
    const size = Number(query.get('page_size') ?? '100');
    const page = Number(query.get('page') ?? '1');
    if (!Number.isInteger(size) || size < 1 || size > 500 || !Number.isInteger(page) || page < 1)
      return paypalError(400, 'INVALID_REQUEST', 'INVALID_PARAMETER_VALUE');
    const all = this.transactions.lines().filter((t) => {
      const at = Date.parse(t.transaction_initiation_date);
      return at >= start && at <= end;
    });
    const pages = Math.max(1, Math.ceil(all.length / size));
    return {
      status: 200,
      body: {
        transaction_details: all.slice((page - 1) * size, page * size).map((transaction_info) => ({ transaction_info })),
        account_number: 'FAKEACCOUNT01',
        start_date: query.get('start_date'),
        end_date: query.get('end_date'),
        last_refreshed_datetime: new Date().toISOString(),
        page,
        total_items: all.length,
        total_pages: pages,
      },
    };
  }

  /** PayPal's verification: the signature over transmission id, time, OUR webhook id and the CRC32 of the event as received. */
  private verify(raw: Buffer): FakeAnswer {
    const request = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    const failure = { status: 200, body: { verification_status: 'FAILURE' } };
    if (request['webhook_id'] !== this.webhookId || request['cert_url'] !== this.certUrl || request['auth_algo'] !== 'SHA256withRSA') return failure;
    // the event as the connector sent it; PayPal signs its own serialization, which JSON.stringify of the parsed event reproduces here
    const event = JSON.stringify(request['webhook_event']);
    const verifier = createVerify('RSA-SHA256');
    verifier.update(`${String(request['transmission_id'])}|${String(request['transmission_time'])}|${this.webhookId}|${crc32(Buffer.from(event))}`);
    const ok = typeof request['transmission_sig'] === 'string' && verifier.verify(this.keys.publicKey, Buffer.from(request['transmission_sig'], 'base64'));
    return ok ? { status: 200, body: { verification_status: 'SUCCESS' } } : failure;
  }

  private event(type: string, resourceType: string, resource: object): PaypalEvent {
    return {
      id: this.ids.next('WH-EVT-'),
      event_version: '1.0',
      create_time: '2026-01-01T12:03:00Z',
      resource_type: resourceType,
      event_type: type,
      summary: type,
      resource: structuredClone(resource) as Record<string, unknown>,
    };
  }

  private mustGet(id: string): Order {
    const order = this.orders.get(id);
    if (!order) throw new Error(`paypal fake: no order ${id}`);
    return order;
  }
}

function paypalError(status: number, name: string, issue: string): FakeAnswer {
  return { status, body: { name, message: `${name}: ${issue}`, debug_id: 'f00dfeed00001', details: [{ issue, description: issue }] } };
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE), as PayPal computes it over the event body, unsigned decimal. */
export function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
