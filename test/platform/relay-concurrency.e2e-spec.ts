import { createTestDatabase, sql } from '../support/database';
import { eventually, kafkaPrefix, startTestApp } from '../support/app';
import { readTopic } from '../support/kafka';
import { fxOrders, installFixtureSchemas, OrderPlaced } from '../fixtures/fixture-contexts';

describe('several pods relaying the same outbox', () => {
  it('publishes every event exactly once and in commit order per aggregate', async () => {
    const db = await createTestDatabase();
    await installFixtureSchemas(db.url);
    const prefix = kafkaPrefix('relays');
    // Three "pods" with small batches, so they contend for the outbox many times.
    const env = { OUTBOX_BATCH_SIZE: '50', OUTBOX_POLL_INTERVAL_MS: '10' };
    const pods = await Promise.all([1, 2, 3].map(() => startTestApp({ contexts: [fxOrders], databaseUrl: db.url, kafkaTopicPrefix: prefix, env })));
    try {
      const total = 1500;
      const aggregates = 30;
      // Events written straight into the outbox, as many committing producers would.
      await sql(
        db.url,
        `insert into fx_orders.outbox (event_id, topic, event_type, aggregate_id, payload)
         select gen_random_uuid(), 'fx.orders', 'fx_orders.order-placed.v1', 'agg-' || (n % ${aggregates}),
                jsonb_build_object('id', gen_random_uuid(), 'type', 'fx_orders.order-placed.v1', 'subject', 'agg-' || (n % ${aggregates}), 'data', jsonb_build_object('seq', n))::text
         from generate_series(1, ${total}) as n`,
      );
      await eventually(
        () => sql(db.url, 'select 1 from fx_orders.outbox limit 1'),
        (rows) => rows.length === 0,
        30_000,
      );
      const messages = await readTopic(prefix + OrderPlaced.topic, { count: total, quietMs: 1000 });
      const seqs = messages.map((m) => (JSON.parse(m.value) as { data: { seq: number } }).data.seq);
      expect(seqs).toHaveLength(total);
      expect(new Set(seqs).size).toBe(total);

      const perAggregate = new Map<string, number[]>();
      for (const m of messages) perAggregate.set(m.key!, [...(perAggregate.get(m.key!) ?? []), (JSON.parse(m.value) as { data: { seq: number } }).data.seq]);
      for (const list of perAggregate.values()) expect(list).toEqual([...list].sort((a, b) => a - b));
    } finally {
      await Promise.all(pods.map((p) => p.close()));
      await db.drop();
    }
  });
});
