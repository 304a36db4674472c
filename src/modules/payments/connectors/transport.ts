import { currencyOf } from '@shared-kernel/money';
import type { ConnectorName } from '../contract/views';
import { ConnectorError } from './connector';

/*
 * How a connector's HTTP failures become ConnectorErrors, the same way for every provider:
 *
 * - nothing was sent (connection refused, DNS failure, TLS handshake): retryable, outcome known;
 * - sent, then no complete answer (timeout, socket hang-up mid-response): retryable, outcome
 *   UNKNOWN (the provider may have done the work; only the same connector with the same
 *   idempotency key may retry it, never another connector);
 * - 5xx on a call that changes something: retryable, outcome unknown; on a read: outcome known;
 * - 429 (rate limited, the provider did nothing): retryable, outcome known;
 * - other 4xx: not retryable (a decline is mapped to a failed result by the connector, not here).
 *
 * Messages never carry the request body, a token or a key: only the provider's code and status.
 */

/** Error codes (on the error or its cause) that mean the request never left this process. */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The first error code found on an error or along its causes. */
export function transportCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code) return code;
    current = (current as { cause?: unknown; detail?: unknown }).cause ?? (current as { detail?: unknown }).detail;
  }
  return undefined;
}

/** A transport failure (no HTTP status) as a ConnectorError. */
export function transportError(connector: ConnectorName, error: unknown, operation: string, changesState: boolean): ConnectorError {
  const code = transportCode(error) ?? (isTimeout(error) ? 'ETIMEDOUT' : 'TRANSPORT');
  if (NOT_SENT.has(code)) {
    return new ConnectorError(connector, 'UNREACHABLE', `${connector} ${operation}: not sent (${code})`, true, false, { cause: error });
  }
  return new ConnectorError(
    connector,
    isTimeout(error) || code === 'ETIMEDOUT' ? 'TIMEOUT' : 'CONNECTION_LOST',
    `${connector} ${operation}: no complete answer (${code})`,
    true,
    changesState,
    { cause: error },
  );
}

/** An HTTP error status that is not a decline, as a ConnectorError. */
export function statusError(
  connector: ConnectorName,
  status: number,
  providerCode: string | undefined,
  operation: string,
  changesState: boolean,
): ConnectorError {
  const code = providerCode ?? `HTTP_${status}`;
  if (status === 429) return new ConnectorError(connector, code, `${connector} ${operation}: rate limited (429)`, true, false);
  if (status >= 500) return new ConnectorError(connector, code, `${connector} ${operation}: provider error ${status}`, true, changesState);
  if (status === 408) return new ConnectorError(connector, code, `${connector} ${operation}: provider timeout 408`, true, changesState);
  return new ConnectorError(connector, code, `${connector} ${operation}: rejected ${status} ${code}`, false, false);
}

function isTimeout(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const name = (error as { name?: unknown }).name;
  return name === 'TimeoutError' || name === 'AbortError';
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/**
 * One HTTP exchange with a deadline covering the whole answer (headers and body), through
 * fetch. Resolves with any status; rejects only on transport failures (classify them with
 * transportError).
 */
export async function exchange(url: string, init: RequestInit & { timeoutMs: number }): Promise<HttpAnswer> {
  const { timeoutMs, ...rest } = init;
  const response = await fetch(url, { ...rest, signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text };
}

/** Parses a JSON answer; a body that is not JSON is an answer we cannot read (outcome unknown when the call changed state). */
export function parseJson(connector: ConnectorName, answer: HttpAnswer, operation: string, changesState: boolean): unknown {
  try {
    return answer.text ? JSON.parse(answer.text) : {};
  } catch {
    throw new ConnectorError(connector, 'UNREADABLE_ANSWER', `${connector} ${operation}: answer ${answer.status} is not JSON`, true, changesState);
  }
}

/** Minor units as the JSON number a provider's API wants; exact (no float arithmetic), refused beyond 2^53. */
export function minorUnitsAsJsonNumber(connector: ConnectorName, amount: bigint): number {
  if (amount < 0n || amount > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ConnectorError(connector, 'AMOUNT_OUT_OF_RANGE', `${connector}: amount outside what the provider can carry`, false, false);
  }
  return Number(amount);
}

/** A provider's integer amount (JSON number or decimal string of minor units) as bigint; undefined when absent or not an integer. */
export function minorUnitsFrom(value: unknown): bigint | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  return undefined;
}

/**
 * A decimal amount in major units as a report writes it ("10.50", "-0.59", "1500" JPY, "" for
 * none) as signed minor units of the currency, by string arithmetic only; undefined when it is
 * not a plain decimal with at most the currency's minor digits, or the currency is unknown.
 */
export function minorUnitsOfDecimal(value: string, currency: string): bigint | undefined {
  const c = currencyOf(currency);
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value);
  if (!c || !match) return undefined;
  const fraction = match[3] ?? '';
  if (fraction.length > c.minorUnits) return undefined;
  const units = BigInt(match[2]! + fraction.padEnd(c.minorUnits, '0'));
  return match[1] ? -units : units;
}
