import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { loadConfig } from './src/platform/config/app-config';
import { createDataSource } from './src/platform/database/data-source';
import { startEmbeddedPostgres } from './src/platform/database/embedded-postgres';
import { createLogger } from './src/platform/logging/logger';

/**
 * The DataSource the TypeORM CLI uses (`npm run migration:run|revert|show`). With
 * DATABASE_URL it targets that database; without, the embedded one under .data/, which
 * it starts for the command and stops when the CLI exits.
 */
export const dataSource: Promise<DataSource> = (async () => {
  const config = loadConfig();
  let url = config.database.url;
  if (!url) {
    const embedded = await startEmbeddedPostgres(config.database.embeddedDataDir, createLogger('warn'));
    // The CLI ends with process.exit(); 'exit' handlers must be synchronous, so signal only.
    process.once('exit', () => embedded.signalStop());
    url = embedded.url;
  }
  return createDataSource({ url, poolMax: 2, statementTimeoutMs: 0 });
})();
