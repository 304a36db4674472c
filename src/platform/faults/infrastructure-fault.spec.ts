import { ReplyError } from 'ioredis';
import { MaxRetriesPerRequestError } from 'ioredis/built/errors';
import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, KafkaJSNonRetriableError } from 'kafkajs';
import { DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';
import { DomainError } from '@shared-kernel';
import { describeFault, faultPart, infrastructureFault, markFault } from './infrastructure-fault';

/** A server error as pg builds it from PostgreSQL's ErrorResponse. */
function pgError(code: string, message: string, severity = 'FATAL'): DatabaseError {
  const error = new DatabaseError(message, message.length, 'error');
  error.code = code;
  error.severity = severity;
  return error;
}

function socketError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, errno: -111, syscall: 'connect' });
}

const inQuery = (driverError: Error) => new QueryFailedError('insert into ledger.transfers values ($1)', ['4242424242424242'], driverError);

describe('infrastructure faults', () => {
  it.each([
    ['57P01 admin shutdown (a restart under a running query)', inQuery(pgError('57P01', 'terminating connection due to administrator command'))],
    ['57P02 crash shutdown', pgError('57P02', 'terminating connection because of crash of another server process')],
    ['57P03 cannot connect now (starting up)', pgError('57P03', 'the database system is starting up')],
    ['57P03 cannot connect now (shutting down)', pgError('57P03', 'the database system is shutting down')],
    ['53300 too many connections', pgError('53300', 'sorry, too many clients already')],
    ['08006 connection failure', pgError('08006', 'connection failure', 'ERROR')],
    ['57014 statement timeout', inQuery(pgError('57014', 'canceling statement due to statement timeout', 'ERROR'))],
    ['a connection that ended mid-query', inQuery(new Error('Connection terminated unexpectedly'))],
    ['a reset socket mid-query', inQuery(socketError('ECONNRESET'))],
    ["pg-pool's connectionTimeoutMillis (pool exhausted)", new Error('timeout exceeded when trying to connect')],
    ["pg's connect timeout (no answer)", new Error('Connection terminated due to connection timeout', { cause: new Error('timeout') })],
    ['a refused connection from the pool', markFault(socketError('ECONNREFUSED'), 'database')],
    ['a client broken by an earlier error', new Error('Client has encountered a connection error and is not queryable')],
  ])('%s is the database: 503 DATABASE_UNAVAILABLE with Retry-After', (_why, error) => {
    const fault = infrastructureFault(error)!;
    expect(fault).toBeInstanceOf(DomainError);
    expect(fault).toMatchObject({ kind: 'unavailable', code: 'DATABASE_UNAVAILABLE', details: { retryAfterSeconds: 1 } });
  });

  it.each([
    ['ioredis gave up on a command while disconnected', new MaxRetriesPerRequestError(2)],
    ['a command whose connection closed', markFault(new Error('Connection is closed.'), 'cache')],
    ['a refused connection', markFault(socketError('ECONNREFUSED'), 'cache')],
    ['Redis still loading its append-only file after a restart', new ReplyError('LOADING Redis is loading the dataset in memory')],
    ['a replica that lost its master', new ReplyError('MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to no')],
  ])('%s is the cache: 503 CACHE_UNAVAILABLE', (_why, error) => {
    expect(infrastructureFault(error)).toMatchObject({ kind: 'unavailable', code: 'CACHE_UNAVAILABLE', details: { retryAfterSeconds: 1 } });
  });

  it.each([
    ['no connection to a broker', new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092')],
    ['retries exhausted', new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('Connection timeout'), { retryCount: 5, retryTime: 3000 })],
    [
      'a retriable protocol error (no leader)',
      new KafkaJSProtocolError(
        Object.assign(new Error('There is no leader for this topic-partition'), { type: 'LEADER_NOT_AVAILABLE', code: 5, retriable: true }),
      ),
    ],
  ])('%s is the broker: 503 BROKER_UNAVAILABLE', (_why, error) => {
    expect(infrastructureFault(error)).toMatchObject({ kind: 'unavailable', code: 'BROKER_UNAVAILABLE' });
  });

  it.each([
    ['a unique violation', inQuery(pgError('23505', 'duplicate key value violates unique constraint', 'ERROR'))],
    ['a syntax error', inQuery(pgError('42601', 'syntax error at or near "selec"', 'ERROR'))],
    ['a value out of range', inQuery(pgError('22003', 'value "9999999999999999999" is out of range for type bigint', 'ERROR'))],
    ['a wrong password (configuration, not an outage)', markFault(pgError('28P01', 'password authentication failed for user "skyro"'), 'database')],
    ['a Redis command used wrongly', markFault(new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value'), 'cache')],
    ['a non-retriable Kafka error', new KafkaJSNonRetriableError('Invalid topic')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a socket error nobody marked (an outbound call)', socketError('ECONNREFUSED')],
    ['a domain error', new DomainError('conflict', 'TRANSFER_EXISTS', 'exists')],
    ['not an error at all', 'boom'],
  ])('%s is not an infrastructure fault (it stays what it was: a 4xx, or a 500 worth a look)', (_why, error) => {
    expect(faultPart(error)).toBeUndefined();
    expect(infrastructureFault(error)).toBeUndefined();
  });

  it('describes the fault for logs by its root cause, never with the query or its parameters', () => {
    const description = describeFault(inQuery(pgError('57P01', 'terminating connection due to administrator command')));
    expect(description).toBe('error: 57P01: terminating connection due to administrator command');
    expect(description).not.toContain('4242');
    expect(description).not.toContain('insert');
  });
});
