import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { answerScripted, close, listen, Script, sendJson } from './local-server';
import type { FaultPlan, RequestFaults } from './payment-faults';

/*
 * What the payment-provider fakes (stripe-fake.ts, adyen-fake.ts, paypal-fake.ts) share:
 * scripted answers BEFORE the work (local-server's Script: a 5xx, a hang), faults AFTER the
 * work (the charge is made and recorded, then the answer never comes, the socket is dropped
 * mid-response, or a 5xx is sent instead), an idempotency store (same key and same request →
 * the same answer, no second charge; same key and another request → the provider's error),
 * and webhook delivery (manual, right after the answer, or before the answer) with every
 * delivery recorded.
 */

export type AfterWork = 'hang' | 'drop' | { readonly status: number };

export type WebhookMode = 'manual' | 'after' | 'before';

export interface SignedWebhook {
  readonly body: Buffer;
  readonly headers: Record<string, string>;
}

export interface Delivery {
  readonly status: number;
  readonly body: string;
}

interface Stored {
  readonly fingerprint: string;
  readonly status: number;
  readonly body: unknown;
}

export abstract class PaymentProviderFake<Event> {
  /** Answers given before any work (then the fake behaves normally again). */
  readonly script = new Script();
  /** Requests seen: method, path and the idempotency key they carried. */
  readonly requests: Array<{ method: string; path: string; idempotencyKey?: string }> = [];
  /** Every event the fake generated, in order. */
  readonly events: Event[] = [];
  /** Where webhooks go (the app's route or a test receiver); `mode` says when. */
  webhookUrl?: string;
  webhookMode: WebhookMode = 'manual';
  readonly deliveries: Delivery[] = [];
  /** A fixed delay before each answer (ms), like a real provider's network and processing time (benchmarks). */
  latencyMs = 0;
  url = '';
  /** Seeded random faults on every request and webhook (payment-faults.ts); unset: none. Webhooks are then sent automatically. */
  faults?: FaultPlan;
  private server?: Server;
  private readonly afterWork: AfterWork[] = [];
  private readonly idempotency = new Map<string, Stored>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private closing = false;

  async start(): Promise<this> {
    const { server, url } = await listen((req, res, body) => this.route(req, res, body));
    this.server = server;
    this.url = url;
    return this;
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.settled();
    if (this.server) await close(this.server);
  }

  /** The next state-changing requests do their work, then answer like this (a timeout after the work, a dropped socket, a 5xx). */
  afterTheWork(...faults: AfterWork[]): void {
    this.afterWork.push(...faults);
  }

  /** Waits for webhooks sent in the background ('after' mode). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Delivers an event to webhookUrl, `times` times (duplicates), signed as the provider signs. */
  async deliver(event: Event, options: { times?: number; to?: string } = {}): Promise<Delivery[]> {
    const to = options.to ?? this.webhookUrl;
    if (!to) throw new Error('payment fake: no webhookUrl to deliver to');
    const out: Delivery[] = [];
    for (let i = 0; i < (options.times ?? 1); i++) {
      const signed = this.sign(event);
      const response = await fetch(to, { method: 'POST', headers: signed.headers, body: signed.body });
      const delivery = { status: response.status, body: await response.text() };
      this.deliveries.push(delivery);
      out.push(delivery);
    }
    return out;
  }

  /**
   * Sends an event the provider generated outside an API call (the buyer approved, a payment
   * settled) in the background, under the fault plan when one is set (`identity` names it for
   * the plan: lost, late or twice; no answer to be early to).
   */
  notify(event: Event, identity: string): void {
    const fault = this.faults?.webhook(identity, 0) ?? 'normal';
    if (fault === 'lost') return;
    const delivery = (async () => {
      if (fault === 'late') await new Promise((r) => setTimeout(r, this.faults!.lateDelayMs(identity)));
      await this.deliverFaulted(event, fault === 'twice' ? 2 : 1);
    })().catch(() => undefined);
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }

  /** The event as the provider would post it: raw body and signature headers. */
  abstract sign(event: Event, options?: Record<string, unknown>): SignedWebhook;

  protected abstract handle(req: IncomingMessage, body: Buffer): Promise<FakeAnswer>;

  /** Records a generated event and, per the webhook mode, delivers it before or after the answer. */
  protected emit(events: Event[], answer: FakeAnswer): FakeAnswer {
    this.events.push(...events);
    return { ...answer, events: [...(answer.events ?? []), ...events] };
  }

  /** Runs `work` once per idempotency key; a replay with the same request answers the stored answer. */
  protected async idempotent(
    key: string | undefined,
    fingerprint: string,
    mismatch: () => FakeAnswer,
    work: () => Promise<FakeAnswer> | FakeAnswer,
  ): Promise<FakeAnswer> {
    if (!key) return work();
    const stored = this.idempotency.get(key);
    if (stored) return stored.fingerprint === fingerprint ? { status: stored.status, body: stored.body, replayed: true } : mismatch();
    const answer = await work();
    // like the providers, only answers that did something are kept (a 5xx before the work is not)
    if (answer.status < 500) this.idempotency.set(key, { fingerprint, status: answer.status, body: answer.body });
    return answer;
  }

