import { Client } from 'pg';
import type { Tx } from '@platform/database/unit-of-work';
import { Outbox } from '@platform/messaging/outbox';
import { OutboxSignal } from '@platform/messaging/outbox-signal';
import { createTestDatabase } from '../support/database';
import { installFixtureSchemas } from '../fixtures/fixture-contexts';

describe('outbox: what an append writes', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: Client;
  let tx: Tx;

  beforeAll(async () => {
    db = await createTestDatabase();
    await installFixtureSchemas(db.url);
    client = new Client({ connectionString: db.url });
    await client.connect();
    tx = { query: (text: string, params?: unknown[]) => client.query(text, params), afterCommit: () => undefined } as unknown as Tx;
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it('stores each event in order, in one row each, with bigints as decimal strings and text kept exactly', async () => {
    const tricky = 'quotes " and \\ backslashes, a\nnewline, {braces}, commas, and ünïcødé';
    const events = [
      { topic: 'fx.orders', type: 'fx_orders.order-placed.v1', aggregateId: 'a-1', data: { amount: 12345678901234567890n, note: tricky } },
      { topic: 'fx.orders', type: 'fx_orders.order-placed.v1', aggregateId: 'a-2', data: { amount: '7', note: null } },
      { topic: 'fx.other', type: 'fx_orders.order-cancelled.v1', aggregateId: 'a-1', data: {} },
    ];
    const envelopes = await new Outbox(new OutboxSignal()).append(tx, 'fx_orders', events);
    const { rows } = await client.query<{ event_id: string; topic: string; event_type: string; aggregate_id: string; payload: string }>(
      'select event_id, topic, event_type, aggregate_id, payload from fx_orders.outbox order by id',
    );
    expect(rows.map((r) => [r.event_id, r.topic, r.event_type, r.aggregate_id])).toEqual(
      events.map((e, i) => [envelopes[i]!.id, e.topic, e.type, e.aggregateId]),
    );
    const payloads = rows.map((r) => JSON.parse(r.payload) as { id: string; data: unknown });
    expect(payloads.map((p) => p.data)).toEqual([{ amount: '12345678901234567890', note: tricky }, { amount: '7', note: null }, {}]);
    expect(payloads.map((p) => p.id)).toEqual(envelopes.map((e) => e.id));
  });

  it('refuses an aggregate id with a newline rather than misalign the columns', async () => {
    await expect(
      new Outbox(new OutboxSignal()).append(tx, 'fx_orders', [{ topic: 'fx.orders', type: 'fx_orders.order-placed.v1', aggregateId: 'a\nb', data: {} }]),
    ).rejects.toThrow('newline');
  });
});
