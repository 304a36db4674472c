import { createHmac } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { recordSecrets } from '../run-logs';
import { close, listen } from './local-server';
import { Ids, PaymentProviderFake, type FakeAnswer, type SignedWebhook } from './payment-fake-base';
import { SettlementLines } from './settlement-lines';

/*
 * A local Adyen Checkout API (v72) speaking Adyen's wire format: X-API-Key, JSON bodies,
 * POST /v72/payments answered with a resultCode, the modifications POST
 * /v72/payments/{pspReference}/captures | refunds | cancels answered 201 `received`, Adyen's
 * error document ({status, errorCode, message, errorType}), the Idempotency-Key header, and
 * standard notifications ({live, notificationItems: [{NotificationRequestItem}]}) signed with
 * HMAC-SHA256 in additionalData.hmacSignature, over Adyen's field list, with the hex key.
 *
 * The payment method decides the outcome: a storedPaymentMethodId or encryptedCardNumber
 * containing `refused` (Refused, reason code 2), `3ds` (RedirectShopper), `pending`
 * (Pending); anything else is Authorised. Modifications are asynchronous as at Adyen: their
 * notification (CAPTURE, REFUND, CANCELLATION) is generated with the answer.
 *
 * Reports live on another host, as at Adyen (ca-test.adyen.com): `reportsUrl` serves
 * /reports/download/MerchantAccount/{account}/settlement_detail_report_batch_N.csv (X-API-Key),
 * the Settlement details report of each payable batch `closeBatch()` closed: a Settled line
 * for every authorised payment (auto-capture), a Refunded line for every refund, fees split
 * as Adyen does (markup, scheme fees, interchange), and the batch's MerchantPayout; 404 for a
 * batch not closed yet. `settlement` injects discrepancies.
 */

export interface AdyenItem {
  pspReference: string;
  originalReference?: string;
  merchantAccountCode: string;
  merchantReference: string;
  amount: { value: number; currency: string };
  eventCode: string;
  eventDate: string;
  success: 'true' | 'false';
  reason?: string;
  paymentMethod?: string;
  additionalData?: Record<string, string>;
}

export interface AdyenPayment {
  pspReference: string;
  merchantReference: string;
  amount: { value: number; currency: string };
  resultCode: string;
  captured: boolean;
  refunded: number;
  canceled: boolean;
}

/** One line of the Settlement details report, by its column names (amounts as Adyen writes them: decimals, major units). */
export interface AdyenSettlementRow {
  /** The fake's key for the line (the payment's or the modification's pspReference). */
  id: string;
  batch?: number;
  'Psp Reference': string;
  'Merchant Reference': string;
  'Payment Method': string;
  'Creation Date': string;
  TimeZone: string;
  Type: string;
  'Modification Reference': string;
  'Gross Currency': string;
  'Gross Debit (GC)': string;
  'Gross Credit (GC)': string;
  'Net Debit (NC)': string;
  'Net Credit (NC)': string;
  'Markup (NC)': string;
  'Scheme Fees (NC)': string;
  'Interchange (NC)': string;
  'Merchant Account'?: string;
}

export const SETTLEMENT_COLUMNS = [
  'Company Account',
  'Merchant Account',
  'Psp Reference',
  'Merchant Reference',
  'Payment Method',
  'Creation Date',
  'TimeZone',
  'Type',
  'Modification Reference',
  'Gross Currency',
  'Gross Debit (GC)',
  'Gross Credit (GC)',
  'Exchange Rate',
  'Net Currency',
  'Net Debit (NC)',
  'Net Credit (NC)',
  'Commission (NC)',
  'Markup (NC)',
  'Scheme Fees (NC)',
  'Interchange (NC)',
  'Payment Method Variant',
  'Modification Merchant Reference',
  'Batch Number',
] as const;

export class AdyenFake extends PaymentProviderFake<AdyenItem> {
  readonly payments = new Map<string, AdyenPayment>();
  readonly bodies: unknown[] = [];
  /** Money taken: one entry per authorised payment (a replay adds none). */
  readonly charges: Array<{ pspReference: string; reference: string; value: number; currency: string }> = [];
  /** Refunds Adyen received. */
  readonly refundsReceived: Array<{ pspReference: string; originalReference: string; value: number }> = [];
  /** Whether modifications' notifications report success (false: the capture / refund is refused later). */
  modificationsSucceed = true;
  /** The Settlement details lines, from the fake's own work, with the test's discrepancies. */
  readonly settlement = new SettlementLines<AdyenSettlementRow>((r) => r.id);
  /** The report host's base (PAYMENTS_ADYEN_REPORT_BASE_URL = `${reportsUrl}/reports/download`). */
  reportsUrl = '';
  /** Batches closed so far (the next is batches + 1). */
  batches = 0;
  private reportServer?: Server;
  private readonly ids = new Ids();

