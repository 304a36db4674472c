import { Client } from 'pg';
import { contextSchemaSql } from '@platform/database/context-schema';
import { CONTEXTS } from '@modules';
import { createDataSource } from '@platform/database/data-source';
import { planDatabases } from '@platform/database/databases';
import { runMigrations } from '@platform/database/migrate';
import { serviceUrls } from '@test/support/services';

/**
 * A throwaway database on the services' PostgreSQL for one benchmark run: migrated, with
 * schemas for the benchmark's own contexts, dropped afterwards whatever happens.
 */
export async function withBenchDatabase<T>(name: string, benchContexts: readonly string[], work: (url: string) => Promise<T>): Promise<T> {
  const services = serviceUrls();
  const database = `skyro_bench_${name}_${Date.now()}`;
  const admin = new Client({ connectionString: services.databaseUrl });
  await admin.connect();
  await admin.query(`create database ${database}`);
  const url = new URL(services.databaseUrl);
  url.pathname = `/${database}`;
  try {
    const ds = createDataSource({
      url: url.toString(),
      poolMax: 2,
      statementTimeoutMs: 0,
      migrations: planDatabases(url.toString(), CONTEXTS, {})[0]!.migrations,
    });
    await ds.initialize();
    await runMigrations(ds);
    for (const context of benchContexts) await ds.query(contextSchemaSql(context).join(';\n'));
    await ds.destroy();
    return await work(url.toString());
  } finally {
    await admin.query(`drop database if exists ${database} with (force)`);
    await admin.end();
  }
}
