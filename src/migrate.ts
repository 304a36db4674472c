import 'reflect-metadata';
import { ConfigError, loadConfig } from './platform/config/app-config';
import { createDataSource } from './platform/database/data-source';
import { startEmbeddedPostgres } from './platform/database/embedded-postgres';
import { revertLastMigration, runMigrations } from './platform/database/migrate';
import { createLogger } from './platform/logging/logger';

/**
 * Migration entry of the production image (the Helm pre-install/pre-upgrade job):
 * `node dist/src/migrate.js [run|revert|show]`. Same migrations and lock as the app.
 */
async function main(command: string): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const embedded = config.database.url ? undefined : await startEmbeddedPostgres(config.database.embeddedDataDir, logger);
  const dataSource = createDataSource({ url: config.database.url ?? embedded!.url, poolMax: 2, statementTimeoutMs: 0 });
  await dataSource.initialize();
  try {
    if (command === 'run') {
      const applied = await runMigrations(dataSource);
      logger.info({ applied: applied.map((m) => m.name) }, applied.length ? 'migrations applied' : 'database is up to date');
    } else if (command === 'revert') {
      await revertLastMigration(dataSource);
      logger.info('last migration reverted');
    } else if (command === 'show') {
      const pending = await dataSource.showMigrations();
      logger.info({ pending }, pending ? 'migrations are pending' : 'database is up to date');
    } else {
      throw new ConfigError(`unknown command "${command}" (use run, revert or show)`);
    }
  } finally {
    await dataSource.destroy();
    await embedded?.stop();
  }
}

main(process.argv[2] ?? 'run').catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(error instanceof ConfigError ? 78 : 1);
});
