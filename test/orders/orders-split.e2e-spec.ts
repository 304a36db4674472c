import { Module } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ordersContext } from '@modules/orders/orders.context';
import { CreateOrderCommand, GetOrderQuery } from '@modules/orders/contract';
import { defineContext } from '@platform/context-definition';
import { newId } from '@shared-kernel';
import { kafkaPrefix, startTestApp, type TestApp } from '../support/app';
import { createTestDatabase } from '../support/database';

/** A context that uses orders's contract and runs in another process than orders. */
@Module({})
class CallerModule {}
const caller = defineContext({ name: 'orders_caller', module: CallerModule, dependsOn: ['orders'] });

/*
 * orders lifted into its own process (MODULES=orders, as its own deployment would run it):
 * a process that runs only its caller sends the same commands and queries on its buses, and
 * they travel over Kafka to the owner and back.
 */
describe('orders in its own process', () => {
  const prefix = kafkaPrefix('orders-split');
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let owner: TestApp;
  let other: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    owner = await startTestApp({ contexts: [ordersContext], databaseUrl: db.url, kafkaTopicPrefix: prefix, env: { MODULES: 'orders' } });
    other = await startTestApp({ contexts: [caller], available: [caller, ordersContext], databaseUrl: db.url, kafkaTopicPrefix: prefix });
  }, 120_000);
  afterAll(async () => {
    await Promise.all([other?.close(), owner?.close()]);
    await db?.drop();
  });

  it('answers commands and queries sent from another process over Kafka', async () => {
    const id = newId();
    const created = await other.app.get(CommandBus).execute(new CreateOrderCommand({ order: { id, name: 'Remote' } }));
    expect(created).toEqual({ id, name: 'Remote', createdAt: expect.any(String) });
    expect(await other.app.get(QueryBus).execute(new GetOrderQuery({ id }))).toEqual(created);
    expect(await other.app.get(QueryBus).execute(new GetOrderQuery({ id: newId() }))).toBeNull();
  });

  it("raises the owner's errors again on the caller's side, by code", async () => {
    const id = newId();
    await other.app.get(CommandBus).execute(new CreateOrderCommand({ order: { id, name: 'First' } }));
    await expect(other.app.get(CommandBus).execute(new CreateOrderCommand({ order: { id, name: 'Second' } }))).rejects.toMatchObject({
      code: 'ORDER_EXISTS_WITH_DIFFERENT_FIELDS',
    });
  });
});
