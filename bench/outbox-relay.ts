import { defineContext } from '@platform/context-definition';
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { Client } from 'pg';
import { createApp, shutdown } from '@app/bootstrap';
import { loadConfig } from '@platform/config/app-config';
import { createLogger } from '@platform/logging/logger';
import { serviceUrls } from '@test/support/services';
import { withBenchDatabase } from './support';

/*
 * Outbox relay throughput: events already committed to an outbox, drained to Kafka by one
 * relay and by three pods relaying at once. Needs `scripts/services.sh up`.
 * Prints one JSON line per scenario.
 */
const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 50_000);

@Module({})
class BenchModule {}

async function main(): Promise<void> {
  const services = serviceUrls();
  await withBenchDatabase('outbox', ['bench_outbox'], async (databaseUrl) => {
    const url = new URL(databaseUrl);
    for (const pods of [1, 3]) {
      const prefix = `bench-${Date.now()}.`;
      const db = new Client({ connectionString: url.toString() });
      await db.connect();
      await db.query(
        `insert into bench_outbox.outbox (event_id, topic, event_type, aggregate_id, payload)
         select gen_random_uuid(), 'bench.events', 'bench.thing-happened.v1', 'agg-' || (n % 1000),
                jsonb_build_object('specversion', '1.0', 'id', gen_random_uuid(), 'type', 'bench.thing-happened.v1',
                                   'subject', 'agg-' || (n % 1000), 'data', jsonb_build_object('n', n, 'amount', '12345'))::text
         from generate_series(1, $1::int) n`,
        [EVENTS],
      );
      const config = loadConfig({
        DATABASE_URL: url.toString(),
        KAFKA_BROKERS: services.kafkaBrokers,
        KAFKA_TOPIC_PREFIX: prefix,
        LOG_LEVEL: 'warn',
        PORT: '0',
        OUTBOX_BATCH_SIZE: process.env['OUTBOX_BATCH_SIZE'] ?? '1000',
      });
      const started = process.hrtime.bigint();
      const apps = await Promise.all(
        Array.from({ length: pods }, async () => {
          const app = await createApp(config, { contexts: [defineContext({ name: 'bench_outbox', module: BenchModule })], logger: createLogger('warn') });
          await app.init();
          return app;
        }),
      );
      for (;;) {
        const { rows } = await db.query<{ n: string }>('select count(*) as n from bench_outbox.outbox');
        if (rows[0]!.n === '0') break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      await Promise.all(apps.map((app) => shutdown(app)));
      await db.end();
      process.stdout.write(
        JSON.stringify({
          scenario: `outbox-relay-${pods}-pod${pods > 1 ? 's' : ''}`,
          events: EVENTS,
          seconds: Number(seconds.toFixed(2)),
          events_per_sec: Math.round(EVENTS / seconds),
        }) + '\n',
      );
    }
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
