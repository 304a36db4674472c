import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createTestDatabase, sql } from '../support/database';
import { eventually, kafkaPrefix, startTestApp } from '../support/app';
import { readTopic } from '../support/kafka';
import { recordChildOutput } from '../support/run-logs';
import { serviceUrls } from '../support/services';
import { FIXTURE_CONTEXTS, OrderPlaced, installFixtureSchemas } from '../fixtures/fixture-contexts';

describe('relay killed between publishing and marking sent', () => {
  it('redelivers the event after restart, and the consumer applies it exactly once', async () => {
    const db = await createTestDatabase();
    await installFixtureSchemas(db.url);
    const prefix = kafkaPrefix('crash');
    const services = serviceUrls();

    // 1. A producer pod (MODULES=fx_orders: no consumers) writes an order; its relay
    //    publishes the event and the process is SIGKILLed before deleting the outbox row.
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, '../fixtures/crash-after-publish.main.ts')], {
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        KAFKA_BROKERS: services.kafkaBrokers,
        KAFKA_TOPIC_PREFIX: prefix,
        MODULES: 'fx_orders',
        LOG_LEVEL: 'info',
        OUTBOX_POLL_INTERVAL_MS: '50',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    recordChildOutput(child, 'crash-after-publish');
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    expect(signal).toBe('SIGKILL');
    expect(out).toMatch(/published 1/);
    const orderId = /order ([0-9a-f-]{36})/.exec(out)?.[1] ?? (await sql<{ id: string }>(db.url, 'select id from fx_orders.orders'))[0]!.id;

    // The event reached Kafka, yet the row is still in the outbox: nothing was lost.
    const topic = prefix + OrderPlaced.topic;
    expect((await readTopic(topic, { count: 1 })).filter((m) => m.key === orderId)).toHaveLength(1);
    expect(await sql(db.url, 'select * from fx_orders.outbox')).toHaveLength(1);

    // 2. After a restart the relay publishes it again: two copies of the same event id...
    const t = await startTestApp({ contexts: FIXTURE_CONTEXTS, databaseUrl: db.url, kafkaTopicPrefix: prefix });
    try {
      await eventually(
        () => sql(db.url, 'select * from fx_orders.outbox'),
        (rows) => rows.length === 0,
      );
      const copies = (await readTopic(topic, { count: 2 })).filter((m) => m.key === orderId);
      expect(copies).toHaveLength(2);
      expect(JSON.parse(copies[0]!.value).id).toBe(JSON.parse(copies[1]!.value).id);

      // ...and exactly one effect, thanks to the inbox.
      await eventually(
        () => sql<{ n: string }>(db.url, "select count(*) as n from fx_sink.inbox where consumer = 'fx_sink.record-order'"),
        ([r]) => r!.n === '1',
      );
      await new Promise((r) => setTimeout(r, 1000)); // give a second delivery every chance to show
      expect(await sql(db.url, 'select order_id from fx_sink.effects')).toEqual([{ order_id: orderId }]);
      const metrics = (await t.http().get('/metrics')).text;
      expect(metrics).toMatch(/skyro_events_delivered_total\{consumer="fx_sink.record-order",outcome="duplicate"\} 1/);
    } finally {
      await t.close();
      await db.drop();
    }
  });
});
