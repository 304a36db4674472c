import * as pg from 'pg';
import { DataSource, type DataSourceOptions, type EntitySchema, type MixedList } from 'typeorm';
import type { MigrationClass } from '../context-definition';

export interface DataSourceSettings {
  readonly url: string;
  readonly poolMax: number;
  readonly statementTimeoutMs: number;
  /** Role every connection switches to (the app's restricted role); none for migrations. */
  readonly role?: string;
  readonly migrations?: readonly MigrationClass[];
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly entities?: MixedList<Function | string | EntitySchema>;
  /** Called with the pg pool TypeORM creates (for pool metrics). */
  readonly onPool?: (pool: pg.Pool) => void;
}

/** The one TypeORM configuration, shared by the app, the migration job and the CLI (ormconfig.ts). */
export function dataSourceOptions(settings: DataSourceSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    applicationName: 'skyro-core',
    // TypeORM's documented `driver` option (the pg module it uses): ours is pg itself with a
    // Pool that reports itself, so pool metrics need no reach into TypeORM's internals.
    ...(settings.onPool ? { driver: reportingDriver(settings.onPool) } : {}),
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
      connectionTimeoutMillis: 10_000,
      ...(settings.role ? { options: `-c role=${settings.role}` } : {}),
    },
  };
}

export function createDataSource(settings: DataSourceSettings): DataSource {
  return new DataSource(dataSourceOptions(settings));
}

function reportingDriver(onPool: (pool: pg.Pool) => void): typeof pg {
  return {
    ...pg,
    Pool: class ReportedPool extends pg.Pool {
      constructor(config?: pg.PoolConfig) {
        super(config);
        onPool(this);
      }
    },
  };
}
