/*
 * What the HTTP providers (Twilio, FCM) share: one request with a deadline that covers the
 * answer's body too, an answer read as text whatever it holds, and Retry-After. Nothing here
 * decides an outcome; each provider maps its own provider's answers.
 */

export interface HttpAnswer {
  readonly kind: 'answer';
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export interface HttpFailure {
  readonly kind: 'failure';
  /** For the outcome's reason: what went wrong, never a URL's secrets or a body. */
  readonly reason: 'timeout' | 'network';
  readonly detail: string;
}

/** The longest Retry-After taken at its word: a provider asking for more is retried on the dispatcher's own schedule. */
const MAX_RETRY_AFTER_MS = 6 * 60 * 60 * 1000;

/** POSTs and reads the whole answer within `timeoutMs` (connect, headers and body); never throws for the network. */
export async function post(url: string, init: { headers: Record<string, string>; body: string }, timeoutMs: number): Promise<HttpAnswer | HttpFailure> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, { method: 'POST', headers: init.headers, body: init.body, signal, redirect: 'error' });
    const text = await response.text();
    return { kind: 'answer', status: response.status, headers: response.headers, text };
  } catch (error) {
    if (signal.aborted) return { kind: 'failure', reason: 'timeout', detail: `no answer within ${timeoutMs} ms` };
    const cause = (error as { cause?: { code?: unknown } }).cause;
    const code = typeof cause?.code === 'string' ? cause.code : (error as Error).name;
    return { kind: 'failure', reason: 'network', detail: code };
  }
}

/** Retry-After as delay-seconds or an HTTP-date (RFC 9110 §10.2.3), in ms from `now`; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  let ms: number;
  if (/^\d{1,10}$/.test(value)) ms = Number(value) * 1000;
  else {
    const at = Date.parse(value);
    if (Number.isNaN(at) || !/[a-z]/i.test(value)) return undefined;
    ms = Math.max(0, at - now);
  }
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}

/** The JSON of an answer, or undefined when it is not JSON (an HTML error page of a proxy, a truncated body). */
export function jsonOf(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Milliseconds since `started` (performance.now()), whole. */
export function since(started: number): number {
  return Math.max(0, Math.round(performance.now() - started));
}
