import { CONTEXTS } from '@modules';
import { realtimeContext } from '@modules/realtime/realtime.context';
import { Metrics } from '@platform/metrics/metrics';
import { eventually, kafkaPrefix, startTestApp, type TestApp } from '../support/app';
import { bearer, clientToken, loginAs } from '../support/auth';
import { createTestDatabase } from '../support/database';
import { newUuid } from '../ledger/ledger-support';
import { isBalanceChange, RealtimeClient, realtimeUrl } from './realtime-support';

/*
 * The gateway as its own deployment: one app runs identity, ledger, accounts and
 * notifications (MODULES=all,-realtime); two "pods" run only realtime (MODULES=realtime), all
 * on the same PostgreSQL, Redis and Kafka. Balance changes reach the pods over Kafka (one pod
 * of the consumer group takes each event) and the other pod's clients over Redis pub/sub;
 * sign-outs on the identity process close connections on the realtime pods.
 */
describe('realtime in its own deployment, two pods', () => {
  const prefix = kafkaPrefix('realtime-split');
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let core: TestApp;
  let pods: TestApp[];
  const clients: RealtimeClient[] = [];
  let ledgerAuth: Record<string, string>;
  let bank: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const others = CONTEXTS.filter((c) => c !== realtimeContext);
    core = await startTestApp({
      contexts: others,
      available: CONTEXTS,
      databaseUrl: db.url,
      redis: true,
      kafkaTopicPrefix: prefix,
      env: { MODULES: 'all,-realtime' },
    });
    pods = await Promise.all(
      [1, 2].map(() =>
        startTestApp({
          contexts: [realtimeContext],
          available: CONTEXTS,
          databaseUrl: db.url,
          redis: true,
          kafkaTopicPrefix: prefix,
          listen: true,
          env: { MODULES: 'realtime' },
        }),
      ),
    );
    ledgerAuth = bearer(await clientToken(core.app, 'realtime-split', ['ledger:read', 'ledger:write']));
    bank = newUuid();
    await core.http().post('/v1/ledger/accounts').set(ledgerAuth).send({ id: bank, currency: 'EUR', normalSide: 'debit' }).expect(201);
  }, 180_000);
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(async () => {
    await Promise.all((pods ?? []).map((p) => p.close()));
    await core?.close();
    await db?.drop();
  });

  const connect = async (pod: TestApp, token: string, after?: string) => {
    const client = await RealtimeClient.authenticated(realtimeUrl(pod.app), token, after);
    clients.push(client);
    return client;
  };
  const customerWithAccount = async () => {
    const id = newUuid();
    const { token, sessionId } = await loginAs(core.app, id);
    const res = await core.http().post('/v1/accounts').set(bearer(token)).send({ product: 'savings', currency: 'EUR' }).expect(201);
    return { id, token, sessionId, account: res.body as { id: string; ledgerAccountId: string } };
  };
  const fund = (ledgerAccountId: string, amount: string) =>
    core
      .http()
      .post('/v1/ledger/transfers')
      .set(ledgerAuth)
      .send({ id: newUuid(), kind: 'posted', debitAccountId: bank, creditAccountId: ledgerAccountId, amount, currency: 'EUR', code: 100 })
      .expect(201);
  const handledBy = async (pod: TestApp) => {
    const metric = await pod.app.get(Metrics).eventsDelivered.get();
    return metric.values
      .filter((v) => v.labels['consumer'] === 'realtime.fan-out.accounts.events' && v.labels['outcome'] === 'handled')
      .reduce((n, v) => n + v.value, 0);
  };

  it('delivers an event consumed by one pod to the clients of both', async () => {
    const user = await customerWithAccount();
    const onFirst = await connect(pods[0]!, user.token);
    const onSecond = await connect(pods[1]!, user.token);
    const handledBefore = await Promise.all(pods.map(handledBy));
    await fund(user.account.ledgerAccountId, '1200');
    const [a, b] = await Promise.all([onFirst, onSecond].map((c) => c.next(isBalanceChange, 60_000)));
    expect(a).toEqual(b);
    expect(a).toMatchObject({ event: 'balance.changed', data: { accountId: user.account.id, balances: { posted: '1200' } } });
    // One pod took it from Kafka; the other pod's client had it over Redis.
    // (The count follows the inbox transaction, which commits after the publish.)
    const handled = await eventually(
      async () => (await Promise.all(pods.map(handledBy))).map((n, i) => n - handledBefore[i]!),
      (counts) => counts[0]! + counts[1]! >= 1,
    );
    expect(handled.sort()).toEqual([0, 1]);
  }, 90_000);

  it('resumes on the other pod from the event id the first one sent', async () => {
    const user = await customerWithAccount();
    const first = await connect(pods[0]!, user.token);
    await fund(user.account.ledgerAccountId, '100');
    const last = (await first.next(isBalanceChange, 60_000))['id'] as string;
    first.close();
    await fund(user.account.ledgerAccountId, '200');
    // The second event is in the history once a connection of the user sees it live.
    const watcher = await connect(pods[1]!, user.token);
    await watcher.next((m) => isBalanceChange(m) && (m['data'] as { balances: { posted: string } }).balances.posted === '300', 60_000);
    const resumed = await connect(pods[1]!, user.token, last);
    // (the history also holds the in-app notification.added events the balance changes bring)
    expect(resumed.messages[0]).toMatchObject({ type: 'ready', gap: false });
    expect((await resumed.next(isBalanceChange))['data']).toMatchObject({ balances: { posted: '300' } });
  }, 90_000);

  it('closes connections on both pods when the identity process signs the session out', async () => {
    const user = await customerWithAccount();
    const onFirst = await connect(pods[0]!, user.token);
    const onSecond = await connect(pods[1]!, user.token);
    await core.http().delete(`/v1/sessions/${user.sessionId}`).set(bearer(user.token)).expect(204);
    expect(await onFirst.closing(10_000)).toEqual({ code: 4410, reason: 'SESSION_ENDED' });
    expect(await onSecond.closing(10_000)).toEqual({ code: 4410, reason: 'SESSION_ENDED' });
  });
});
