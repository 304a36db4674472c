import 'reflect-metadata';
import { createApp, shutdown } from '@app/bootstrap';
import { loadConfig } from '@platform/config/app-config';
import { createLogger } from '@platform/logging/logger';
import { BUS_CONTEXTS, fxBank } from '@test/fixtures/bus-contexts';
import { startEcho } from './bus-calibration';

/** The owning process of bench/bus.ts: runs the bench's bank context and serves it over Kafka, and the calibration echo. */
async function main(): Promise<void> {
  const config = loadConfig(process.env, BUS_CONTEXTS);
  const app = await createApp(config, { contexts: [fxBank], available: BUS_CONTEXTS, logger: createLogger('warn') });
  await app.init();
  const stopEcho = await startEcho(config.kafka!.brokers.slice(), config.kafka!.topicPrefix);
  process.stdout.write('owner ready\n');
  process.once(
    'SIGTERM',
    () =>
      void stopEcho()
        .then(() => shutdown(app))
        .then(() => process.exit(0)),
  );
}

void main();
