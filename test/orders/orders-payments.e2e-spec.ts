import { Clock } from '@platform/clock';
import { Scheduler } from '@platform/jobs/scheduler';
import { newId } from '@shared-kernel';
import { CONTEXTS } from '@modules/index';
import { accountsContext } from '@modules/accounts/accounts.context';
import { ledgerContext } from '@modules/ledger/ledger.context';
import { ordersContext } from '@modules/orders/orders.context';
import { payInIdOf } from '@modules/orders/application/change-status/change-order-status';
import { ORDERS_SWEEP_JOB } from '@modules/orders/application/sweep/orders-sweep.job';
import { ConnectorRegistry } from '@modules/payments/connectors/connector-registry';
import { paymentsContext } from '@modules/payments/payments.context';
import { eventually, kafkaPrefix, startTestApp, type TestApp } from '../support/app';
import { bearer, loginAs } from '../support/auth';
import { createTestDatabase, sql } from '../support/database';
import { customer, openCustomerAccount, type AccountBody, type Customer } from '../accounts/accounts-support';
import { ledgerTransfersOf, TestConnector } from '../payments/payments-support';
import { installOrdersProbe, item, orderEventsUntil, ordersProbe } from './orders-support';

/*
 * Orders paid by the real payments context (no stand-in): orders + payments + accounts +
 * ledger, with a test connector in place of the card gateway. Once in one process, once with
 * orders in its own process and payments, accounts and ledger in another (commands, queries
 * and events over Kafka). The order's pay-in is created by payments, dispatched to the
 * connector, settled on the ledger, and its events pay, cancel or refund the order.
 */
interface Rig {
  readonly db: Awaited<ReturnType<typeof createTestDatabase>>;
  /** Where orders runs (its routes, its sweep, its clock). */
  readonly orders: TestApp;
  /** Where payments, accounts and the ledger run. */
  readonly payments: TestApp;
  readonly card: TestConnector;
  close(): Promise<void>;
}

const PAYMENTS_ENV = {
  ACCOUNTS_CURRENCIES: 'EUR,USD',
  PAYMENTS_DISPATCH_INTERVAL_MS: '3600000',
  PAYMENTS_SYNC_INTERVAL_MS: '3600000',
  PAYMENTS_EVENTS_INTERVAL_MS: '3600000',
  PAYMENTS_RETRY_BASE_MS: '1',
};
const ORDERS_ENV = { ORDERS_PAYMENT_TIMEOUT_SECONDS: '600', ORDERS_SWEEP_INTERVAL_MS: '3600000' };

async function oneProcess(): Promise<Rig> {
  const db = await createTestDatabase();
  await installOrdersProbe(db.url);
  const t = await startTestApp({
    contexts: [ledgerContext, accountsContext, paymentsContext, ordersContext, ordersProbe],
    databaseUrl: db.url,
    env: { ...PAYMENTS_ENV, ...ORDERS_ENV },
  });
  const card = new TestConnector('stripe', ['card', 'wallet']);
  t.app.get(ConnectorRegistry).register(card);
  return {
    db,
    orders: t,
    payments: t,
    card,
    async close() {
      card.open();
      await t.close();
      await db.drop();
    },
  };
}

async function twoProcesses(): Promise<Rig> {
  const db = await createTestDatabase();
  await installOrdersProbe(db.url);
  const prefix = kafkaPrefix('orders-payments');
  const available = [...CONTEXTS, ordersProbe];
  const orders = await startTestApp({
    contexts: [ordersContext, ordersProbe],
    available,
    databaseUrl: db.url,
    redis: true,
    kafkaTopicPrefix: prefix,
    env: { MODULES: 'orders,orders_probe', ...ORDERS_ENV },
  });
  const payments = await startTestApp({
    contexts: [ledgerContext, accountsContext, paymentsContext],
    available,
    databaseUrl: db.url,
    redis: true,
    kafkaTopicPrefix: prefix,
    env: { MODULES: 'ledger,accounts,payments', ...PAYMENTS_ENV },
  });
  const card = new TestConnector('stripe', ['card', 'wallet']);
  payments.app.get(ConnectorRegistry).register(card);
  return {
    db,
    orders,
    payments,
    card,
    async close() {
      card.open();
      await Promise.all([orders.close(), payments.close()]);
      await db.drop();
    },
  };
}

