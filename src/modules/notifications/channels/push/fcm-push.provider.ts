import type { FcmConfig } from '@modules/notifications/notifications.config';
import type { ChannelProvider, OutboundMessage, SendOutcome } from '../channel-provider';
import { jsonOf, post, retryAfterMs, since, type HttpAnswer } from '../provider-http';
import type { DeadTokenSink } from './device-token.repository';
import { AccessTokenError, FcmAccessTokens } from './fcm-access-tokens';

/** FCM registration tokens: URL-safe base64 and colons, about 150-250 characters today. */
const FCM_TOKEN = /^[A-Za-z0-9_:-]{20,4096}$/;

interface FcmErrorBody {
  error?: { code?: unknown; status?: unknown; details?: Array<{ '@type'?: unknown; errorCode?: unknown; fieldViolations?: Array<{ field?: unknown }> }> };
}

/**
 * Push through the FCM HTTP v1 API: POST /v1/projects/{project}/messages:send with an
 * OAuth 2.0 bearer token of the service account. FCM's answer is mapped to an outcome by
 * its FcmError code (https://firebase.google.com/docs/reference/fcm/rest/v1/ErrorCode); a
 * token FCM calls unregistered, invalid or of another sender is reported dead.
 */
export class FcmPushProvider implements ChannelProvider {
  readonly name = 'fcm';
  readonly channel = 'push' as const;
  private readonly tokens: FcmAccessTokens;

  constructor(
    private readonly config: FcmConfig,
    private readonly deadTokens: DeadTokenSink,
    private readonly timeoutMs: number,
  ) {
    this.tokens = new FcmAccessTokens(config, timeoutMs);
  }

  async send(message: OutboundMessage): Promise<SendOutcome> {
    if (message.channel !== 'push' || message.platform !== 'fcm') throw new Error(`fcm sends push to FCM tokens, not ${message.channel}/${message.platform}`);
    const started = performance.now();
    if (!FCM_TOKEN.test(message.to)) return this.dead(message.to, 'not an FCM registration token', started);
    const body = JSON.stringify({
      message: {
        token: message.to,
        notification: { ...(message.subject ? { title: message.subject } : {}), body: message.text },
        ...(message.data && Object.keys(message.data).length > 0 ? { data: message.data } : {}),
      },
    });
    let refused: string | undefined;
    for (let attempt = 0; ; attempt++) {
      let token: string;
      try {
        token = await this.tokens.get(refused);
      } catch (error) {
        if (error instanceof AccessTokenError) return { kind: 'transient', reason: error.message, latencyMs: since(started) };
        throw error;
      }
      const answer = await post(
        `${this.config.baseUrl}/v1/projects/${this.config.projectId}/messages:send`,
        { headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8', accept: 'application/json' }, body },
        this.timeoutMs,
      );
      if (answer.kind === 'failure') return { kind: 'transient', reason: `fcm ${answer.reason}: ${answer.detail}`, latencyMs: since(started) };
      // An access token FCM no longer takes (revoked, expired early): one fresh token, one more try.
      if (answer.status === 401 && errorCodeOf(answer) === 'UNAUTHENTICATED') {
        if (attempt === 0) {
          refused = token;
          continue;
        }
        return { kind: 'transient', reason: 'fcm refused a fresh access token (401 UNAUTHENTICATED)', latencyMs: since(started) };
      }
      const mapped = outcomeOf(answer);
      if (mapped.kind === 'permanent' && mapped.dead) return this.dead(message.to, mapped.reason, started);
      return { ...mapped, latencyMs: since(started) };
    }
    return { kind: 'transient', reason: 'fcm refused a fresh access token (401 UNAUTHENTICATED)', latencyMs: since(started) };
  }

  private async dead(token: string, reason: string, started: number): Promise<SendOutcome> {
    await this.deadTokens.markDead('fcm', token, reason);
    return { kind: 'permanent', reason, latencyMs: since(started) };
  }
}

type Mapped =
  | { kind: 'accepted'; providerMessageId: string }
  | { kind: 'transient'; reason: string; retryAfterMs?: number }
  | { kind: 'permanent'; reason: string; dead: boolean };

function errorCodeOf(answer: HttpAnswer): string | undefined {
  const error = (jsonOf(answer.text) as FcmErrorBody | undefined)?.error;
  if (!error || typeof error !== 'object') return undefined;
  const fcm = error.details?.find((d) => d?.['@type'] === 'type.googleapis.com/google.firebase.fcm.v1.FcmError');
  const code = typeof fcm?.errorCode === 'string' ? fcm.errorCode : typeof error.status === 'string' ? error.status : undefined;
  return code && /^[A-Z_]{1,40}$/.test(code) ? code : undefined;
}

/** An FCM answer as an outcome (without its latency). */
export function outcomeOf(answer: HttpAnswer): Mapped {
  const { status } = answer;
  const retryAfter = retryAfterMs(answer.headers.get('retry-after'));
  const later = (reason: string): Mapped => ({ kind: 'transient', reason, ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}) });
  if (status === 200) {
    const body = jsonOf(answer.text) as { name?: unknown } | undefined;
    if (body && typeof body.name === 'string' && /^projects\/[^/]+\/messages\/[^/\s]+$/.test(body.name))
      return { kind: 'accepted', providerMessageId: body.name };
    return later('fcm answered 200 without a message name (unreadable body; the message may have been sent)');
  }
  const code = errorCodeOf(answer);
  const named = `fcm ${code ?? 'error'} (HTTP ${status})`;
  if (!code) return later(`fcm answered ${status} with an unreadable body`);
  switch (code) {
    case 'UNREGISTERED':
    case 'NOT_FOUND':
    case 'SENDER_ID_MISMATCH':
      return { kind: 'permanent', reason: named, dead: true };
    case 'INVALID_ARGUMENT': {
      // INVALID_ARGUMENT is also FCM's answer to a bad payload: the token is dead only when it is the field FCM names (or none is named).
      const violations = (jsonOf(answer.text) as FcmErrorBody).error?.details?.flatMap((d) => d?.fieldViolations ?? []) ?? [];
      const fields = violations.map((v) => v?.field).filter((f): f is string => typeof f === 'string');
      const tokenAtFault = fields.length === 0 || fields.includes('message.token');
      return { kind: 'permanent', reason: tokenAtFault ? named : `${named}: payload refused`, dead: tokenAtFault };
    }
    case 'QUOTA_EXCEEDED':
    case 'UNAVAILABLE':
    case 'INTERNAL':
    case 'THIRD_PARTY_AUTH_ERROR':
    case 'UNAUTHENTICATED':
    case 'PERMISSION_DENIED':
      return later(named);
    default:
      return status === 429 || status >= 500 ? later(named) : { kind: 'permanent', reason: named, dead: false };
  }
}
