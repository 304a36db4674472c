import { Inject, Injectable } from '@nestjs/common';
import type { QueryResultRow } from 'pg';
import { DataSource, type EntityManager, type QueryResult, type QueryRunner } from 'typeorm';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel';
import { markFault } from '../faults/infrastructure-fault';

export interface QueryOutcome<R> {
  readonly rows: R[];
  readonly rowCount: number;
}

/** Anything that runs SQL: a transaction (Tx) or the pool (UnitOfWork). */
export interface Sql {
  /** Raw SQL; parameters are always bound, never spliced. */
  query<R extends QueryResultRow = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryOutcome<R>>;
}

/** One database transaction, handed to the work function of UnitOfWork.run. */
export interface Tx extends Sql {
  /** TypeORM's manager on the same connection, for repository-style access. */
  readonly manager: EntityManager;
  /** Runs after COMMIT succeeds (never after a rollback); errors are the caller's to handle. */
  afterCommit(callback: () => void): void;
}

export interface RunOptions {
  readonly isolation?: IsolationLevel;
  /** Attempts for serialization failures and deadlocks; they are retried here, never surfaced. */
  readonly maxAttempts?: number;
  /** Further SQLSTATEs worth a retry for this work (e.g. 23505 when a concurrent writer won a race). */
  readonly retryOn?: readonly string[];
}

const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected

@Injectable()
export class UnitOfWork {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async run<T>(work: (tx: Tx) => Promise<T>, options: RunOptions = {}): Promise<T> {
    const maxAttempts = options.maxAttempts ?? 10;
    for (let attempt = 1; ; attempt++) {
      const runner = this.dataSource.createQueryRunner();
      const callbacks: Array<() => void> = [];
      await runner.connect();
      try {
        // READ COMMITTED is the session default (data-source.ts): START TRANSACTION alone, one round trip fewer.
        if (options.isolation && options.isolation !== 'READ COMMITTED') await runner.startTransaction(options.isolation);
        else await runner.startTransaction();
        const result = await work(txOf(runner, callbacks));
        await runner.commitTransaction();
        for (const callback of callbacks) callback();
        return result;
      } catch (error) {
        lostConnection(error);
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        const code = pgCode(error);
        if (attempt < maxAttempts && (RETRYABLE.has(code) || options.retryOn?.includes(code))) {
          await sleep(backoff(attempt));
          continue;
        }
        throw error;
      } finally {
        await runner.release();
      }
    }
  }

  /** A single statement outside any explicit transaction (reads, mostly). */
  async query<R extends QueryResultRow = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryOutcome<R>> {
    const runner = this.dataSource.createQueryRunner();
    try {
      return outcome(await runner.query(sql, params as unknown[], true));
    } catch (error) {
      throw lostConnection(error);
    } finally {
      await runner.release();
    }
  }
}

function txOf(runner: QueryRunner, callbacks: Array<() => void>): Tx {
  return {
    async query<R extends QueryResultRow>(sql: string, params?: readonly unknown[]) {
      return outcome<R>(await runner.query(sql, params as unknown[], true));
    },
    manager: runner.manager,
    afterCommit: (callback) => callbacks.push(callback),
  };
}

/** TypeORM's structured result (its public API) in the shape our repositories read. */
function outcome<R>(result: QueryResult): QueryOutcome<R> {
  const rows = (result.records ?? []) as R[];
  return { rows, rowCount: result.affected ?? rows.length };
}

/**
 * TypeORM releases a query runner by itself when its connection fails (the server ended it,
 * the socket reset) and the next statement of the work gets QueryRunnerAlreadyReleasedError.
 * Here, where runners are released only after the work, that error can only mean a lost
 * connection: the database is unavailable.
 */
function lostConnection(error: unknown): unknown {
  if ((error as { name?: unknown } | null)?.name === 'QueryRunnerAlreadyReleasedError') markFault(error, 'database');
  return error;
}

export function pgCode(error: unknown): string {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.code ?? e?.driverError?.code;
  return typeof code === 'string' ? code : '';
}

function backoff(attempt: number): number {
  // Full jitter keeps retrying transactions from colliding again in lockstep.
  return Math.random() * Math.min(200, 5 * 2 ** attempt);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
