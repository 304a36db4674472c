import { createHash } from 'node:crypto';

/*
 * Seeded random faults for the payment-provider fakes (payment-fake-base.ts): per request a
 * 5xx before the work, or after the work a hang (the client times out), a dropped socket or a
 * 5xx; per webhook a delivery twice, late (behind later events), before the API answer, or
 * never. Each decision is a hash of the seed and what the request is (method, path, the
 * idempotency key, and how many times that same request was seen), not of arrival order: the
 * same seed hits the same payments with the same faults however the requests interleave, so
 * a failing run is replayed by giving its seed again (when the payment ids are derived from
 * the seed too, as in payments-faults.e2e-spec.ts).
 */

export interface FaultRates {
  /** Per request: 503 before doing anything. */
  readonly before5xx: number;
  /** Per request that changed something: the work is done, then the answer never comes. */
  readonly hangAfter: number;
  /** … the socket is dropped mid-answer. */
  readonly dropAfter: number;
  /** … a 502 is sent instead of the answer. */
  readonly after5xx: number;
  /** Per webhook: delivered twice. */
  readonly webhookTwice: number;
  /** … delivered after a delay (out of order with the events after it). */
  readonly webhookLate: number;
  /** … delivered before the API answer is sent. */
  readonly webhookEarly: number;
  /** … never delivered. */
  readonly webhookLost: number;
  /** Longest delay of a late webhook, ms. */
  readonly lateMaxMs: number;
  /** How often a delivery the receiver did not accept is retried (providers retry; a lost webhook is never sent at all). */
  readonly deliveryRetries: number;
}

export type AfterWorkFault = 'hang' | 'drop' | '5xx';
export type WebhookFault = 'twice' | 'late' | 'early' | 'lost' | 'normal';

export interface RequestFaults {
  /** What identifies the request for later decisions (its webhooks). */
  readonly identity: string;
  readonly before5xx: boolean;
  readonly after?: AfterWorkFault;
}

export const DEFAULT_FAULT_RATES: FaultRates = {
  before5xx: 0.05,
  hangAfter: 0.03,
  dropAfter: 0.03,
  after5xx: 0.03,
  webhookTwice: 0.1,
  webhookLate: 0.1,
  webhookEarly: 0.1,
  webhookLost: 0.1,
  lateMaxMs: 1500,
  deliveryRetries: 8,
};

export class FaultPlan {
  /** Faults injected so far, by kind (before_5xx, after_hang, webhook_lost, …). */
  readonly injected: Record<string, number> = {};
  private readonly seen = new Map<string, number>();

  constructor(
    readonly seed: string,
    readonly rates: FaultRates = DEFAULT_FAULT_RATES,
  ) {}

  /** The faults of one request (its nth occurrence). A 5xx before the work counts now; after-work faults count when they apply. */
  request(method: string, path: string, idempotencyKey: string | undefined): RequestFaults {
    const base = `${method} ${path.split('?')[0]} ${idempotencyKey ?? ''}`;
    const n = (this.seen.get(base) ?? 0) + 1;
    this.seen.set(base, n);
    const identity = `${base} #${n}`;
    const before5xx = this.draw(identity, 'before') < this.rates.before5xx;
    if (before5xx) this.count('before_5xx');
    const r = this.draw(identity, 'after');
    const { hangAfter, dropAfter, after5xx } = this.rates;
    const after: AfterWorkFault | undefined =
      r < hangAfter ? 'hang' : r < hangAfter + dropAfter ? 'drop' : r < hangAfter + dropAfter + after5xx ? '5xx' : undefined;
    return { identity, before5xx, ...(after && method !== 'GET' ? { after } : {}) };
  }

  /** What happens to the index-th webhook a request generated. */
  webhook(identity: string, index: number): WebhookFault {
    const r = this.draw(identity, `webhook:${index}`);
    const { webhookLost, webhookEarly, webhookLate, webhookTwice } = this.rates;
    const fault: WebhookFault =
      r < webhookLost
        ? 'lost'
        : r < webhookLost + webhookEarly
          ? 'early'
          : r < webhookLost + webhookEarly + webhookLate
            ? 'late'
            : r < webhookLost + webhookEarly + webhookLate + webhookTwice
              ? 'twice'
              : 'normal';
    if (fault !== 'normal') this.count(`webhook_${fault}`);
    return fault;
  }

  lateDelayMs(identity: string): number {
    return Math.round(100 + this.draw(identity, 'delay') * Math.max(0, this.rates.lateMaxMs - 100));
  }

  count(kind: string): void {
    this.injected[kind] = (this.injected[kind] ?? 0) + 1;
  }

  /** A number in [0, 1) from the seed, the request and what is decided. */
  private draw(identity: string, what: string): number {
    const digest = createHash('sha256').update(`${this.seed}\u0000${identity}\u0000${what}`).digest();
    return digest.readUInt32BE(0) / 2 ** 32;
  }
}

/** Several fakes' plans, summed (for the run's figures). */
export function injectedFaults(plans: readonly FaultPlan[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const plan of plans) for (const [kind, n] of Object.entries(plan.injected)) total[kind] = (total[kind] ?? 0) + n;
  return total;
}
