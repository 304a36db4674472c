import { createTestDatabase, sql } from '../support/database';
import { eventually, kafkaPrefix, startTestApp, type TestApp } from '../support/app';
import { readTopic } from '../support/kafka';
import { FIXTURE_CONTEXTS, OrderPlaced, installFixtureSchemas } from '../fixtures/fixture-contexts';

describe('outbox → Kafka → inbox (real broker)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let t: TestApp;
  const prefix = kafkaPrefix('outbox');
  const topic = prefix + OrderPlaced.topic;

  beforeAll(async () => {
    db = await createTestDatabase();
    await installFixtureSchemas(db.url);
    t = await startTestApp({ contexts: FIXTURE_CONTEXTS, databaseUrl: db.url, kafkaTopicPrefix: prefix, redis: true, env: { CONSUMER_MAX_ATTEMPTS: '3' } });
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  const effectsOf = (orderId: string) =>
    sql<{ n: string; trace_id: string | null }>(db.url, 'select count(*) as n, max(trace_id) as trace_id from fx_sink.effects where order_id = $1', [orderId]);

  it('delivers a committed change to Kafka, keyed by aggregate, and to the subscriber once', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await t
      .http()
      .post('/v1/fx-orders')
      .set('x-request-id', 'req-outbox-1')
      .set('traceparent', `00-${traceId}-00f067aa0ba902b7-01`)
      .send({ amount: '1250', currency: 'EUR' });
    expect(res.status).toBe(201);
    const orderId = res.body.id as string;

    const [effects] = await eventually(
      () => effectsOf(orderId),
      ([r]) => r!.n === '1',
    );
    expect(effects).toEqual({ n: '1', trace_id: traceId });

    const messages = (await readTopic(topic, { count: 1 })).filter((m) => m.key === orderId);
    expect(messages).toHaveLength(1);
    const envelope = JSON.parse(messages[0]!.value) as Record<string, unknown>;
    expect(envelope).toMatchObject({
      specversion: '1.0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: 'fx_orders.order-placed.v1',
      source: 'skyro-core/fx_orders',
      subject: orderId,
      occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      traceId,
      requestId: 'req-outbox-1',
      data: { orderId, amount: '1250', currency: 'EUR' },
    });
    expect(await sql(db.url, 'select * from fx_orders.outbox')).toHaveLength(0);
  });

  it('publishes nothing for a rolled-back change', async () => {
    const res = await t.http().post('/v1/fx-orders?fail=after-append').send({ amount: '777', currency: 'EUR' });
    expect(res.status).toBe(409);
    expect(await sql(db.url, 'select * from fx_orders.orders where amount = 777')).toHaveLength(0);
    expect(await sql(db.url, 'select * from fx_orders.outbox')).toHaveLength(0);
    const all = await readTopic(topic, { quietMs: 1500 });
    expect(all.map((m) => JSON.parse(m.value).data.amount)).not.toContain('777');
  });

  it('retries a failing subscriber, then dead-letters the event with the error', async () => {
    const res = await t.http().post('/v1/fx-orders').send({ amount: '13', currency: 'EUR' });
    const orderId = res.body.id as string;
    const dead = (await readTopic(topic + '.dlq', { count: 1 })).filter((m) => m.key === orderId);
    expect(dead).toHaveLength(1);
    expect(dead[0]!.headers).toMatchObject({
      'x-consumer': 'fx_sink.record-order',
      'x-attempts': '3',
      'x-original-topic': topic,
      'x-error': expect.stringContaining('cannot handle amount 13'),
    });
    expect((await effectsOf(orderId))[0]!.n).toBe('0');
    // The consumer moved on: later events are still handled.
    const next = await t.http().post('/v1/fx-orders').send({ amount: '14', currency: 'EUR' });
    await eventually(
      () => effectsOf(next.body.id),
      ([r]) => r!.n === '1',
    );
    expect((await effectsOf(next.body.id))[0]!.n).toBe('1');
  });

  it('exposes outbox lag, consumer lag and delivery counts as metrics', async () => {
    const res = await t.http().get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/skyro_outbox_lag_seconds\{context="fx_orders"\} \d/);
    expect(res.text).toMatch(/skyro_outbox_pending_events\{context="fx_orders"\} \d/);
    expect(res.text).toMatch(
      new RegExp(`skyro_kafka_consumer_lag\\{group="${prefix.replace(/\./g, '\\.')}skyro\\.fx_sink",topic="[^"]+",partition="\\d+"\\} \\d+`),
    );
    expect(res.text).toMatch(/skyro_events_delivered_total\{consumer="fx_sink.record-order",outcome="handled"\} [1-9]/);
    expect(res.text).toMatch(/skyro_outbox_published_events_total\{context="fx_orders",transport="kafka"\} [1-9]/);
  });
});
