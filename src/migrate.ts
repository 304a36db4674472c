import 'reflect-metadata';
import { CONTEXTS } from './modules';
import { ConfigError, loadConfig } from './platform/config/app-config';
import { createDataSource } from './platform/database/data-source';
import { planDatabases } from './platform/database/databases';
import { startEmbeddedPostgres } from './platform/database/embedded-postgres';
import { revertLastMigration, runMigrations } from './platform/database/migrate';
import { createLogger } from './platform/logging/logger';

/**
 * Migration entry of the production image (the Helm pre-install/pre-upgrade job):
 * `node dist/src/migrate.js [run|revert|show]`. Every context's migrations, each in its
 * context's database (`<NAME>_DATABASE_URL`, else DATABASE_URL), the platform's in every
 * database; same lock as the app.
 */
async function main(command: string): Promise<void> {
  const config = loadConfig(process.env, CONTEXTS);
  const logger = createLogger(config.logLevel);
  const embedded = config.database.url ? undefined : await startEmbeddedPostgres(config.database.embeddedDataDir, logger);
  try {
    for (const plan of planDatabases(config.database.url ?? embedded!.url, CONTEXTS, config.database.contextUrls)) {
      const dataSource = createDataSource({ url: plan.url, poolMax: 2, statementTimeoutMs: 0, migrations: plan.migrations });
      await dataSource.initialize();
      try {
        if (command === 'run') {
          const applied = await runMigrations(dataSource);
          logger.info({ database: plan.name, applied: applied.map((m) => m.name) }, applied.length ? 'migrations applied' : 'database is up to date');
        } else if (command === 'revert') {
          await revertLastMigration(dataSource);
          logger.info({ database: plan.name }, 'last migration reverted');
        } else if (command === 'show') {
          const pending = await dataSource.showMigrations();
          logger.info({ database: plan.name, pending }, pending ? 'migrations are pending' : 'database is up to date');
        } else {
          throw new ConfigError(`unknown command "${command}" (use run, revert or show)`);
        }
      } finally {
        await dataSource.destroy();
      }
    }
  } finally {
    await embedded?.stop();
  }
}

main(process.argv[2] ?? 'run').catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(error instanceof ConfigError ? 78 : 1);
});