  constructor(
    readonly apiKey = 'AQE_fake_api_key_0000000000',
    readonly merchantAccount = 'SkyroECOM',
    /** The webhook's HMAC key, hex (Adyen shows it as 64 hex characters). */
    readonly hmacKey = '44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056',
  ) {
    super();
    recordSecrets([apiKey, hmacKey]);
  }

  override async start(): Promise<this> {
    await super.start();
    const { server, url } = await listen((req, res) => {
      const match = /^\/reports\/download\/MerchantAccount\/([^/]+)\/settlement_detail_report_batch_(\d+)\.csv$/.exec(req.url ?? '');
      const send = (status: number, type: string, body: string) => {
        res.writeHead(status, { 'content-type': type });
        res.end(body);
      };
      this.requests.push({ method: req.method ?? 'GET', path: req.url ?? '/' });
      if (req.headers['x-api-key'] !== this.apiKey) return send(401, 'text/html', '<html><body>HTTP Status 401 - Unauthorized</body></html>');
      if (req.method !== 'GET' || !match || decodeURIComponent(match[1]!) !== this.merchantAccount) return send(404, 'text/html', 'Not Found');
      const batch = Number(match[2]);
      if (batch < 1 || batch > this.batches) return send(404, 'text/html', 'Not Found');
      send(200, 'text/csv; charset=utf-8', this.settlementCsv(batch));
    });
    this.reportServer = server;
    this.reportsUrl = url;
    return this;
  }

  override async close(): Promise<void> {
    if (this.reportServer) await close(this.reportServer);
    await super.close();
  }

  /** The payable batch closes: every open line goes into it, with the batch's MerchantPayout (the net paid to our bank). */
  closeBatch(): number {
    const batch = ++this.batches;
    const open: AdyenSettlementRow[] = [];
    this.settlement.each((row) => {
      if (row.batch === undefined) {
        row.batch = batch;
        open.push(row);
      }
    });
    const byCurrency = new Map<string, number>();
    for (const row of open) {
      const cents = (v: string) => (v ? Math.round(Number(v) * 100) : 0);
      byCurrency.set(row['Gross Currency'], (byCurrency.get(row['Gross Currency']) ?? 0) + cents(row['Net Credit (NC)']) - cents(row['Net Debit (NC)']));
    }
    for (const [currency, net] of byCurrency) {
      if (net <= 0) continue;
      this.settlement.record({
        ...this.row(`PAYOUT${batch}${currency}`, '', '', 'MerchantPayout', '', currency, 0, 0),
        'Net Debit (NC)': (net / 100).toFixed(2),
        batch,
      });
    }
    return batch;
  }

  /** A Settlement details line (amounts in minor units of a two-digit currency; fees split markup / scheme / interchange). */
  row(
    id: string,
    psp: string,
    merchantReference: string,
    type: string,
    modification: string,
    currency: string,
    credit: number,
    debit: number,
  ): AdyenSettlementRow {
    const fee = type === 'Settled' ? Math.floor((credit * 12) / 1000) : 0;
    const major = (minor: number) => (minor === 0 ? '' : (minor / 100).toFixed(2));
    const at = new Date(Date.now() + 3600_000).toISOString(); // CET, as the account's time zone says
    return {
      id,
      'Psp Reference': psp,
      'Merchant Reference': merchantReference,
      'Payment Method': psp ? 'visa' : '',
      'Creation Date': `${at.slice(0, 10)} ${at.slice(11, 19)}`,
      TimeZone: 'CET',
      Type: type,
      'Modification Reference': modification,
      'Gross Currency': currency,
      'Gross Debit (GC)': major(debit),
      'Gross Credit (GC)': major(credit),
      'Net Debit (NC)': major(debit),
      'Net Credit (NC)': major(credit - fee),
      'Markup (NC)': major(fee - 2 * Math.floor(fee / 3)),
      'Scheme Fees (NC)': major(Math.floor(fee / 3)),
      'Interchange (NC)': major(Math.floor(fee / 3)),
    };
  }

