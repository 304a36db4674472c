import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { CONTEXTS } from './src/modules';
import { loadConfig } from './src/platform/config/app-config';
import { createDataSource } from './src/platform/database/data-source';
import { planDatabases } from './src/platform/database/databases';
import { startEmbeddedPostgres } from './src/platform/database/embedded-postgres';
import { createLogger } from './src/platform/logging/logger';

/**
 * The DataSource the TypeORM CLI uses (`npm run migration:run|revert|show`): the shared
 * database (DATABASE_URL) with the platform's migrations and those of every context that
 * lives there. A context with its own database is migrated with `node dist/src/migrate.js`
 * (which does every database). Without DATABASE_URL: the embedded one under .data/, started
 * for the command and stopped when the CLI exits.
 */
export const dataSource: Promise<DataSource> = (async () => {
  const config = loadConfig(process.env, CONTEXTS);
  let url = config.database.url;
  if (!url) {
    const embedded = await startEmbeddedPostgres(config.database.embeddedDataDir, createLogger('warn'));
    // The CLI ends with process.exit(); 'exit' handlers must be synchronous, so signal only.
    process.once('exit', () => embedded.signalStop());
    url = embedded.url;
  }
  const [shared] = planDatabases(url, CONTEXTS, config.database.contextUrls);
  return createDataSource({ url, poolMax: 2, statementTimeoutMs: 0, migrations: shared!.migrations });
})();
