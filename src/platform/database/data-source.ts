import * as pg from 'pg';
import { DataSource, type DataSourceOptions, type EntitySchema, type MixedList } from 'typeorm';
import type { MigrationClass } from '../context-definition';
import { markFault } from '../faults/infrastructure-fault';

export interface DataSourceSettings {
  readonly url: string;
  readonly poolMax: number;
  readonly statementTimeoutMs: number;
  /** How long a query waits for a pooled connection (or a new one to open) before it fails as DATABASE_UNAVAILABLE. */
  readonly connectTimeoutMs?: number;
  /** Role every connection switches to (the app's restricted role); none for migrations. */
  readonly role?: string;
  readonly migrations?: readonly MigrationClass[];
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly entities?: MixedList<Function | string | EntitySchema>;
  /** Called with the pg pool TypeORM creates (for pool metrics). */
  readonly onPool?: (pool: pg.Pool) => void;
}

/** The one TypeORM configuration, shared by the app, the migration job and the CLI (ormconfig.ts). */
/** libpq's option syntax: a space in a value is escaped with a backslash. */
const READ_COMMITTED_DEFAULT = '-c default_transaction_isolation=read\\ committed';

export function dataSourceOptions(settings: DataSourceSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    applicationName: 'skyro-core',
    // TypeORM's documented `driver` option (the pg module it uses): ours is pg itself with a
    // Pool that reports itself (pool metrics need no reach into TypeORM's internals) and
    // marks its connect failures as the database's (503 DATABASE_UNAVAILABLE, not 500).
    driver: poolDriver(settings.onPool),
    // Schema changes happen through reviewed migrations only, never from entity metadata.
    synchronize: false,
    migrationsRun: false,
    migrations: [...(settings.migrations ?? [])],
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    entities: settings.entities ?? [],
    logging: false,
    extra: {
      max: settings.poolMax,
      statement_timeout: settings.statementTimeoutMs,
      idle_in_transaction_session_timeout: 60_000,
      connectionTimeoutMillis: settings.connectTimeoutMs ?? 10_000,
      // Read committed is every session's default here, whatever the server's setting, so a
      // transaction begins with one statement (UnitOfWork names only other levels).
      options: [READ_COMMITTED_DEFAULT, ...(settings.role ? [`-c role=${settings.role}`] : [])].join(' '),
    },
  };
}

export function createDataSource(settings: DataSourceSettings): DataSource {
  return new DataSource(dataSourceOptions(settings));
}

type ConnectCallback = (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void;

function poolDriver(onPool?: (pool: pg.Pool) => void): typeof pg {
  return {
    ...pg,
    Pool: class SkyroPool extends pg.Pool {
      constructor(config?: pg.PoolConfig) {
        super(config);
        onPool?.(this);
      }

      // A failure to get a connection (refused, reset, the server starting or shutting down,
      // the pool's connectionTimeoutMillis) is the database being unavailable. TypeORM calls
      // the callback form; the promise form is kept for anyone else.
      override connect(): Promise<pg.PoolClient>;
      override connect(callback: ConnectCallback): void;
      override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | void {
        if (!callback) return super.connect().catch((error: unknown) => Promise.reject(markFault(error, 'database')));
        super.connect((err, client, done) => callback(err ? markFault(err, 'database') : undefined, client, done));
      }
    },
  };
}
