import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { recordSecrets } from '../run-logs';
import { Ids, PaymentProviderFake, type FakeAnswer, type SignedWebhook } from './payment-fake-base';
import { SettlementLines } from './settlement-lines';

/*
 * A local Stripe API (PaymentIntents and Refunds, API v1) speaking Stripe's wire format: Bearer
 * secret key, form-encoded bodies with bracket keys (metadata[payment_id]=…), JSON answers,
 * Stripe's error document ({error: {type, code, decline_code, message, payment_intent}}),
 * Idempotency-Key (same key, same parameters → the same answer with Idempotent-Replayed;
 * other parameters → 400 idempotency_error), and signed webhooks (Stripe-Signature
 * t=…,v1=HMAC-SHA256(`${t}.${body}`)). Stripe's test payment methods decide the outcome:
 * pm_card_visa (succeeds), pm_card_chargeDeclined, pm_card_chargeDeclinedInsufficientFunds
 * (402 card_error), pm_card_authenticationRequired (requires_action with a redirect),
 * and the fake's own pm_card_processing (processing until `settle`).
 *
 * Its balance (`GET /v1/balance_transactions`, created[gte]/[lt], newest first, limit and
 * starting_after, expand[]=data.source) holds a `charge` transaction for every charge it made
 * (fee 2.9 % + 30) and a `refund` transaction for every refund, from its own records;
 * `balance` injects discrepancies (SettlementLines).
 */

export interface StripeIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  currency: string;
  status: string;
  capture_method: string;
  payment_method: string | null;
  metadata: Record<string, string>;
  next_action: { type: 'redirect_to_url'; redirect_to_url: { url: string; return_url: string | null } } | null;
  last_payment_error: { type: string; code: string; decline_code?: string; message: string } | null;
  cancellation_reason: string | null;
  latest_charge: string | null;
  created: number;
  livemode: false;
}

export interface StripeEvent {
  id: string;
  object: 'event';
  type: string;
  created: number;
  api_version: string;
  livemode: false;
  data: { object: Record<string, unknown> };
}

export interface StripeBalanceTransaction {
  id: string;
  object: 'balance_transaction';
  amount: number;
  fee: number;
  net: number;
  currency: string;
  created: number;
  available_on: number;
  status: 'available' | 'pending';
  type: string;
  reporting_category: string;
  description: string | null;
  /** The charge (ch_), refund (re_) or payout (po_) id; injected lines may carry the object itself. */
  source: string | Record<string, unknown> | null;
}

export interface StripeCharge {
  readonly intentId: string;
  readonly amount: number;
  readonly currency: string;
  readonly paymentId?: string;
  readonly idempotencyKey?: string;
}

const DECLINES: Record<string, string> = {
  pm_card_chargeDeclined: 'generic_decline',
  pm_card_chargeDeclinedInsufficientFunds: 'insufficient_funds',
  pm_card_chargeDeclinedFraudulent: 'fraudulent',
};

export class StripeFake extends PaymentProviderFake<StripeEvent> {
  readonly intents = new Map<string, StripeIntent>();
  readonly refunds = new Map<string, Record<string, unknown>>();
  /** Money taken: one entry per successful charge (a replay adds none). */
  readonly charges: StripeCharge[] = [];
  /** Charge objects by id (ch_…), the sources of the charge balance transactions. */
  readonly chargeObjects = new Map<string, Record<string, unknown>>();
  /** The balance transactions the report serves, with the test's discrepancies. */
  readonly balance = new SettlementLines<StripeBalanceTransaction>((t) => t.id);
  /** Seconds since the epoch the fake stamps on objects and events. */
  clock = 1_700_000_000;
  private readonly ids = new Ids();

  constructor(
    readonly secretKey = 'sk_test_fake_0000000000000000',
    readonly webhookSecret = 'whsec_fake_0000000000000000',
  ) {
    super();
    recordSecrets([secretKey, webhookSecret]);
  }

  /** Stripe's signature header over this body: `t=…,v1=…` (the secret and time may be overridden, to forge or replay). */
  signatureOf(body: string, options: { timestamp?: number; secret?: string } = {}): string {
    const t = options.timestamp ?? Math.floor(Date.now() / 1000);
    const v1 = createHmac('sha256', options.secret ?? this.webhookSecret)
      .update(`${t}.${body}`)
      .digest('hex');
    return `t=${t},v1=${v1}`;
  }

