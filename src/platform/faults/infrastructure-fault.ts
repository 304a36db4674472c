import { DomainError } from '@shared-kernel';

/**
 * Infrastructure faults: PostgreSQL, Redis or Kafka not answering. They are not the
 * request's fault and a retry may succeed, so they leave as 503 with Retry-After and a
 * stable code per part (docs/errors.md), never as a 500; and they are never an answer worth
 * keeping (idempotency keys, the bus's command log) nor a reason to dead-letter an event.
 *
 * Errors are recognised in two ways: marked where they arise (the pg pool, the Redis
 * cache), which is exact; or by their shape (pg's SQLSTATEs and messages, TypeORM's
 * QueryFailedError, ioredis's and kafkajs's error classes), for errors from a path that
 * does not mark them.
 */
export type InfrastructurePart = 'database' | 'cache' | 'broker';

export const INFRASTRUCTURE_CODES: Readonly<Record<InfrastructurePart, string>> = {
  database: 'DATABASE_UNAVAILABLE',
  cache: 'CACHE_UNAVAILABLE',
  broker: 'BROKER_UNAVAILABLE',
};

const TITLES: Readonly<Record<InfrastructurePart, string>> = {
  database: 'The database',
  cache: 'The cache',
  broker: 'The message broker',
};

/** Seconds a client should wait: outages that last longer answer again, each retry is cheap. */
export const FAULT_RETRY_AFTER_SECONDS = 1;

const PART = Symbol.for('skyro.infrastructure-part');

/** Marks an error as coming from `part` (where it arises: the pool, the cache client). */
export function markFault<E>(error: E, part: InfrastructurePart): E {
  if (typeof error === 'object' && error !== null && !(error instanceof DomainError)) {
    Object.defineProperty(error, PART, { value: part, enumerable: false, configurable: true });
  }
  return error;
}

/** Which part failed, when `error` is an infrastructure fault. */
export function faultPart(error: unknown): InfrastructurePart | undefined {
  for (const e of chain(error)) {
    if (e instanceof DomainError) return undefined;
    const marked = (e as { [PART]?: InfrastructurePart })[PART];
    if (marked && isTransportFailure(e, marked)) return marked;
    if (isDatabaseFault(e)) return 'database';
    if (isCacheFault(e)) return 'cache';
    if (isBrokerFault(e)) return 'broker';
  }
  return undefined;
}

export function isInfrastructureFault(error: unknown): boolean {
  return faultPart(error) !== undefined;
}

/** The domain error an infrastructure fault answers as (503, Retry-After), or undefined. */
export function infrastructureFault(error: unknown): DomainError | undefined {
  const part = faultPart(error);
  if (!part) return undefined;
  return new DomainError('unavailable', INFRASTRUCTURE_CODES[part], `${TITLES[part]} is unavailable; retry shortly`, {
    retryAfterSeconds: FAULT_RETRY_AFTER_SECONDS,
  });
}

/** A one-line description of the fault for logs: class, code and message, never a query or its parameters. */
export function describeFault(error: unknown): string {
  const root = [...chain(error)].at(-1) as { name?: unknown; code?: unknown; message?: unknown } | undefined;
  const parts = [root?.name, root?.code, root?.message].filter((p): p is string => typeof p === 'string' && p !== '');
  return parts.join(': ').slice(0, 300);
}

/** The error, then what it wraps (TypeORM's driverError, `cause`), outermost first. */
function* chain(error: unknown): Generator<unknown> {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    yield current;
    const e = current as { driverError?: unknown; cause?: unknown };
    current = e.driverError ?? e.cause;
  }
}

// PostgreSQL SQLSTATEs of a server that cannot serve now (https://www.postgresql.org/docs/current/errcodes-appendix.html):
// class 08 connection exception; 53 insufficient resources (too many connections, out of memory, disk full);
// 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now (starting up, shutting down),
// 57014 query canceled (statement_timeout: the database did not answer in time), 25P03 idle-in-transaction timeout.
const DATABASE_STATES = /^(08[0-9A-Z]{3}|53[0-9A-Z]{3}|57P0[1-3]|57014|25P03)$/;

// pg and pg-pool's own words for a connection that is gone or never came.
const DATABASE_MESSAGES =
  /^(Connection terminated( unexpectedly| due to connection timeout)?|timeout exceeded when trying to connect|Client has encountered a connection error and is not queryable|Client was closed and is not queryable)$/;

// Node's socket errors: the peer refused, reset, vanished, or the name did not resolve.
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

function isDatabaseFault(e: unknown): boolean {
  const error = e as { name?: unknown; code?: unknown; severity?: unknown; message?: unknown; driverError?: unknown };
  // pg's DatabaseError carries a severity and a SQLSTATE.
  if (typeof error.code === 'string' && typeof error.severity === 'string' && DATABASE_STATES.test(error.code)) return true;
  if (typeof error.message === 'string' && DATABASE_MESSAGES.test(error.message)) return true;
  // A socket failure inside a query TypeORM ran is the database's.
  return error.name === 'QueryFailedError' && isSocketError(error.driverError);
}

// ioredis: a command that gave up waiting for a connection, or whose connection closed.
const CACHE_MESSAGES = /^(Connection is closed\.|Stream isn't writeable and enableOfflineQueue options is false|Command timed out)$/;
// Redis replies that mean "not now" (loading its data after a restart, a failover, a busy script).
const CACHE_REPLIES = /^(LOADING|BUSY|MASTERDOWN|READONLY|TRYAGAIN|CLUSTERDOWN) /;

function isCacheFault(e: unknown): boolean {
  const error = e as { name?: unknown; message?: unknown };
  if (error.name === 'MaxRetriesPerRequestError') return true;
  if (typeof error.message !== 'string') return false;
  if (CACHE_MESSAGES.test(error.message)) return true;
  return error.name === 'ReplyError' && CACHE_REPLIES.test(error.message);
}

// kafkajs: no broker reachable, a connection or request that failed, retries exhausted.
const BROKER_ERRORS = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSLockTimeout',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSStaleTopicMetadataAssignment',
]);

function isBrokerFault(e: unknown): boolean {
  const error = e as { name?: unknown; retriable?: unknown };
  if (typeof error.name !== 'string') return false;
  if (BROKER_ERRORS.has(error.name)) return true;
  // A protocol error the broker calls retriable (no leader, not the controller...) is "not now".
  return error.name === 'KafkaJSProtocolError' && error.retriable === true;
}

function isSocketError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && SOCKET_CODES.has(code);
}

/**
 * A marked error counts only if it is a failure to reach the part, not something the part
 * answered (a constraint violation from the pool's connection, a wrong-type reply from Redis).
 */
function isTransportFailure(e: unknown, part: InfrastructurePart): boolean {
  if (isSocketError(e)) return true;
  switch (part) {
    case 'database':
      return isDatabaseFault(e) || (e as { severity?: unknown }).severity === undefined;
    case 'cache':
      return isCacheFault(e) || (e as { name?: unknown }).name !== 'ReplyError';
    case 'broker':
      return isBrokerFault(e);
  }
}
