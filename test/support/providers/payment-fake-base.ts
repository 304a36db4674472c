import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { answerScripted, close, listen, Script, sendJson } from './local-server';

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
  private server?: Server;
  private readonly afterWork: AfterWork[] = [];
  private readonly idempotency = new Map<string, Stored>();
  private readonly inFlight = new Set<Promise<unknown>>();

  async start(): Promise<this> {
    const { server, url } = await listen((req, res, body) => this.route(req, res, body));
    this.server = server;
    this.url = url;
    return this;
  }

  async close(): Promise<void> {
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

  private async route(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const key = (req.headers['idempotency-key'] ?? req.headers['paypal-request-id']) as string | undefined;
    this.requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', ...(key ? { idempotencyKey: key } : {}) });
    if (!(req.url ?? '').startsWith('/v1/oauth2/') && answerScripted(this.script, res)) return;
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const answer = await this.handle(req, body);
    const events = (answer.replayed ? [] : (answer.events ?? [])) as Event[];
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