function scenarios(name: string, start: () => Promise<Rig>): void {
  describe(name, () => {
    let rig: Rig;
    let support: Record<string, string>;

    beforeAll(async () => {
      rig = await start();
      support = bearer((await loginAs(rig.orders.app, newId(), ['support'])).token);
    }, 120_000);
    afterAll(async () => rig?.close());

    const ledgerAuth = async () => bearer((await loginAs(rig.payments.app, newId(), ['admin'])).token);
    const balances = async (ledgerAccountId: string) =>
      (
        await rig.payments
          .http()
          .get(`/v1/ledger/accounts/${ledgerAccountId}`)
          .set(await ledgerAuth())
      ).body.balances as { posted: string; pending: string };
    const shopper = async (): Promise<{ who: Customer; account: AccountBody }> => {
      const who = await customer(rig.payments);
      // Split, the two processes share sessions through Redis.
      return { who, account: await openCustomerAccount(rig.payments, who) };
    };
    const orderOf = (who: Customer, id: string) => rig.orders.http().get(`/v1/orders/${id}`).set(who.auth);
    const orderWhen = (who: Customer, id: string, accept: (o: OrderBody) => boolean) =>
      eventually(async () => (await orderOf(who, id)).body as OrderBody, accept, 40_000);
    const paymentOf = (who: Customer, id: string) => rig.payments.http().get(`/v1/payments/${id}`).set(who.auth);
    const placed = async (who: Customer, account: AccountBody) => {
      const draft = await rig.orders
        .http()
        .post('/v1/orders')
        .set({ ...who.auth, 'idempotency-key': newId() })
        .send({ accountId: account.id, currency: 'EUR', items: [item('A-1', 2, '1250'), item('B-2', 1, '500')] });
      expect(draft.status).toBe(201);
      const res = await rig.orders
        .http()
        .post(`/v1/orders/${draft.body.id}/place`)
        .set(who.auth)
        .send({ payment: { method: 'card', paymentMethodToken: 'pm_card_visa' } });
      expect(res.status).toBe(200);
      return res.body as OrderBody;
    };

    /** Runs the orders sweep as if the order's payment were overdue. */
    const sweepAfterDue = async (order: OrderBody) => {
      const clock = rig.orders.app.get(Clock);
      clock.now = () => Date.parse(order.paymentDueAt!) + 1000;
      try {
        await rig.orders.app.get(Scheduler).runNow(ORDERS_SWEEP_JOB);
      } finally {
        clock.now = () => Date.now();
      }
    };

    it('place → a real pay-in → its success pays the order → fulfil → refund through the real refund path (ledger checked)', async () => {
      const { who, account } = await shopper();
      const order = await placed(who, account);
      const paymentId = payInIdOf(order.id);
      const paid = await orderWhen(who, order.id, (o) => o.status === 'paid');
      expect(paid).toMatchObject({ paidAmount: '3000', payments: [{ paymentId, state: 'succeeded', amount: '3000' }] });
      const payment = (await paymentOf(who, paymentId)).body;
      expect(payment).toMatchObject({ kind: 'pay_in', orderId: order.id, state: 'succeeded', amount: '3000', connector: 'stripe' });
      expect(rig.card.calls.filter((c) => c.paymentId === paymentId && c.operation === 'authorize')).toHaveLength(1);
      expect(await balances(account.ledgerAccountId)).toMatchObject({ posted: '3000', pending: '0' });

      const fulfilled = await rig.orders.http().post(`/v1/orders/${order.id}/fulfil`).set(support);
      expect(fulfilled.body.status).toBe('fulfilled');

      const refunded = await rig.orders.http().post(`/v1/orders/${order.id}/refund`).set(who.auth);
      expect(refunded.status).toBe(200);
      expect(refunded.body.status).toBe('refunded');
      const settled = await orderWhen(who, order.id, (o) => o.payments[0]!.state === 'refunded');
      expect(settled).toMatchObject({ status: 'refunded', refundedAmount: '3000' });
      expect((await paymentOf(who, paymentId)).body).toMatchObject({ state: 'refunded', refundedAmount: '3000' });
      const refunds = await sql<{ id: string; state: string; amount: string }>(
        rig.db.url,
        'select id, state, amount::text from payments.refunds where payment_id = $1',
        [paymentId],
      );
      expect(refunds).toEqual([{ id: expect.any(String), state: 'succeeded', amount: '3000' }]);
      expect(rig.card.calls.filter((c) => c.paymentId === paymentId && c.operation === 'refund')).toHaveLength(1);
      expect(await ledgerTransfersOf(rig.db.url, paymentId, [refunds[0]!.id])).toEqual([
        { step: 'credit', kind: 'posted', amount: '3000' },
        { step: `refund:${refunds[0]!.id}:hold`, kind: 'pending', amount: '3000' },
        { step: `refund:${refunds[0]!.id}:post`, kind: 'post_pending', amount: '3000' },
      ]);
      expect(await balances(account.ledgerAccountId)).toMatchObject({ posted: '0', pending: '0' });
      const events = await orderEventsUntil(rig.db.url, order.id, 'orders.order-refunded.v1');
      expect(events.map((e) => e.type)).toEqual([
        'orders.order-created.v1',
        'orders.order-placed.v1',
        'orders.order-paid.v1',
        'orders.order-fulfilled.v1',
        'orders.order-refunded.v1',
      ]);
    });

    it('an order whose payment does not arrive in time is cancelled, and its pay-in canceled at the provider; nothing is credited', async () => {
      const { who, account } = await shopper();
      rig.card.next('authorize', [{ status: 'requires_action', nextAction: { type: 'redirect', url: 'https://acs.example/3ds' } }]);
      const order = await placed(who, account);
      const paymentId = payInIdOf(order.id);
      const waiting = await orderWhen(who, order.id, (o) => o.payments[0]?.state === 'requires_action');
      // Orders hears requires_action (PaymentRequiresActionV1): the order's payment is open, the order still placed.
      expect(waiting).toMatchObject({ status: 'placed', payments: [{ paymentId, state: 'requires_action' }] });

      await sweepAfterDue(order);
      const cancelled = await orderWhen(who, order.id, (o) => o.payments[0]?.state === 'canceled');
      expect(cancelled).toMatchObject({ status: 'cancelled', cancelReason: 'payment_timeout' });
      expect((await paymentOf(who, paymentId)).body.state).toBe('canceled');
      expect(rig.card.calls.filter((c) => c.paymentId === paymentId && c.operation === 'cancel')).toHaveLength(1);
      expect(await ledgerTransfersOf(rig.db.url, paymentId)).toEqual([]);
      expect(await balances(account.ledgerAccountId)).toMatchObject({ posted: '0', pending: '0' });
    });

    it('an order that times out while its pay-in is at the gateway: payments refuses the cancel in flight, and cancels it once the gateway has answered', async () => {
      const { who, account } = await shopper();
      const reached = rig.card.hold();
      rig.card.next('authorize', [{ status: 'requires_action', nextAction: { type: 'redirect', url: 'https://acs.example/3ds' } }]);
      const order = await placed(who, account);
      const paymentId = payInIdOf(order.id);
      await reached;
      try {
        await sweepAfterDue(order);
        expect((await orderOf(who, order.id)).body.status).toBe('cancelled');
        const [asked] = await sql<{ action: string | null; last_error: string | null }>(
          rig.db.url,
          'select action, last_error from orders.order_payments where payment_id = $1',
          [paymentId],
        );
        expect(asked).toEqual({ action: null, last_error: 'PAYMENT_IN_FLIGHT' });
        expect((await paymentOf(who, paymentId)).body.state).toBe('created');
      } finally {
        rig.card.open();
      }
      // The gateway's answer (requires_action) reaches the cancelled order, which asks for the cancel again.
      const done = await orderWhen(who, order.id, (o) => o.payments[0]?.state === 'canceled');
      expect(done).toMatchObject({ status: 'cancelled', cancelReason: 'payment_timeout' });
      expect((await paymentOf(who, paymentId)).body.state).toBe('canceled');
      expect(rig.card.calls.filter((c) => c.paymentId === paymentId && c.operation === 'cancel')).toHaveLength(1);
      expect(await ledgerTransfersOf(rig.db.url, paymentId)).toEqual([]);
    });
  });
}

interface OrderBody {
  id: string;
  status: string;
  paymentDueAt: string | null;
  paidAmount: string;
  refundedAmount: string;
  cancelReason: string | null;
  payments: Array<{ paymentId: string; state: string | null; amount: string }>;
}

scenarios('orders paid by the real payments context, in one process', oneProcess);
scenarios('orders paid by the real payments context, orders in its own process (over Kafka)', twoProcesses);
