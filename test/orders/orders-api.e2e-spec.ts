import { Injectable, Module } from '@nestjs/common';
import { ordersContext } from '@modules/orders/orders.context';
import { OrderCreatedV1 } from '@modules/orders/contract';
import { defineContext } from '@platform/context-definition';
import { contextSchemaSql } from '@platform/database/context-schema';
import type { Tx } from '@platform/database/unit-of-work';
import { OnIntegrationEvent, type IntegrationEventHandler } from '@platform/messaging/subscriptions';
import { newId, type EventEnvelope } from '@shared-kernel';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { bearer, clientToken } from '../support/auth';
import { createTestDatabase, sql } from '../support/database';

/** A test-only context standing in for a consumer: records every orders event it receives. */
@Injectable()
@OnIntegrationEvent({ context: 'orders_probe', name: 'record', events: [OrderCreatedV1] })
class RecordEvents implements IntegrationEventHandler {
  async handle(event: EventEnvelope, tx: Tx): Promise<void> {
    await tx.query('insert into orders_probe.events (event_id, type, subject, data) values ($1, $2, $3, $4)', [
      event.id,
      event.type,
      event.subject,
      JSON.stringify(event.data),
    ]);
  }
}

@Module({ providers: [RecordEvents] })
class ProbeModule {}

const probe = defineContext({ name: 'orders_probe', module: ProbeModule });

describe('orders API', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let t: TestApp;
  let writer: Record<string, string>;
  let reader: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    await sql(
      db.url,
      [...contextSchemaSql('orders_probe'), 'create table orders_probe.events (event_id uuid, type text, subject text, data jsonb)'].join(';\n'),
    );
    t = await startTestApp({ contexts: [ordersContext, probe], databaseUrl: db.url });
    writer = bearer(await clientToken(t.app, 'orders-writer', ['orders:read', 'orders:write']));
    reader = bearer(await clientToken(t.app, 'orders-reader', ['orders:read']));
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  const create = (body: object, headers: Record<string, string> = writer) => t.http().post('/v1/orders').set(headers).send(body);
  const eventsOf = (id: string) =>
    eventually(
      () => sql<{ type: string; data: unknown }>(db.url, 'select type, data from orders_probe.events where subject = $1', [id]),
      (rows) => rows.length > 0,
    );

  it('creates a order (201) and reads it back (200)', async () => {
    const id = newId();
    const created = await create({ id, name: 'First' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id, name: 'First', createdAt: expect.any(String) });

    const read = await t.http().get(`/v1/orders/${id}`).set(reader);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
  });

  it('replays a create with the same Idempotency-Key: the same answer, one order, one event', async () => {
    const id = newId();
    const key = `create-${id}`;
    const first = await create({ id, name: 'Once' }, { ...writer, 'idempotency-key': key });
    const replay = await create({ id, name: 'Once' }, { ...writer, 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    // Without the key, the id alone makes the command idempotent; other fields conflict.
    expect((await create({ id, name: 'Once' })).body).toEqual(first.body);
    const conflict = await create({ id, name: 'Twice' });
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe('ORDER_EXISTS_WITH_DIFFERENT_FIELDS');

    // The outbox is relayed in order: once a later create's event has arrived, a second event of this one would have too.
    const later = newId();
    await create({ id: later, name: 'Later' });
    await eventsOf(later);
    expect(await eventsOf(id)).toHaveLength(1);
  });

  it('refuses invalid input with 400 naming the field, before anything is written', async () => {
    const id = newId();
    const blank = await create({ id, name: '  ' });
    expect(blank.status).toBe(400);
    expect(blank.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ field: 'name' })] });
    const unknown = await create({ id, name: 'Fine', colour: 'red' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'colour' })]);
    const badId = await t.http().get('/v1/orders/not-a-uuid').set(reader);
    expect(badId.status).toBe(400);
    expect(badId.body.errors).toEqual([expect.objectContaining({ field: 'id' })]);
    expect((await t.http().get(`/v1/orders/${id}`).set(reader)).status).toBe(404);
  });

  it('answers 404 for an unknown order', async () => {
    const res = await t.http().get(`/v1/orders/${newId()}`).set(reader);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('ORDER_NOT_FOUND');
  });

  it('needs orders:write to create and orders:read to read (403), and a token at all (401)', async () => {
    const denied = await create({ id: newId(), name: 'Nope' }, reader);
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('PERMISSION_DENIED');
    const stranger = bearer(await clientToken(t.app, 'orders-stranger', []));
    expect((await t.http().get(`/v1/orders/${newId()}`).set(stranger)).status).toBe(403);
    expect((await t.http().get(`/v1/orders/${newId()}`)).status).toBe(401);
  });

  it('publishes OrderCreatedV1 through its outbox to subscribers', async () => {
    const id = newId();
    const created = await create({ id, name: 'Published' });
    const events = await eventsOf(id);
    expect(events).toEqual([{ type: 'orders.order-created.v1', data: { order: created.body } }]);
  });

  it('validates its configuration slice at boot, naming the variable', async () => {
    await expect(startTestApp({ contexts: [ordersContext], databaseUrl: db.url, env: { ORDERS_PAGE_SIZE: '0' } })).rejects.toThrow(
      'Invalid configuration: ORDERS_PAGE_SIZE must be at least 1',
    );
  });
});
