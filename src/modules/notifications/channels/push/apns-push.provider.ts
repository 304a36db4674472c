import { connect, constants, type ClientHttp2Session } from 'node:http2';
import type { ApnsConfig } from '@modules/notifications/notifications.config';
import type { ChannelProvider, OutboundMessage, SendOutcome } from '../channel-provider';
import { jsonOf, retryAfterMs, since } from '../provider-http';
import { ApnsProviderTokens } from './apns-provider-tokens';
import type { DeadTokenSink } from './device-token.repository';

/** APNs device tokens are hex (32 bytes today; Apple says not to rely on the length). */
const APNS_TOKEN = /^[0-9a-fA-F]{64,200}$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** APNs refuses alert payloads over 4 KiB (413 PayloadTooLarge): refused here before any request. */
export const MAX_APNS_PAYLOAD_BYTES = 4096;

interface ApnsAnswer {
  readonly status: number;
  readonly apnsId?: string;
  readonly retryAfter?: string;
  readonly text: string;
}

/**
 * Push through APNs' provider API: HTTP/2 (one connection, reused, reopened when the server
 * or the network ends it), token-based authentication, POST /3/device/{token}. Answers are
 * mapped by APNs' `reason` (https://developer.apple.com/documentation/usernotifications/handling-notification-responses-from-apns);
 * a token APNs calls bad or unregistered is reported dead.
 */
export class ApnsPushProvider implements ChannelProvider {
  readonly name = 'apns';
  readonly channel = 'push' as const;
  private readonly tokens: ApnsProviderTokens;
  private session?: ClientHttp2Session;

  constructor(
    private readonly config: ApnsConfig,
    private readonly deadTokens: DeadTokenSink,
    private readonly timeoutMs: number,
    /** The clock of provider-token refreshes (a test's, to cross 20 minutes without waiting them). */
    now: () => number = Date.now,
  ) {
    this.tokens = new ApnsProviderTokens(config, now);
  }

  async send(message: OutboundMessage): Promise<SendOutcome> {
    if (message.channel !== 'push' || message.platform !== 'apns')
      throw new Error(`apns sends push to APNs tokens, not ${message.channel}/${message.platform}`);
    const started = performance.now();
    if (!APNS_TOKEN.test(message.to)) return this.dead(message.to, 'not an APNs device token', started);
    const { aps: _ignored, ...data } = message.data ?? {};
    const payload = JSON.stringify({
      aps: { alert: { ...(message.subject ? { title: message.subject } : {}), body: message.text }, sound: 'default' },
      ...data,
    });
    if (Buffer.byteLength(payload) > MAX_APNS_PAYLOAD_BYTES) {
      return { kind: 'permanent', reason: `payload over ${MAX_APNS_PAYLOAD_BYTES} bytes`, latencyMs: since(started) };
    }
    let expired: string | undefined;
    for (let attempt = 0; ; attempt++) {
      const token = await this.tokens.get(expired);
      const answer = await this.request(message, token.toString(), payload);
      if ('failure' in answer) return { kind: 'transient', reason: `apns ${answer.failure}`, latencyMs: since(started) };
      const reason = reasonOf(answer.text);
      if (answer.status === 403 && reason === 'ExpiredProviderToken' && attempt === 0) {
        expired = token;
        continue;
      }
      const mapped = outcomeOf(answer, reason, message.messageId);
      if (mapped.kind === 'permanent' && mapped.dead) return this.dead(message.to, mapped.reason, started);
      return { ...mapped, latencyMs: since(started) };
    }
    return { kind: 'transient', reason: 'apns refused a fresh provider token (403 ExpiredProviderToken)', latencyMs: since(started) };
  }

  /** Ends the HTTP/2 connection (at shutdown; it never holds the process open meanwhile). */
  close(): void {
    this.session?.close();
    this.session = undefined;
  }

  private connection(): ClientHttp2Session {
    if (this.session && !this.session.closed && !this.session.destroyed) return this.session;
    const session = connect(this.config.baseUrl, { ...(this.config.caPem ? { ca: this.config.caPem } : {}) });
    const forget = () => {
      if (this.session === session) this.session = undefined;
    };
    session.on('error', forget);
    session.on('close', forget);
    session.on('goaway', forget);
    session.unref();
    this.session = session;
    return session;
  }

