import { z } from 'zod';

/**
 * The realtime protocol (docs/realtime.md): JSON text frames, one message each, with a
 * `type`. Everything a client may send is one of these schemas; anything else is answered
 * with an error frame (after authentication) or a close code (before).
 */

/** Subprotocol a client may offer; chosen when offered, never required. */
export const SUBPROTOCOL = 'skyro.realtime.v1';

/** A stream position: `<ms>-<seq>`, as Redis stream ids are (increasing per user). */
export const EventId = z.string().regex(/^\d{1,15}-\d{1,15}$/, 'must be an event id as received (<ms>-<seq>)');

const Token = z.string().min(1).max(8192);

export const ClientMessage = z.discriminatedUnion('type', [
  /** First message (unless the upgrade request carried `Authorization: Bearer`), or later a fresh token for the same session. */
  z.strictObject({ type: z.literal('auth'), token: Token, after: EventId.optional() }),
  /** Resume after this event (only before anything was delivered on the connection). */
  z.strictObject({ type: z.literal('resume'), after: EventId }),
  /** Application-level heartbeat for clients that cannot send WebSocket pings (browsers). */
  z.strictObject({ type: z.literal('ping') }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;
export const CLIENT_MESSAGE_TYPES = ['auth', 'resume', 'ping'] as const;

/** Close codes the server uses, besides 1000 (normal), 1001 (shutting down), 1006 (dropped: heartbeat). */
export const CloseCode = {
  /** A binary frame: the protocol is JSON text. */
  UNSUPPORTED_DATA: 1003,
  /** A frame larger than REALTIME_MAX_FRAME_BYTES (set by ws itself). */
  MESSAGE_TOO_BIG: 1009,
  INTERNAL_ERROR: 1011,
  GOING_AWAY: 1001,
  /** Before authentication: a frame that is not an `auth` message. */
  PROTOCOL_ERROR: 4400,
  /** No valid access token (missing, invalid, expired, or not sent in time). */
  UNAUTHENTICATED: 4401,
  /** A token that is not a user's (service clients have no realtime stream). */
  FORBIDDEN: 4403,
  /** Unsent data above REALTIME_MAX_BUFFERED_BYTES: the client does not read fast enough. */
  SLOW_CONSUMER: 4408,
  /** More open connections for this user than REALTIME_MAX_CONNECTIONS_PER_USER. */
  TOO_MANY_CONNECTIONS: 4409,
  /** The session was signed out (or ended): log in again. */
  SESSION_ENDED: 4410,
  /** More frames than REALTIME_MAX_MESSAGES_PER_10S. */
  TOO_MANY_MESSAGES: 4429,
  /** The access token expired and no fresh one was sent (`auth`) in time. */
  TOKEN_EXPIRED: 4440,
} as const;

/** Codes of error frames (the connection stays open). */
export type ErrorCode = 'MALFORMED_JSON' | 'UNKNOWN_TYPE' | 'INVALID_MESSAGE' | 'RESUME_TOO_LATE' | 'INVALID_TOKEN' | 'WRONG_USER';

export interface ReadyMessage {
  readonly type: 'ready';
  readonly userId: string;
  /** When the access token expires (ISO 8601): send `auth` with a fresh one before. */
  readonly tokenExpiresAt: string;
  /** Events replayed from the history after `after`. */
  readonly replayed: number;
  /**
   * True when `after` is older than the history kept (or unknown): events may have been
   * missed, so read current state over HTTP (GET /v1/accounts, GET /v1/notifications).
   */
  readonly gap: boolean;
}

/** One event for the user; `id` increases per user and is what `after` takes. */
export interface EventMessage {
  readonly type: 'event';
  readonly id: string;
  /** Message name, e.g. `balance.changed` (application/realtime-events.ts). */
  readonly event: string;
  readonly occurredAt: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface ErrorMessage {
  readonly type: 'error';
  readonly code: ErrorCode;
  readonly message: string;
}

/** Orders event ids: negative when a is older. Ids are `<ms>-<seq>` with no leading zeros. */
export function compareEventIds(a: string, b: string): number {
  const [am, as] = a.split('-');
  const [bm, bs] = b.split('-');
  return Number(am) - Number(bm) || Number(as) - Number(bs);
}

/** Reads one client frame: the message, or the error frame to answer. */
export function parseClientMessage(text: string): { message: ClientMessage } | { error: ErrorMessage } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { error: { type: 'error', code: 'MALFORMED_JSON', message: 'A frame must be one JSON object' } };
  }
  const type = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as { type?: unknown }).type : undefined;
  if (typeof type !== 'string' || !(CLIENT_MESSAGE_TYPES as readonly string[]).includes(type)) {
    return { error: { type: 'error', code: 'UNKNOWN_TYPE', message: `type must be one of ${CLIENT_MESSAGE_TYPES.join(', ')}` } };
  }
  const parsed = ClientMessage.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; ');
    return { error: { type: 'error', code: 'INVALID_MESSAGE', message: issues.slice(0, 300) } };
  }
  return { message: parsed.data };
}