  /**
   * The answer under the seeded fault plan: after the work (only for a request that changed
   * something and was not a replay) a hang, a dropped socket or a 5xx; each event it
   * generated delivered early (before the answer), late (after a delay, so behind later
   * events), twice, or never. Deliveries that fail (the app is down) are retried a few times,
   * as providers do.
   */
  private async answerWithFaults(plan: FaultPlan, request: RequestFaults, res: ServerResponse, answer: FakeAnswer, events: Event[]): Promise<void> {
    const webhooks = this.webhookUrl ? events.map((event, i) => ({ event, fault: plan.webhook(request.identity, i) })) : [];
    for (const w of webhooks) if (w.fault === 'early') await this.deliverFaulted(w.event, 1).catch(() => undefined);
    const after = answer.changed && !answer.replayed ? request.after : undefined;
    if (after) plan.count(`after_${after}`);
    if (after === 'hang') {
      // the work is done; the answer never comes (the client times out)
    } else if (after === 'drop') {
      res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': '4096' });
      res.write(JSON.stringify(answer.body).slice(0, 10));
      res.socket?.destroy();
    } else if (after === '5xx') {
      sendJson(res, 502, { error: { type: 'api_error', message: 'fake: failed after the work' } });
    } else {
      sendJson(res, answer.status, answer.body, answer.headers);
    }
    for (const w of webhooks) {
      if (w.fault === 'early' || w.fault === 'lost') continue;
      const delivery = (async () => {
        if (w.fault === 'late') await new Promise((r) => setTimeout(r, plan.lateDelayMs(request.identity)));
        await this.deliverFaulted(w.event, w.fault === 'twice' ? 2 : 1);
      })().catch(() => undefined);
      this.inFlight.add(delivery);
      void delivery.finally(() => this.inFlight.delete(delivery));
    }
  }

  /** Delivers `times` times; a failed delivery (refused, 5xx) is retried after a pause, up to the plan's retries. */
  private async deliverFaulted(event: Event, times: number): Promise<void> {
    const retries = this.faults?.rates.deliveryRetries ?? 0;
    for (let i = 0; i < times; i++) {
      for (let attempt = 0; ; attempt++) {
        const ok = await this.deliver(event)
          .then((d) => d.every((x) => x.status < 300))
          .catch(() => false);
        if (ok || attempt >= retries || this.closing) break;
        await new Promise((r) => setTimeout(r, 250 * 2 ** Math.min(attempt, 4)));
      }
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const key = (req.headers['idempotency-key'] ?? req.headers['paypal-request-id']) as string | undefined;
    this.requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', ...(key ? { idempotencyKey: key } : {}) });
    if (!(req.url ?? '').startsWith('/v1/oauth2/') && answerScripted(this.script, res)) return;
    const plan = this.faults;
    const request = plan && !PLUMBING.test(req.url ?? '') ? plan.request(req.method ?? 'GET', req.url ?? '/', key) : undefined;
    if (request?.before5xx) return sendJson(res, 503, { error: { type: 'api_error', message: 'fake: unavailable (before the work)' } });
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const answer = await this.handle(req, body);
    const events = (answer.replayed ? [] : (answer.events ?? [])) as Event[];
    if (plan && request) return this.answerWithFaults(plan, request, res, answer, events);
    if (this.webhookMode === 'before' && this.webhookUrl) for (const event of events) await this.deliver(event);
    const fault = req.method !== 'GET' && !answer.replayed && answer.changed ? this.afterWork.shift() : undefined;
    if (fault === 'hang') {
      // the work is done; the answer never comes (the client times out)
    } else if (fault === 'drop') {
      res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': '4096' });
      res.write(JSON.stringify(answer.body).slice(0, 10));
      res.socket?.destroy();
    } else if (fault) {
      sendJson(res, fault.status, { error: { type: 'api_error', message: 'fake: failed after the work' } });
    } else {
      sendJson(res, answer.status, answer.body, answer.headers);
    }
    if (this.webhookMode === 'after' && this.webhookUrl) {
      for (const event of events) {
        const delivery = this.deliver(event).catch(() => undefined);
        this.inFlight.add(delivery);
        void delivery.finally(() => this.inFlight.delete(delivery));
      }
    }
  }
}

/** Requests that are the fake's plumbing, not the provider's payment API: never faulted (tokens, certificates, webhook verification). */
const PLUMBING = /^\/v1\/(oauth2|notifications)\//;

export interface FakeAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
  /** The request changed state at the provider (after-work faults apply only then). */
  readonly changed?: boolean;
  readonly replayed?: boolean;
  readonly events?: readonly unknown[];
}

/** Deterministic ids: prefix and a counter per fake. */
export class Ids {
  private n = 0;
  next(prefix: string): string {
    this.n++;
    return `${prefix}${String(this.n).padStart(14, '0')}`;
  }
}

/** A port nothing listens on (bound, then closed): a provider that refuses connections. */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:http');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
