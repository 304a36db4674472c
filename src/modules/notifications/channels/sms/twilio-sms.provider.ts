import type { TwilioAccountConfig } from '@modules/notifications/notifications.config';
import type { ChannelProvider, OutboundMessage, SendOutcome } from '../channel-provider';
import { jsonOf, post, retryAfterMs, since, type HttpAnswer } from '../provider-http';
import { TWILIO_ERRORS } from './twilio-errors';

/** Twilio takes up to 1,600 characters (it splits them into segments); more is refused before any request. */
export const MAX_SMS_LENGTH = 1600;
const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * SMS through Twilio's Programmable Messaging REST API: one POST of a form to
 * /2010-04-01/Accounts/{AccountSid}/Messages.json with HTTP Basic auth, and its answer mapped
 * to an outcome (see twilio-errors.ts for the codes). Twilio has no idempotency key for
 * messages: an answer lost after Twilio took the message (a timeout, an unreadable 2xx) is
 * transient, and a retry may send it twice; the reason says so.
 */
export class TwilioSmsProvider implements ChannelProvider {
  readonly channel = 'sms' as const;
  readonly name: string;
  private readonly authorization: string;

  constructor(
    private readonly account: TwilioAccountConfig,
    private readonly options: { readonly statusCallbackUrl?: string; readonly timeoutMs: number },
  ) {
    this.name = account.name;
    this.authorization = `Basic ${Buffer.from(`${account.username}:${account.password}`).toString('base64')}`;
  }

  async send(message: OutboundMessage): Promise<SendOutcome> {
    if (message.channel !== 'sms') throw new Error(`${this.name} sends SMS, not ${message.channel}`);
    const started = performance.now();
    if (!E164.test(message.to)) return { kind: 'permanent', reason: 'recipient is not an E.164 phone number', latencyMs: 0 };
    if (message.text.length === 0) return { kind: 'permanent', reason: 'empty message', latencyMs: 0 };
    if (message.text.length > MAX_SMS_LENGTH) return { kind: 'permanent', reason: `message longer than ${MAX_SMS_LENGTH} characters`, latencyMs: 0 };

    const form = new URLSearchParams({ To: message.to, Body: message.text });
    if (this.account.messagingServiceSid) form.set('MessagingServiceSid', this.account.messagingServiceSid);
    else form.set('From', this.account.from!);
    if (this.options.statusCallbackUrl) form.set('StatusCallback', this.options.statusCallbackUrl);

    const answer = await post(
      `${this.account.baseUrl}/2010-04-01/Accounts/${this.account.accountSid}/Messages.json`,
      {
        headers: { authorization: this.authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
      },
      this.options.timeoutMs,
    );
    if (answer.kind === 'failure') {
      return { kind: 'transient', reason: `twilio ${answer.reason}: ${answer.detail} (the message may have been sent)`, latencyMs: since(started) };
    }
    return { ...outcomeOf(answer), latencyMs: since(started) };
  }
}

type Mapped =
  { kind: 'accepted'; providerMessageId: string } | { kind: 'transient'; reason: string; retryAfterMs?: number } | { kind: 'permanent'; reason: string };

/** A Twilio answer as an outcome (without its latency). */
export function outcomeOf(answer: HttpAnswer): Mapped {
  const { status } = answer;
  const body = jsonOf(answer.text) as { sid?: unknown; code?: unknown; status?: unknown } | undefined;
  const retryAfter = retryAfterMs(answer.headers.get('retry-after'));
  const later = (reason: string): Mapped => ({ kind: 'transient', reason, ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}) });

  if (status >= 200 && status < 300) {
    if (body && typeof body.sid === 'string' && /^(SM|MM)[0-9a-fA-F]{32}$/.test(body.sid)) return { kind: 'accepted', providerMessageId: body.sid };
    return later(`twilio answered ${status} without a message SID (unreadable body; the message may have been sent)`);
  }
  const code = body && typeof body.code === 'number' && Number.isInteger(body.code) ? body.code : undefined;
  const known = code === undefined ? undefined : TWILIO_ERRORS[code];
  const named = code === undefined ? `twilio HTTP ${status}` : `twilio ${code}${known ? `: ${known.says}` : ''} (HTTP ${status})`;

  if (status === 429 || status >= 500) return later(named);
  if (code === undefined) return later(`twilio answered ${status} with an unreadable body`);
  if (known?.class === 'busy' || known?.class === 'account') return later(named);
  if (status === 401 || status === 403 || status === 404) return later(named);
  // A recipient or content error, or a 4xx Twilio did not document: the same request would be refused again.
  return { kind: 'permanent', reason: named };
}