  /** The report of one batch, as Adyen writes it: header line, then its lines, CRLF, fields quoted when they need it. */
  settlementCsv(batch: number): string {
    const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    const lines = this.settlement.lines().filter((r) => r.batch === batch);
    const values = (r: AdyenSettlementRow): Record<string, string> => ({
      'Company Account': 'SkyroCompany',
      'Merchant Account': r['Merchant Account'] ?? this.merchantAccount,
      'Exchange Rate': r.Type === 'Settled' || r.Type === 'Refunded' ? '1' : '',
      'Net Currency': r['Gross Currency'],
      'Commission (NC)': '',
      'Payment Method Variant': r['Payment Method'] ? 'visaclassic' : '',
      'Modification Merchant Reference': '',
      'Batch Number': String(batch),
      ...(Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'id' && k !== 'batch')) as Record<string, string>),
    });
    return [SETTLEMENT_COLUMNS.join(','), ...lines.map((r) => SETTLEMENT_COLUMNS.map((c) => quote(values(r)[c] ?? '')).join(','))].join('\r\n') + '\r\n';
  }

  /** Adyen's HMAC of a notification item: base64 HMAC-SHA256 over pspReference:originalReference:merchantAccountCode:merchantReference:value:currency:eventCode:success. */
  hmacOf(item: AdyenItem, key = this.hmacKey): string {
    const data = [
      item.pspReference,
      item.originalReference ?? '',
      item.merchantAccountCode,
      item.merchantReference,
      item.amount.value,
      item.amount.currency,
      item.eventCode,
      item.success,
    ].join(':');
    return createHmac('sha256', Buffer.from(key, 'hex')).update(data, 'utf8').digest('base64');
  }

  sign(item: AdyenItem, options: { key?: string; items?: AdyenItem[] } = {}): SignedWebhook {
    const items = options.items ?? [item];
    const body = {
      live: 'false',
      notificationItems: items.map((i) => ({
        NotificationRequestItem: { ...i, additionalData: { ...i.additionalData, hmacSignature: this.hmacOf(i, options.key) } },
      })),
    };
    return { body: Buffer.from(JSON.stringify(body)), headers: { 'content-type': 'application/json', 'user-agent': 'Adyen HttpClient 1.0' } };
  }

  /** The shopper came back from the redirect: the payment is authorised (AUTHORISATION success) or refused. */
  completeRedirect(pspReference: string, authorised = true): AdyenItem {
    const payment = this.mustGet(pspReference);
    payment.resultCode = authorised ? 'Authorised' : 'Refused';
    if (authorised) this.recordSettled(payment);
    if (authorised) this.charges.push({ pspReference, reference: payment.merchantReference, value: payment.amount.value, currency: payment.amount.currency });
    const item = this.item(payment, 'AUTHORISATION', authorised, undefined, authorised ? undefined : 'Refused');
    this.events.push(item);
    return item;
  }

  protected async handle(req: IncomingMessage, raw: Buffer): Promise<FakeAnswer> {
    if (req.headers['x-api-key'] !== this.apiKey) return adyenError(401, '000', 'HTTP Status Response - Unauthorized', 'security');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      return adyenError(400, '702', 'Structure of the message is not valid', 'validation');
    }
    this.bodies.push(body);
    const key = req.headers['idempotency-key'] as string | undefined;
    const mismatch = () => adyenError(422, '704', 'request already processed or in progress', 'validation');
    const fingerprint = `${req.url} ${raw.toString('utf8')}`;
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    if (req.method === 'POST' && path === '/v72/payments') return this.idempotent(key, fingerprint, mismatch, () => this.pay(body));
    const match = /^\/v72\/payments\/([^/]+)\/(captures|refunds|cancels)$/.exec(path);
    if (req.method === 'POST' && match) return this.idempotent(key, fingerprint, mismatch, () => this.modify(match[1]!, match[2]!, body));
    return adyenError(404, '000', 'Not found', 'internal');
  }

  private pay(body: Record<string, unknown>): FakeAnswer {
    const amount = body['amount'] as { value?: unknown; currency?: unknown } | undefined;
    if (body['merchantAccount'] !== this.merchantAccount) return adyenError(403, '901', 'Invalid Merchant Account', 'security');
    if (!amount || !Number.isInteger(amount.value) || (amount.value as number) < 0) return adyenError(422, '137', 'Invalid amount specified', 'validation');
    if (typeof amount.currency !== 'string' || !/^[A-Z]{3}$/.test(amount.currency))
      return adyenError(422, '138', 'Unsupported currency specified', 'validation');
    if (typeof body['reference'] !== 'string' || !body['reference']) return adyenError(422, '130', "Required field 'reference' is not provided.", 'validation');
    if (typeof body['returnUrl'] !== 'string') return adyenError(422, '14_0', "Required field 'returnUrl' is not provided.", 'validation');
    const method = (body['paymentMethod'] ?? {}) as Record<string, unknown>;
    const hint = [method['storedPaymentMethodId'], method['encryptedCardNumber']].find((v): v is string => typeof v === 'string') ?? '';
    if (hint) recordSecrets([hint]);
    const payment: AdyenPayment = {
      pspReference: this.ids.next('PSP'),
      merchantReference: body['reference'],
      amount: { value: amount.value as number, currency: amount.currency },
      resultCode: hint.includes('refused') ? 'Refused' : hint.includes('3ds') ? 'RedirectShopper' : hint.includes('pending') ? 'Pending' : 'Authorised',
      captured: false,
      refunded: 0,
      canceled: false,
    };
    this.payments.set(payment.pspReference, payment);
    const answer: Record<string, unknown> = {
      pspReference: payment.pspReference,
      resultCode: payment.resultCode,
      merchantReference: payment.merchantReference,
      amount: payment.amount,
    };
    const events: AdyenItem[] = [];
    if (payment.resultCode === 'Authorised') {
      this.recordSettled(payment);
      this.charges.push({
        pspReference: payment.pspReference,
        reference: payment.merchantReference,
        value: payment.amount.value,
        currency: payment.amount.currency,
      });
      events.push(this.item(payment, 'AUTHORISATION', true));
    } else if (payment.resultCode === 'Refused') {
      Object.assign(answer, { refusalReason: 'Refused', refusalReasonCode: '2' });
      events.push(this.item(payment, 'AUTHORISATION', false, undefined, 'Refused'));
    } else if (payment.resultCode === 'RedirectShopper') {
      answer['action'] = { paymentMethodType: 'scheme', type: 'redirect', method: 'GET', url: `${this.url}/hpp/3ds/${payment.pspReference}` };
    }
    return this.emit(events, { status: 200, body: answer, changed: true });
  }

  private modify(pspReference: string, kind: string, body: Record<string, unknown>): FakeAnswer {
    const payment = this.payments.get(pspReference);
    if (!payment) return adyenError(422, '167', 'Original pspReference required for this operation', 'validation');
    if (body['merchantAccount'] !== this.merchantAccount) return adyenError(403, '901', 'Invalid Merchant Account', 'security');
    const amount = (body['amount'] as { value: number; currency: string } | undefined) ?? payment.amount;
    const modification = this.ids.next('MOD');
    const ok = this.modificationsSucceed;
    let event: AdyenItem;
    if (kind === 'captures') {
      payment.captured = ok;
      event = this.item(payment, 'CAPTURE', ok, modification);
    } else if (kind === 'refunds') {
      if (ok) payment.refunded += amount.value;
      if (ok)
        this.settlement.record(this.row(modification, pspReference, payment.merchantReference, 'Refunded', modification, amount.currency, 0, amount.value));
      this.refundsReceived.push({ pspReference: modification, originalReference: pspReference, value: amount.value });
      event = this.item({ ...payment, amount }, 'REFUND', ok, modification, ok ? undefined : 'Insufficient balance on payment');
    } else {
      payment.canceled = ok;
      event = this.item(payment, 'CANCELLATION', ok, modification);
    }
    return this.emit([event], {
      status: 201,
      changed: true,
      body: {
        merchantAccount: this.merchantAccount,
        paymentPspReference: pspReference,
        pspReference: modification,
        reference: body['reference'] ?? null,
        status: 'received',
        ...(body['amount'] ? { amount } : {}),
      },
    });
  }

  /** A notification item; for a modification, pspReference is the modification's and originalReference the payment's. */
  private item(payment: AdyenPayment, eventCode: string, success: boolean, modification?: string, reason?: string): AdyenItem {
    return {
      pspReference: modification ?? payment.pspReference,
      ...(modification ? { originalReference: payment.pspReference } : {}),
      merchantAccountCode: this.merchantAccount,
      merchantReference: payment.merchantReference,
      amount: payment.amount,
      eventCode,
      eventDate: '2026-01-01T12:00:00+01:00',
      success: success ? 'true' : 'false',
      ...(reason ? { reason } : {}),
      paymentMethod: 'visa',
    };
  }

  /** Auto-capture: an authorised payment settles in the next batch. */
  private recordSettled(payment: AdyenPayment): void {
    this.settlement.record(
      this.row(
        payment.pspReference,
        payment.pspReference,
        payment.merchantReference,
        'Settled',
        payment.pspReference.replace('PSP', 'CAP'),
        payment.amount.currency,
        payment.amount.value,
        0,
      ),
    );
  }

  private mustGet(psp: string): AdyenPayment {
    const payment = this.payments.get(psp);
    if (!payment) throw new Error(`adyen fake: no payment ${psp}`);
    return payment;
  }
}

function adyenError(status: number, errorCode: string, message: string, errorType: string): FakeAnswer {
  return { status, body: { status, errorCode, message, errorType, pspReference: 'ERR0000000000000' } };
}
