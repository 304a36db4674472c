import type { Pool } from 'pg';
import { DataSource, type DataSourceOptions, type MixedList, type EntitySchema } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { ALL_MIGRATIONS } from '../../../migrations';

export interface DataSourceSettings {
  readonly url: string;
  readonly poolMax: number;
  readonly statementTimeoutMs: number;
  /** Role every connection switches to (the app's restricted role); none for migrations. */
  readonly role?: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly entities?: MixedList<Function | string | EntitySchema>;
}

/** The one TypeORM configuration, shared by the app and the migration CLI (ormconfig.ts). */
export function dataSourceOptions(settings: DataSourceSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    applicationName: 'skyro-core',
    // Schema changes happen through reviewed migrations only, never from entity metadata.
    synchronize: false,
    migrationsRun: false,
    migrations: ALL_MIGRATIONS,
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

/** The pg pool under TypeORM, for pool metrics and the few hot paths that go straight to pg. */
export function pgPool(dataSource: DataSource): Pool {
  return (dataSource.driver as PostgresDriver).master as Pool;
}
