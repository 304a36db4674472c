import { createTestDatabase, sql } from '../support/database';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { FIXTURE_CONTEXTS, installFixtureSchemas } from '../fixtures/fixture-contexts';
import { EventTransport } from '@platform/messaging/event-transport';

describe('outbox without Kafka: in-process delivery', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let t: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    await installFixtureSchemas(db.url);
    t = await startTestApp({ contexts: FIXTURE_CONTEXTS, databaseUrl: db.url, env: { CONSUMER_MAX_ATTEMPTS: '2' } });
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('calls the same subscribers in-process, once per event', async () => {
    expect(t.app.get(EventTransport).kind).toBe('in-process');
    const res = await t.http().post('/v1/fx-orders').send({ amount: '500', currency: 'USD' });
    const orderId = res.body.id as string;
    const rows = await eventually(
      () => sql(db.url, 'select order_id from fx_sink.effects where order_id = $1', [orderId]),
      (r) => r.length > 0,
    );
    expect(rows).toHaveLength(1);
    expect(await sql(db.url, 'select * from fx_orders.outbox')).toHaveLength(0);
  });

  it('drops a redelivered event through the inbox', async () => {
    const res = await t.http().post('/v1/fx-orders').send({ amount: '501', currency: 'USD' });
    const orderId = res.body.id as string;
    await eventually(
      () => sql(db.url, 'select 1 from fx_sink.effects where order_id = $1', [orderId]),
      (r) => r.length === 1,
    );
    // Deliver the very same envelope again, as a relay that crashed before its commit would.
    const [{ event_id: eventId }] = (await sql<{ event_id: string }>(db.url, 'select event_id from fx_sink.effects where order_id = $1', [orderId])) as [
      { event_id: string },
    ];
    const envelope = orderPlaced(eventId, orderId, { orderId, amount: '501', currency: 'USD' });
    const handledBefore = await sql(db.url, 'select * from fx_sink.effects');
    await t.app.get(EventTransport).publish([{ id: '0', topic: 'fx.orders', aggregateId: orderId, payload: JSON.stringify(envelope) }]);
    expect(await sql(db.url, 'select * from fx_sink.effects')).toHaveLength(handledBefore.length);
  });

  it('dead-letters an event whose subscriber keeps failing, and goes on', async () => {
    const bad = await t.http().post('/v1/fx-orders').send({ amount: '13', currency: 'USD' });
    const good = await t.http().post('/v1/fx-orders').send({ amount: '502', currency: 'USD' });
    const dead = await eventually(
      () =>
        sql<{ consumer: string; attempts: number; error: string; payload: { subject: string } }>(
          db.url,
          'select consumer, attempts, error, payload from platform.dead_letters',
        ),
      (r) => r.length > 0,
    );
    expect(dead).toEqual([
      expect.objectContaining({ consumer: 'fx_sink.record-order', attempts: 2, error: expect.stringContaining('cannot handle amount 13') }),
    ]);
    expect(dead[0]!.payload.subject).toBe(bad.body.id);
    const rows = await eventually(
      () => sql(db.url, 'select 1 from fx_sink.effects where order_id = $1', [good.body.id]),
      (r) => r.length === 1,
    );
    expect(rows).toHaveLength(1);
  });

  it('parses an event with its contract before the subscriber sees it: one that does not match is dead-lettered at once', async () => {
    const orderId = '0193a5f0-8e3b-7cc1-b6a2-3c1f2d9e4aff';
    // amount is a string in the contract: a producer on another version sent a number.
    const envelope = orderPlaced('0193a5f0-8e3b-7cc1-b6a2-3c1f2d9e4b00', orderId, { orderId, amount: 42, currency: 'USD' });
    await t.app.get(EventTransport).publish([{ id: '0', topic: 'fx.orders', aggregateId: orderId, payload: JSON.stringify(envelope) }]);
    expect(await sql(db.url, 'select 1 from fx_sink.effects where order_id = $1', [orderId])).toEqual([]);
    expect(await sql(db.url, 'select consumer, attempts, error from platform.dead_letters where event_id = $1', [envelope.id])).toEqual([
      { consumer: 'fx_sink.record-order', attempts: 0, error: expect.stringContaining('event data does not match fx_orders.order-placed.v1: amount') },
    ]);
  });
  it('flushes the outbox on shutdown', async () => {
    // Only a relay that polls once a minute is left running...
    const second = await startTestApp({ contexts: FIXTURE_CONTEXTS, databaseUrl: db.url, env: { OUTBOX_POLL_INTERVAL_MS: '60000' } });
    await t.close();
    // ...and an event lands in the outbox behind its back (another pod's commit: no wake-up).
    const orderId = '0193a5f0-8e3b-7cc1-b6a2-3c1f2d9e4a99';
    const envelope = {
      specversion: '1.0',
      id: '0193a5f0-8e3b-7cc1-b6a2-3c1f2d9e4a98',
      type: 'fx_orders.order-placed.v1',
      source: 'skyro-core/fx_orders',
      subject: orderId,
      occurredAt: new Date().toISOString(),
      traceId: null,
      requestId: null,
      datacontenttype: 'application/json',
      data: { orderId, amount: '503', currency: 'USD' },
    };
    await sql(db.url, `insert into fx_orders.outbox (event_id, topic, event_type, aggregate_id, payload) values ($1, 'fx.orders', $2, $3, $4)`, [
      envelope.id,
      envelope.type,
      orderId,
      JSON.stringify(envelope),
    ]);
    await new Promise((r) => setTimeout(r, 300));
    expect(await sql(db.url, 'select * from fx_orders.outbox')).toHaveLength(1);
    await second.close();
    expect(await sql(db.url, 'select * from fx_orders.outbox')).toHaveLength(0);
    expect(await sql(db.url, 'select 1 from fx_sink.effects where order_id = $1', [orderId])).toHaveLength(1);
  });
});

/** An OrderPlaced envelope as the fixture's outbox would write it. */
function orderPlaced(id: string, orderId: string, data: Record<string, unknown>) {
  return {
    specversion: '1.0',
    id,
    type: 'fx_orders.order-placed.v1',
    source: 'skyro-core/fx_orders',
    subject: orderId,
    occurredAt: new Date().toISOString(),
    traceId: null,
    requestId: null,
    datacontenttype: 'application/json',
    data,
  };
}
