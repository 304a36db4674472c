import 'reflect-metadata';
import { createApp, shutdown } from '@app/bootstrap';
import { loadConfig } from '@platform/config/app-config';
import { createLogger } from '@platform/logging/logger';
import { BUS_CONTEXTS, fxBank } from '@test/fixtures/bus-contexts';

/** The owning process of bench/bus.ts: runs the bench's bank context and serves it over Kafka. */
async function main(): Promise<void> {
  const config = loadConfig(process.env, BUS_CONTEXTS);
  const app = await createApp(config, { contexts: [fxBank], available: BUS_CONTEXTS, logger: createLogger('warn') });
  await app.init();
  process.stdout.write('owner ready\n');
  process.once('SIGTERM', () => void shutdown(app).then(() => process.exit(0)));
}

void main();