  private request(message: OutboundMessage, token: string, payload: string): Promise<ApnsAnswer | { failure: string }> {
    return new Promise((resolve) => {
      let session: ClientHttp2Session;
      try {
        session = this.connection();
      } catch (error) {
        resolve({ failure: `connection failed: ${(error as Error).name}` });
        return;
      }
      const expiration = this.config.expirationSeconds === 0 ? 0 : Math.floor(Date.now() / 1000) + this.config.expirationSeconds;
      const stream = session.request({
        [constants.HTTP2_HEADER_METHOD]: 'POST',
        [constants.HTTP2_HEADER_PATH]: `/3/device/${message.to}`,
        authorization: `bearer ${token}`,
        'apns-topic': this.config.topic,
        'apns-push-type': 'alert',
        ...(UUID.test(message.messageId) ? { 'apns-id': message.messageId.toLowerCase() } : {}),
        'apns-expiration': String(expiration),
        'apns-priority': '10',
        'content-type': 'application/json',
      });
      let settled = false;
      const finish = (result: ApnsAnswer | { failure: string }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const timer = setTimeout(() => {
        stream.close(constants.NGHTTP2_CANCEL);
        finish({ failure: `timeout: no answer within ${this.timeoutMs} ms` });
      }, this.timeoutMs);
      let status = 0;
      let apnsId: string | undefined;
      let retryAfter: string | undefined;
      const chunks: Buffer[] = [];
      stream.on('response', (headers) => {
        status = Number(headers[constants.HTTP2_HEADER_STATUS]);
        apnsId = typeof headers['apns-id'] === 'string' ? headers['apns-id'] : undefined;
        retryAfter = typeof headers['retry-after'] === 'string' ? headers['retry-after'] : undefined;
      });
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () =>
        finish(status ? { status, apnsId, retryAfter, text: Buffer.concat(chunks).toString('utf8') } : { failure: 'network: stream ended without an answer' }),
      );
      stream.on('error', (error: Error & { code?: string }) => finish({ failure: `network: ${error.code ?? error.name}` }));
      stream.on('close', () => finish({ failure: 'network: stream closed without an answer' }));
      stream.end(payload);
    });
  }

  private async dead(token: string, reason: string, started: number): Promise<SendOutcome> {
    await this.deadTokens.markDead('apns', token, reason);
    return { kind: 'permanent', reason, latencyMs: since(started) };
  }
}

type Mapped =
  | { kind: 'accepted'; providerMessageId: string }
  | { kind: 'transient'; reason: string; retryAfterMs?: number }
  | { kind: 'permanent'; reason: string; dead: boolean };

function reasonOf(text: string): string | undefined {
  const reason = (jsonOf(text) as { reason?: unknown } | undefined)?.reason;
  return typeof reason === 'string' && /^[A-Za-z]{1,60}$/.test(reason) ? reason : undefined;
}

/** Reasons that say this token will never take a push from this app. */
const DEAD = new Set(['BadDeviceToken', 'Unregistered', 'DeviceTokenNotForTopic', 'ExpiredToken']);
/** Reasons about our setup (key, topic, environment), not the message: retried later, after an operator fixed it. */
const SETUP = new Set([
  'BadTopic',
  'MissingTopic',
  'TopicDisallowed',
  'BadCertificate',
  'BadCertificateEnvironment',
  'InvalidProviderToken',
  'MissingProviderToken',
  'ExpiredProviderToken',
  'Forbidden',
]);

/** An APNs answer as an outcome (without its latency). */
export function outcomeOf(answer: ApnsAnswer, reason: string | undefined, messageId: string): Mapped {
  const { status } = answer;
  if (status === 200) return { kind: 'accepted', providerMessageId: answer.apnsId ?? messageId };
  const retryAfter = retryAfterMs(answer.retryAfter);
  const later = (why: string): Mapped => ({ kind: 'transient', reason: why, ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}) });
  const named = `apns ${reason ?? 'error'} (HTTP ${status})`;
  if (!reason) return later(`apns answered ${status} with an unreadable body`);
  if (DEAD.has(reason) || status === 410) return { kind: 'permanent', reason: named, dead: true };
  if (status === 429 || status >= 500 || SETUP.has(reason)) return later(named);
  return { kind: 'permanent', reason: named, dead: false };
}