  sign(event: StripeEvent, options: { timestamp?: number; secret?: string } = {}): SignedWebhook {
    const body = JSON.stringify(event);
    return {
      body: Buffer.from(body),
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        'stripe-signature': this.signatureOf(body, options),
      },
    };
  }

  /** The customer finished 3-D Secure: the intent succeeds (or is declined) and its event is generated. */
  completeAction(intentId: string, outcome: 'succeeded' | 'declined' = 'succeeded'): StripeEvent {
    const intent = this.mustGet(intentId);
    intent.next_action = null;
    let event: StripeEvent;
    if (outcome === 'succeeded') event = this.succeed(intent, undefined)[0]!;
    else {
      intent.status = 'requires_payment_method';
      intent.last_payment_error = { type: 'card_error', code: 'card_declined', decline_code: 'authentication_failed', message: 'Your card was declined.' };
      event = this.event('payment_intent.payment_failed', intent);
    }
    this.events.push(event);
    return event;
  }

  /** A processing intent settles: it succeeds and its event is generated. */
  settle(intentId: string): StripeEvent {
    const event = this.succeed(this.mustGet(intentId), undefined)[0]!;
    this.events.push(event);
    return event;
  }

  protected async handle(req: IncomingMessage, raw: Buffer): Promise<FakeAnswer> {
    if (req.headers.authorization !== `Bearer ${this.secretKey}`) {
      return { status: 401, body: { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } } };
    }
    const url = new URL(req.url ?? '/', 'http://fake');
    const params = parseForm(raw.toString('utf8'));
    const key = req.headers['idempotency-key'] as string | undefined;
    const fingerprint = `${req.method} ${url.pathname} ${raw.toString('utf8')}`;
    const mismatch = (): FakeAnswer => ({
      status: 400,
      body: {
        error: { type: 'idempotency_error', message: 'Keys for idempotent requests can only be used with the same parameters they were first used with.' },
      },
    });
    const path = url.pathname;
    let match: RegExpExecArray | null;
    if (req.method === 'POST' && path === '/v1/payment_intents') {
      return this.idempotent(key, fingerprint, mismatch, () => this.createIntent(params, key));
    }
    if (req.method === 'GET' && (match = /^\/v1\/payment_intents\/([^/]+)$/.exec(path))) {
      const intent = this.intents.get(match[1]!);
      return intent ? { status: 200, body: intent } : missing('payment_intent', match[1]!);
    }
    if (req.method === 'POST' && (match = /^\/v1\/payment_intents\/([^/]+)\/(capture|cancel)$/.exec(path))) {
      const [id, action] = [match[1]!, match[2]!];
      return this.idempotent(key, fingerprint, mismatch, () => (action === 'capture' ? this.capture(id, params) : this.cancel(id)));
    }
    if (req.method === 'POST' && path === '/v1/refunds') {
      return this.idempotent(key, fingerprint, mismatch, () => this.refund(params));
    }
    if (req.method === 'GET' && path === '/v1/balance_transactions') return this.listBalance(parseForm(url.search.slice(1)));
    if (req.method === 'GET' && (match = /^\/v1\/refunds\/([^/]+)$/.exec(path))) {
      const refund = this.refunds.get(match[1]!);
      return refund ? { status: 200, body: refund } : missing('refund', match[1]!);
    }
    return { status: 404, body: { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${path})` } } };
  }

  private createIntent(params: Params, key: string | undefined): FakeAnswer {
    const amount = Number(str(params['amount']));
    const currency = str(params['currency']);
    if (!Number.isInteger(amount) || amount < 1) return invalid('amount', 'Invalid positive integer');
    if (!/^[a-z]{3}$/.test(currency)) return invalid('currency', 'Invalid currency');
    const pm = str(params['payment_method']) || null;
    if (pm) recordSecrets([pm]);
    const intent: StripeIntent = {
      id: this.ids.next('pi_'),
      object: 'payment_intent',
      amount,
      amount_received: 0,
      currency,
      status: 'requires_payment_method',
      capture_method: str(params['capture_method']) || 'automatic',
      payment_method: pm,
      metadata: (params['metadata'] as Record<string, string> | undefined) ?? {},
      next_action: null,
      last_payment_error: null,
      cancellation_reason: null,
      latest_charge: null,
      created: this.clock,
      livemode: false,
    };
    this.intents.set(intent.id, intent);
    if (str(params['confirm']) !== 'true' || !pm) return { status: 200, body: intent, changed: true };
    const decline = DECLINES[pm];
    if (decline) {
      intent.last_payment_error = { type: 'card_error', code: 'card_declined', decline_code: decline, message: 'Your card was declined.' };
      const event = this.event('payment_intent.payment_failed', intent);
      return this.emit([event], {
        status: 402,
        changed: true,
        body: { error: { type: 'card_error', code: 'card_declined', decline_code: decline, message: 'Your card was declined.', payment_intent: intent } },
      });
    }
    if (pm === 'pm_card_authenticationRequired' || pm === 'pm_card_threeDSecure2Required') {
      intent.status = 'requires_action';
      intent.next_action = { type: 'redirect_to_url', redirect_to_url: { url: `${this.url}/3ds/${intent.id}`, return_url: str(params['return_url']) || null } };
      return this.emit([this.event('payment_intent.requires_action', intent)], { status: 200, body: intent, changed: true });
    }
    if (pm === 'pm_card_processing') {
      intent.status = 'processing';
      return this.emit([this.event('payment_intent.processing', intent)], { status: 200, body: intent, changed: true });
    }
    if (intent.capture_method === 'manual') {
      intent.status = 'requires_capture';
      return { status: 200, body: intent, changed: true };
    }
    const events = this.succeed(intent, key);
    return this.emit(events, { status: 200, body: intent, changed: true });
  }

  private succeed(intent: StripeIntent, key: string | undefined): StripeEvent[] {
    intent.status = 'succeeded';
    intent.amount_received = intent.amount;
    intent.latest_charge = this.ids.next('ch_');
    this.chargeObjects.set(intent.latest_charge, {
      id: intent.latest_charge,
      object: 'charge',
      amount: intent.amount,
      currency: intent.currency,
      payment_intent: intent.id,
      metadata: intent.metadata,
      status: 'succeeded',
    });
    const fee = Math.min(intent.amount, Math.floor((intent.amount * 29) / 1000) + 30);
    this.balance.record(this.balanceTransaction('charge', intent.amount, fee, intent.currency, intent.latest_charge));
    this.charges.push({
      intentId: intent.id,
      amount: intent.amount,
      currency: intent.currency,
      ...(intent.metadata['payment_id'] ? { paymentId: intent.metadata['payment_id'] } : {}),
      ...(key ? { idempotencyKey: key } : {}),
    });
    return [this.event('payment_intent.succeeded', intent)];
  }

  private capture(id: string, params: Params): FakeAnswer {
    const intent = this.intents.get(id);
    if (!intent) return missing('payment_intent', id);
    if (intent.status !== 'requires_capture') {
      return {
        status: 400,
        body: {
          error: {
            type: 'invalid_request_error',
            code: 'payment_intent_unexpected_state',
            message: `This PaymentIntent could not be captured because it has a status of ${intent.status}.`,
            payment_intent: intent,
          },
        },
      };
    }
    const amount = params['amount_to_capture'] ? Number(str(params['amount_to_capture'])) : intent.amount;
    intent.amount = Math.min(amount, intent.amount);
    const events = this.succeed(intent, undefined);
    return this.emit(events, { status: 200, body: intent, changed: true });
  }

  private cancel(id: string): FakeAnswer {
    const intent = this.intents.get(id);
    if (!intent) return missing('payment_intent', id);
    if (intent.status === 'succeeded' || intent.status === 'canceled') {
      return {
        status: 400,
        body: {
          error: {
            type: 'invalid_request_error',
            code: 'payment_intent_unexpected_state',
            message: `You cannot cancel this PaymentIntent because it has a status of ${intent.status}.`,
          },
        },
      };
    }
    intent.status = 'canceled';
    intent.cancellation_reason = 'requested_by_customer';
    intent.next_action = null;
    return this.emit([this.event('payment_intent.canceled', intent)], { status: 200, body: intent, changed: true });
  }

  private refund(params: Params): FakeAnswer {
    const intent = this.intents.get(str(params['payment_intent']));
    if (!intent) return missing('payment_intent', str(params['payment_intent']));
    if (intent.status !== 'succeeded') return invalid('payment_intent', 'This PaymentIntent does not have a successful charge to refund.');
    const refunded = [...this.refunds.values()].filter((r) => r['payment_intent'] === intent.id).reduce((sum, r) => sum + (r['amount'] as number), 0);
    const amount = params['amount'] ? Number(str(params['amount'])) : intent.amount - refunded;
    if (refunded >= intent.amount)
      return { status: 400, body: { error: { type: 'invalid_request_error', code: 'charge_already_refunded', message: 'Charge has already been refunded.' } } };
    if (amount > intent.amount - refunded) return invalid('amount', 'Refund amount is greater than unrefunded amount on charge');
    const refund = {
      id: this.ids.next('re_'),
      object: 'refund',
      amount,
      currency: intent.currency,
      payment_intent: intent.id,
      charge: intent.latest_charge,
      status: 'succeeded',
      metadata: (params['metadata'] as Record<string, string> | undefined) ?? {},
      created: this.clock,
    };
    this.refunds.set(refund.id, refund);
    this.balance.record(this.balanceTransaction('refund', -amount, 0, intent.currency, refund.id));
    const charge = {
      id: intent.latest_charge,
      object: 'charge',
      payment_intent: intent.id,
      amount: intent.amount,
      amount_refunded: refunded + amount,
      refunded: refunded + amount === intent.amount,
      metadata: intent.metadata,
    };
    return this.emit([this.event('charge.refunded', charge), this.event('refund.updated', refund)], { status: 200, body: refund, changed: true });
  }

  /** A balance transaction as Stripe writes one (amount signed, fee positive, net = amount - fee). */
  balanceTransaction(type: string, amount: number, fee: number, currency: string, source: StripeBalanceTransaction['source']): StripeBalanceTransaction {
    return {
      id: this.ids.next('txn_'),
      object: 'balance_transaction',
      amount,
      fee,
      net: amount - fee,
      currency,
      created: this.clock,
      available_on: this.clock + 2 * 86400,
      status: 'pending',
      type,
      reporting_category: type,
      description: null,
      source,
    };
  }

  /** `GET /v1/balance_transactions`: created[gte]/[lt], newest first (ties by id, descending), limit (1-100) and starting_after, expand[]=data.source. */
  private listBalance(params: Params): FakeAnswer {
    const created = (params['created'] ?? {}) as Record<string, string>;
    const limit = params['limit'] ? Number(str(params['limit'])) : 10;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) return invalid('limit', 'Invalid integer: must be between 1 and 100');
    const bound = (name: string) => (created[name] === undefined ? undefined : Number(created[name]));
    const [gte, gt, lte, lt] = [bound('gte'), bound('gt'), bound('lte'), bound('lt')];
    const all = this.balance
      .lines()
      .filter((t) => (gte === undefined || t.created >= gte) && (gt === undefined || t.created > gt))
      .filter((t) => (lte === undefined || t.created <= lte) && (lt === undefined || t.created < lt))
      .sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1));
    const after = str(params['starting_after']);
    const start = after ? all.findIndex((t) => t.id === after) + 1 : 0;
    if (after && start === 0) return missing('balance_transaction', after);
    const expand = Object.values((params['expand'] ?? {}) as Record<string, string>).includes('data.source');
    const page = all.slice(start, start + limit).map((t) => (expand && typeof t.source === 'string' ? { ...t, source: this.sourceObject(t.source) } : t));
    return { status: 200, body: { object: 'list', data: page, has_more: start + limit < all.length, url: '/v1/balance_transactions' } };
  }

  private sourceObject(id: string): unknown {
    return this.chargeObjects.get(id) ?? this.refunds.get(id) ?? id;
  }

  private event(type: string, object: object): StripeEvent {
    return {
      id: this.ids.next('evt_'),
      object: 'event',
      type,
      created: this.clock,
      api_version: '2025-01-27',
      livemode: false,
      data: { object: structuredClone(object) as Record<string, unknown> },
    };
  }

  private mustGet(id: string): StripeIntent {
    const intent = this.intents.get(id);
    if (!intent) throw new Error(`stripe fake: no intent ${id}`);
    return intent;
  }
}

type Params = Record<string, unknown>;

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function missing(kind: string, id: string): FakeAnswer {
  return { status: 404, body: { error: { type: 'invalid_request_error', code: 'resource_missing', param: 'id', message: `No such ${kind}: '${id}'` } } };
}

function invalid(param: string, message: string): FakeAnswer {
  return { status: 400, body: { error: { type: 'invalid_request_error', code: 'parameter_invalid', param, message } } };
}

/** Stripe's form encoding: `a=1&metadata[payment_id]=x&expand[0]=y` → nested objects. */
export function parseForm(text: string): Params {
  const out: Params = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const parts = rawKey.split(/\[|\]\[|\]/).filter((p) => p !== '');
    let node = out;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) node[part] = value;
      else node = (node[part] ??= {}) as Params;
    });
  }
  return out;
}
