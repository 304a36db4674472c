import { CONTEXTS } from '@modules';
import { UserStreams } from '@modules/realtime/infrastructure/user-streams';
import { startTestApp, type TestApp } from '../support/app';
import { bearer, clientToken, loginAs } from '../support/auth';
import { createTestDatabase } from '../support/database';
import { newUuid } from '../ledger/ledger-support';
import { RealtimeClient, realtimeUrl } from './realtime-support';

/*
 * The embedded default: no Redis, no Kafka. The history and fan-out are in-process
 * (MemoryUserStreams) and sign-outs reach the gateway through SessionStore's own notices.
 */
describe('realtime gateway without Redis and Kafka', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let t: TestApp;
  const clients: RealtimeClient[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestApp({ contexts: CONTEXTS, databaseUrl: db.url, listen: true, env: { REALTIME_HISTORY_SIZE: '12' } });
  }, 60_000);
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  const connect = async (token: string, after?: string) => {
    const client = await RealtimeClient.authenticated(realtimeUrl(t.app), token, after);
    clients.push(client);
    return client;
  };

  it('pushes balance changes to their owner only, and resumes from the history', async () => {
    expect(t.app.get(UserStreams).kind).toBe('memory');
    const ledgerAuth = bearer(await clientToken(t.app, 'realtime-embedded', ['ledger:write']));
    const bank = newUuid();
    await t.http().post('/v1/ledger/accounts').set(ledgerAuth).send({ id: bank, currency: 'EUR', normalSide: 'debit' }).expect(201);
    const owner = newUuid();
    const { token } = await loginAs(t.app, owner);
    const stranger = await connect((await loginAs(t.app, newUuid())).token);
    const account = (await t.http().post('/v1/accounts').set(bearer(token)).send({ product: 'checking', currency: 'EUR' }).expect(201)).body as {
      id: string;
      ledgerAccountId: string;
    };
    const fund = (amount: string) =>
      t
        .http()
        .post('/v1/ledger/transfers')
        .set(ledgerAuth)
        .send({ id: newUuid(), kind: 'posted', debitAccountId: bank, creditAccountId: account.ledgerAccountId, amount, currency: 'EUR', code: 100 })
        .expect(201);

    const client = await connect(token);
    await fund('10');
    const first = await client.next((m) => m.type === 'event');
    expect(first).toMatchObject({ event: 'balance.changed', data: { accountId: account.id, balances: { posted: '10' } } });
    client.close();
    await fund('20');
    await fund('30');
    const watcher = await connect(token);
    await watcher.next(
      (m) => m.type === 'event' && m['event'] === 'balance.changed' && (m['data'] as { balances: { posted: string } }).balances.posted === '60',
    );

    const resumed = await connect(token, first['id'] as string);
    // the history also holds the in-app notifications each balance change adds (notification.added)
    expect(resumed.messages[0]).toMatchObject({ type: 'ready', gap: false });
    expect(resumed.messages[0]!['replayed']).toBeGreaterThanOrEqual(2);
    await resumed.next(
      (m) => m.type === 'event' && m['event'] === 'balance.changed' && (m['data'] as { balances: { posted: string } }).balances.posted === '60',
    );
    expect(
      resumed
        .events()
        .filter((e) => e['event'] === 'balance.changed')
        .map((e) => (e['data'] as { balances: { posted: string } }).balances.posted),
    ).toEqual(['30', '60']);
    expect(stranger.events()).toEqual([]);
  });

  it('closes the connection when its session is signed out', async () => {
    const { token, sessionId } = await loginAs(t.app, newUuid());
    const client = await connect(token);
    await t.http().delete(`/v1/sessions/${sessionId}`).set(bearer(token)).expect(204);
    expect(await client.closing(10_000)).toEqual({ code: 4410, reason: 'SESSION_ENDED' });
  });
});
