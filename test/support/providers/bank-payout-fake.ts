import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { recordSecrets } from '../run-logs';
import { Ids, PaymentProviderFake, type FakeAnswer, type SignedWebhook } from './payment-fake-base';

/*
 * A small payout provider (a bank's payout API, as a payout connector would speak to it) on
 * the same base as the gateway fakes, so the fault plan applies to payouts too: POST
 * /v1/payouts with Bearer key and Idempotency-Key → the payout (`paid`, or `failed` for an
 * amount ending in 13), GET /v1/payouts/{id}, and webhooks `payout.paid` / `payout.failed`
 * signed with HMAC-SHA256 of the raw body in X-Bank-Signature. The connector that speaks it
 * is test/fixtures/payments-faults.main.ts's BankPayoutConnector.
 */

export interface BankPayout {
  id: string;
  payment_id: string;
  amount: number;
  currency: string;
  status: 'paid' | 'failed';
  failure_code: string | null;
}

export interface BankEvent {
  id: string;
  type: 'payout.paid' | 'payout.failed';
  created: string;
  data: BankPayout;
}

export class BankPayoutFake extends PaymentProviderFake<BankEvent> {
  readonly payouts = new Map<string, BankPayout>();
  /** Money sent: one entry per paid payout (a replay adds none). */
  readonly paid: Array<{ payoutId: string; paymentId: string; amount: number; currency: string }> = [];
  private readonly ids = new Ids();
  private clock = Date.parse('2026-01-01T00:00:00Z');

  constructor(
    readonly apiKey = 'bank_test_key_0000000000',
    readonly webhookSecret = 'bank_whsec_0000000000',
  ) {
    super();
    recordSecrets([apiKey, webhookSecret]);
  }

  sign(event: BankEvent): SignedWebhook {
    const body = JSON.stringify(event);
    return {
      body: Buffer.from(body),
      headers: { 'content-type': 'application/json', 'x-bank-signature': createHmac('sha256', this.webhookSecret).update(body).digest('hex') },
    };
  }

  protected async handle(req: IncomingMessage, raw: Buffer): Promise<FakeAnswer> {
    if (req.headers.authorization !== `Bearer ${this.apiKey}`) return { status: 401, body: { error: 'unauthorized' } };
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    if (req.method === 'POST' && path === '/v1/payouts') {
      const key = req.headers['idempotency-key'] as string | undefined;
      return this.idempotent(
        key,
        raw.toString('utf8'),
        () => ({ status: 409, body: { error: 'idempotency_key_reused' } }),
        () => this.create(JSON.parse(raw.toString('utf8')) as Record<string, unknown>),
      );
    }
    const match = /^\/v1\/payouts\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && match) {
      const payout = this.payouts.get(match[1]!);
      return payout ? { status: 200, body: payout } : { status: 404, body: { error: 'not_found' } };
    }
    return { status: 404, body: { error: 'not_found' } };
  }

  private create(body: Record<string, unknown>): FakeAnswer {
    const amount = body['amount'];
    if (typeof amount !== 'number' || !Number.isInteger(amount) || amount < 1 || typeof body['payment_id'] !== 'string' || typeof body['currency'] !== 'string')
      return { status: 400, body: { error: 'invalid_request' } };
    const failed = amount % 100 === 13;
    const payout: BankPayout = {
      id: this.ids.next('po_'),
      payment_id: body['payment_id'],
      amount,
      currency: body['currency'],
      status: failed ? 'failed' : 'paid',
      failure_code: failed ? 'AC04' : null,
    };
    this.payouts.set(payout.id, payout);
    if (!failed) this.paid.push({ payoutId: payout.id, paymentId: payout.payment_id, amount, currency: payout.currency });
    const event: BankEvent = {
      id: this.ids.next('bevt_'),
      type: failed ? 'payout.failed' : 'payout.paid',
      created: new Date((this.clock += 1000)).toISOString(),
      data: { ...payout },
    };
    return this.emit([event], { status: 200, body: payout, changed: true });
  }
}
