import 'reflect-metadata';
import { ConfigError, loadConfig, type AppConfig } from './platform/config/app-config';
import { createLogger } from './platform/logging/logger';

/**
 * Process entry: validate configuration, start tracing before anything it instruments is
 * loaded, bring up the embedded database when no DATABASE_URL is given, then serve.
 */
async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(error.message + '\n');
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const tracing = config.tracing.otlpEndpoint
    ? // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require('./platform/tracing/tracing') as typeof import('./platform/tracing/tracing')).startTracing(config.tracing.otlpEndpoint, config.tracing.serviceName)
    : undefined;

  // Loaded after tracing so its instrumentations can patch http, pg, ioredis and kafkajs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { serve } = require('./serve') as typeof import('./serve');
  await serve(config, logger, tracing);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(error.message + '\n');
    process.exit(78);
  }
  process.stderr.write(`Skyro Core failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
