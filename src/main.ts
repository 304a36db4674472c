import 'reflect-metadata';
import { ConfigError, loadConfig, type AppConfig } from './platform/config/app-config';
import { createLogger } from './platform/logging/logger';

/**
 * Process entry: validate configuration, start tracing before anything it instruments is
 * loaded, bring up the embedded database when no DATABASE_URL is given, then serve.
 */
async function main(): Promise<void> {
  // The platform's own variables first: tracing must start before the contexts' code (and
  // with it pg, ioredis, kafkajs) is loaded, so its instrumentations can patch them.
  const platform = configured(() => loadConfig(process.env));
  const tracing = platform.tracing.otlpEndpoint
    ? // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require('./platform/tracing/tracing') as typeof import('./platform/tracing/tracing')).startTracing(
        platform.tracing.otlpEndpoint,
        platform.tracing.serviceName,
      )
    : undefined;

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { CONTEXTS } = require('./modules') as typeof import('./modules');
  const config = configured(() => loadConfig(process.env, CONTEXTS));
  const logger = createLogger(config.logLevel);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { serve } = require('./serve') as typeof import('./serve');
  await serve(config, logger, tracing);
}

/** A wrong variable stops the process with its one-line message and exit code 78 (EX_CONFIG). */
function configured(load: () => AppConfig): AppConfig {
  try {
    return load();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(error.message + '\n');
      process.exit(78);
    }
    throw error;
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(error.message + '\n');
    process.exit(78);
  }
  process.stderr.write(`Skyro Core failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
