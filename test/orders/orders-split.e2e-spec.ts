import { Module } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { accountsContext } from '@modules/accounts/accounts.context';
import { ledgerContext } from '@modules/ledger/ledger.context';
import { ordersContext } from '@modules/orders/orders.context';
import { CreateOrderCommand, GetOrderQuery, type OrderView } from '@modules/orders/contract';
import { payInIdOf } from '@modules/orders/application/change-status/change-order-status';
import { defineContext } from '@platform/context-definition';
import { newId } from '@shared-kernel';
import { eventually, kafkaPrefix, startTestApp, type TestApp } from '../support/app';
import { createTestDatabase } from '../support/database';
import { customer, openCustomerAccount } from '../accounts/accounts-support';
import { item } from './orders-support';
import { installPaymentsStandIn, paymentsStandIn, standInCalls, StandInPayments } from './payments-stand-in';

/** A context that uses orders's contract and runs in another process than orders. */
@Module({})
class CallerModule {}
const caller = defineContext({ name: 'orders_caller', module: CallerModule, dependsOn: ['orders'] });

/*
 * orders lifted into its own process (MODULES=orders, as its own deployment would run it):
 * the other process runs ledger, accounts, payments (the TEST-ONLY stand-in, with the real
 * payments contract) and a caller. Commands and queries travel over Kafka both ways (the
 * caller's CreateOrderCommand to orders; orders' GetAccountQuery and CreatePaymentCommand
 * back), and payments' events reach orders' consumer over Kafka.
 */
describe('orders in its own process', () => {
  const prefix = kafkaPrefix('orders-split');
  const available = [ledgerContext, accountsContext, paymentsStandIn, ordersContext, caller];
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let owner: TestApp;
  let other: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    await installPaymentsStandIn(db.url);
    owner = await startTestApp({
      contexts: [ordersContext],
      available,
      databaseUrl: db.url,
      redis: true,
      kafkaTopicPrefix: prefix,
      env: { MODULES: 'orders' },
    });
    other = await startTestApp({
      contexts: [ledgerContext, accountsContext, paymentsStandIn, caller],
      available,
      databaseUrl: db.url,
      redis: true,
      kafkaTopicPrefix: prefix,
      env: { MODULES: 'ledger,accounts,payments,orders_caller' },
    });
  }, 120_000);
  afterAll(async () => {
    await Promise.all([other?.close(), owner?.close()]);
    await db?.drop();
  });

  it('[stand-in] creates an order from another process, places it, and is paid by payments events over Kafka', async () => {
    const alice = await customer(other);
    const account = await openCustomerAccount(other, alice);
    const id = newId();
    const order = { accountId: account.id, currency: 'EUR', items: [item('S-1', 2, '700')] };
    const created = await other.app.get(CommandBus).execute(new CreateOrderCommand({ id, ownerId: alice.id, order }));
    expect(created).toMatchObject({ id, ownerId: alice.id, status: 'draft', total: '1400' });
    expect(await other.app.get(QueryBus).execute(new GetOrderQuery({ id }))).toEqual(created);
    expect(await other.app.get(QueryBus).execute(new GetOrderQuery({ id: newId() }))).toBeNull();

    // The HTTP routes are the owner's (both processes share Redis, hence sessions).
    const placed = await owner
      .http()
      .post(`/v1/orders/${id}/place`)
      .set(alice.auth)
      .send({ payment: { method: 'card' } });
    expect(placed.status).toBe(200);
    expect(placed.body).toMatchObject({ status: 'placed', payments: [{ paymentId: payInIdOf(id), state: 'created' }] });
    expect(await standInCalls(db.url, payInIdOf(id), 'create')).toHaveLength(1);

    await other.app.get(StandInPayments).settle(payInIdOf(id), 'succeeded');
    const paid = await eventually(
      () => other.app.get(QueryBus).execute<GetOrderQuery, OrderView | null>(new GetOrderQuery({ id })),
      (o) => o?.status === 'paid',
      60_000,
    );
    expect(paid).toMatchObject({ status: 'paid', paidAmount: '1400' });
  });

  it("raises the owner's errors again on the caller's side, by code", async () => {
    const bob = await customer(other);
    const account = await openCustomerAccount(other, bob);
    const id = newId();
    const bus = other.app.get(CommandBus);
    await bus.execute(new CreateOrderCommand({ id, ownerId: bob.id, order: { accountId: account.id, currency: 'EUR', items: [item('A', 1, '1')] } }));
    await expect(
      bus.execute(
        new CreateOrderCommand({ id, ownerId: bob.id, order: { accountId: account.id, currency: 'EUR', items: [item('A', 1, '1')], reference: 'other' } }),
      ),
    ).rejects.toMatchObject({ code: 'ORDER_EXISTS_WITH_DIFFERENT_FIELDS' });
    // The account check crosses to accounts in the other process: someone else's account is 404.
    await expect(
      bus.execute(new CreateOrderCommand({ id: newId(), ownerId: newId(), order: { accountId: account.id, currency: 'EUR', items: [item('A', 1, '1')] } })),
    ).rejects.toMatchObject({ code: 'ACCOUNT_NOT_FOUND' });
  });
});
