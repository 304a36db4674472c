/*
 * The port every delivery channel's provider implements (SMTP, Twilio, FCM, APNs, the
 * development mailbox, ...). The dispatcher renders a message, picks the providers of its
 * channel in order (primary, then secondary: failover) and records each attempt's outcome in
 * the message's status timeline. A provider never throws for an answer it understood: it
 * maps the provider's reply to an outcome; it throws only for its own bugs.
 */

/** The channels a message can go out on. */
export type ChannelKind = 'email' | 'sms' | 'push' | 'in_app' | 'webhook';

/** A rendered message, ready for one provider. Personal data lives only here, in memory, at send time. */
export interface OutboundMessage {
  /** The notifications context's message id: providers use it as their idempotency key where they have one. */
  readonly messageId: string;
  readonly channel: ChannelKind;
  /** Email address, E.164 phone number or device token, as the channel needs. */
  readonly to: string;
  /** For push: which platform the device token belongs to. */
  readonly platform?: 'fcm' | 'apns';
  readonly subject?: string;
  readonly html?: string;
  readonly text: string;
  /** Small key/value data for push payloads (no personal data). */
  readonly data?: Readonly<Record<string, string>>;
}

/** What one attempt at a provider came to. */
export type SendOutcome =
  /** Accepted by the provider; `delivered` when the provider confirms delivery in the same answer. */
  | { readonly kind: 'accepted'; readonly providerMessageId: string; readonly delivered?: boolean; readonly latencyMs: number }
  /** Worth trying again later (5xx, timeouts, rate limits): `retryAfterMs` when the provider said when. */
  | { readonly kind: 'transient'; readonly reason: string; readonly retryAfterMs?: number; readonly latencyMs: number }
  /** Never worth retrying at this provider for this recipient (invalid number, unregistered token, bounce). */
  | { readonly kind: 'permanent'; readonly reason: string; readonly latencyMs: number };

export interface ChannelProvider {
  /** Stable name recorded with each attempt, e.g. `smtp-primary`, `twilio`, `fcm`. */
  readonly name: string;
  readonly channel: ChannelKind;
  send(message: OutboundMessage): Promise<SendOutcome>;
}

/** Nest multi-provider token: every ChannelProvider the process has configured, in failover order per channel. */
export const CHANNEL_PROVIDERS = Symbol('CHANNEL_PROVIDERS');
