import { request as httpRequest } from 'node:http';
import { CONTEXTS } from '@modules';
import { UserStreams } from '@modules/realtime/infrastructure/user-streams';
import { RealtimeGateway } from '@modules/realtime/api/realtime.gateway';
import { AccessTokens } from '@platform/auth/access-tokens';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { Outbox } from '@platform/messaging/outbox';
import { PaymentFailedV1, PaymentReturnedV1, type PaymentView } from '@modules/payments/contract';
import { kafkaPrefix, startTestApp, type TestApp } from '../support/app';
import { bearer, clientToken, loginAs } from '../support/auth';
import { createTestDatabase } from '../support/database';
import { newUuid } from '../ledger/ledger-support';
import { isBalanceChange, RealtimeClient, realtimeUrl, within } from './realtime-support';

/*
 * The realtime gateway in one app running every context, on the real PostgreSQL, Redis and
 * Kafka: balance changes travel ledger -> Kafka -> accounts -> Kafka -> realtime -> Redis ->
 * the WebSocket. Bounds are set low (heartbeat 400 ms, 64 KiB unsent, 4 KiB frames) so that
 * each can be reached quickly.
 */
describe('realtime gateway', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let t: TestApp;
  let url: string;
  let ledgerAuth: Record<string, string>;
  let bank: string;
  const clients: RealtimeClient[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestApp({
      contexts: CONTEXTS,
      databaseUrl: db.url,
      redis: true,
      kafkaTopicPrefix: kafkaPrefix('realtime'),
      listen: true,
      env: {
        REALTIME_HEARTBEAT_MS: '400',
        REALTIME_AUTH_TIMEOUT_MS: '1500',
        REALTIME_MAX_BUFFERED_BYTES: '65536',
        REALTIME_MAX_FRAME_BYTES: '4096',
        REALTIME_MAX_CONNECTIONS_PER_USER: '5',
        REALTIME_MAX_MESSAGES_PER_10S: '30',
        REALTIME_HISTORY_SIZE: '5',
      },
    });
    url = realtimeUrl(t.app);
    ledgerAuth = bearer(await clientToken(t.app, 'realtime-tests', ['ledger:read', 'ledger:write']));
    bank = newUuid();
    const res = await t.http().post('/v1/ledger/accounts').set(ledgerAuth).send({ id: bank, currency: 'EUR', normalSide: 'debit' });
    expect(res.status).toBe(201);
  }, 120_000);
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  const track = (client: RealtimeClient) => (clients.push(client), client);
  const connect = async (token: string, after?: string) => track(await RealtimeClient.authenticated(url, token, after));
  const user = async () => {
    const id = newUuid();
    const { token, sessionId } = await loginAs(t.app, id);
    return { id, token, sessionId, auth: bearer(token) };
  };
  const account = async (who: { auth: Record<string, string> }) => {
    const res = await t.http().post('/v1/accounts').set(who.auth).send({ product: 'checking', currency: 'EUR' });
    expect(res.status).toBe(201);
    return res.body as { id: string; ledgerAccountId: string };
  };
  const fund = async (to: { ledgerAccountId: string }, amount: string) => {
    const res = await t.http().post('/v1/ledger/transfers').set(ledgerAuth).send({
      id: newUuid(),
      kind: 'posted',
      debitAccountId: bank,
      creditAccountId: to.ledgerAccountId,
      amount,
      currency: 'EUR',
      code: 100,
    });
    expect(res.status).toBe(201);
  };

  describe('delivery', () => {
    it("pushes a user's own balance changes, and never another user's", async () => {
      const alice = await user();
      const bob = await user();
      const [aliceAccount, bobAccount] = await Promise.all([account(alice), account(bob)]);
      const aliceClient = await connect(alice.token);
      const bobClient = await connect(bob.token);
      expect(aliceClient.messages[0]).toEqual({ type: 'ready', userId: alice.id, tokenExpiresAt: expect.any(String), replayed: 0, gap: false });

      await fund(aliceAccount, '2500');
      const event = await aliceClient.next(isBalanceChange, 60_000);
      expect(event).toEqual({
        type: 'event',
        id: expect.stringMatching(/^\d+-\d+$/),
        event: 'balance.changed',
        occurredAt: expect.any(String),
        data: {
          accountId: aliceAccount.id,
          currency: 'EUR',
          transferId: expect.any(String),
          asOf: expect.any(String),
          balances: { posted: '2500', pending: '0', available: '2500' },
        },
      });

      // Bob's own change comes through his connection, and it is the only one there.
      await fund(bobAccount, '700');
      await bobClient.next(isBalanceChange, 60_000);
      expect(bobClient.events('balance.changed').map((e) => (e['data'] as { accountId: string }).accountId)).toEqual([bobAccount.id]);
      expect(aliceClient.events('balance.changed').map((e) => (e['data'] as { accountId: string }).accountId)).toEqual([aliceAccount.id]);
    }, 90_000);

    it("pushes a user's own payments' changes (payments.events), and never another user's", async () => {
      const alice = await user();
      const bob = await user();
      const aliceClient = await connect(alice.token);
      const bobClient = await connect(bob.token);
      const view = (ownerId: string, state: PaymentView['state'], failureCode: string | null): PaymentView => {
        const at = new Date().toISOString();
        return {
          ...{ id: newUuid(), ownerId, kind: 'payout', method: 'sepa', state, amount: '4200', currency: 'EUR', fee: '10', refundedAmount: '0' },
          ...{ accountId: newUuid(), counterpartyAccountId: null, beneficiaryId: newUuid(), orderId: null, connector: 'sepa', providerReference: 'PRV-9' },
          ...{ nextAction: null, failureCode, review: null, reference: 'Rent March', createdAt: at, updatedAt: at },
        };
      };
      const returned = view(alice.id, 'returned', 'AC04');
      const failed = view(bob.id, 'failed', 'INSUFFICIENT_FUNDS');
      // As the payments context appends them: its outbox, Kafka, the realtime subscriber of payments.events.
      await t.app
        .get(UnitOfWork)
        .run((tx) =>
          t.app.get(Outbox).append(tx, 'payments', [PaymentReturnedV1(returned.id, { payment: returned }), PaymentFailedV1(failed.id, { payment: failed })]),
        );

      const event = await aliceClient.next((m) => m.type === 'event' && m['event'] === 'payment.returned', 60_000);
      expect(event).toEqual({
        type: 'event',
        id: expect.stringMatching(/^\d+-\d+$/),
        event: 'payment.returned',
        occurredAt: expect.any(String),
        data: {
          paymentId: returned.id,
          kind: 'payout',
          method: 'sepa',
          state: 'returned',
          accountId: returned.accountId,
          amount: '4200',
          currency: 'EUR',
          refundedAmount: '0',
          failureCode: 'AC04',
          updatedAt: returned.updatedAt,
        },
      });
      const bobs = await bobClient.next((m) => m.type === 'event' && m['event'] === 'payment.failed', 60_000);
      expect((bobs['data'] as { paymentId: string }).paymentId).toBe(failed.id);
      expect(aliceClient.messages.filter((m) => m.type === 'event' && String(m['event']).startsWith('payment.'))).toHaveLength(1);
      expect(bobClient.messages.filter((m) => m.type === 'event' && String(m['event']).startsWith('payment.'))).toHaveLength(1);
    }, 90_000);

    it('sends every connection of the user (a phone and a browser) the same event, once', async () => {
      const carol = await user();
      const streams = t.app.get(UserStreams);
      const phone = await connect(carol.token);
      const browser = await connect(carol.token);
      // Both are open connections in /metrics (connections of earlier tests may still be closing: at least).
      const scraped = (await t.http().get('/metrics').expect(200)).text;
      const gauge = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(scraped)?.[1]);
      expect(gauge('skyro_realtime_connections')).toBeGreaterThanOrEqual(2);
      expect(gauge('skyro_realtime_users')).toBeGreaterThanOrEqual(1);
      const id = await streams.publish(carol.id, { event: 'test.ping', occurredAt: new Date().toISOString(), data: { n: 1 } }, newUuid());
      // The same dedupe key again (a redelivered integration event) sends nothing.
      const key = newUuid();
      await streams.publish(carol.id, { event: 'test.ping', occurredAt: new Date().toISOString(), data: { n: 2 } }, key);
      expect(await streams.publish(carol.id, { event: 'test.ping', occurredAt: new Date().toISOString(), data: { n: 2 } }, key)).toBeNull();
      for (const client of [phone, browser]) {
        await client.next((m) => m.type === 'event' && (m['data'] as { n: number }).n === 2);
        expect(client.events().map((e) => [e['id'], (e['data'] as { n: number }).n])).toEqual([
          [id, 1],
          [expect.any(String), 2],
        ]);
      }
    });

    it('resumes after a reconnect from the last event id, and says when the history no longer reaches back', async () => {
      const dave = await user();
      const streams = t.app.get(UserStreams);
      const publish = (n: number) => streams.publish(dave.id, { event: 'test.ping', occurredAt: new Date().toISOString(), data: { n } }, newUuid());
      const first = await connect(dave.token);
      await publish(1);
      const last = (await first.next((m) => m.type === 'event'))['id'] as string;
      first.close();
      await publish(2);
      await publish(3);

      const again = await connect(dave.token, last);
      expect(again.messages[0]).toMatchObject({ type: 'ready', replayed: 2, gap: false });
      await again.next((m) => m.type === 'event' && (m['data'] as { n: number }).n === 3);
      await publish(4);
      await again.next((m) => m.type === 'event' && (m['data'] as { n: number }).n === 4);
      expect(again.events().map((e) => (e['data'] as { n: number }).n)).toEqual([2, 3, 4]);

      // Authorization on the upgrade resumes with Last-Event-ID.
      const byHeader = track(await RealtimeClient.connect(url, { headers: { authorization: `Bearer ${dave.token}`, 'last-event-id': last } }));
      await byHeader.next((m) => m.type === 'event' && (m['data'] as { n: number }).n === 4);
      expect(byHeader.messages[0]).toMatchObject({ type: 'ready', replayed: 3, gap: false });

      // The history keeps 5 events here: after 6 more, the old id is out of reach.
      for (let n = 5; n <= 10; n++) await publish(n);
      const late = await connect(dave.token, last);
      expect(late.messages[0]).toMatchObject({ type: 'ready', replayed: 5, gap: true });
      await late.next((m) => m.type === 'event' && (m['data'] as { n: number }).n === 10);
      expect(late.events().map((e) => (e['data'] as { n: number }).n)).toEqual([6, 7, 8, 9, 10]);

      // `resume` is also a message, allowed before anything was delivered.
      const viaMessage = await connect(dave.token);
      viaMessage.send({ type: 'resume', after: late.events()[3]!['id'] });
      await viaMessage.next((m) => m.type === 'resumed');
      await viaMessage.next((m) => m.type === 'event');
      expect(viaMessage.events().map((e) => (e['data'] as { n: number }).n)).toEqual([10]);
      viaMessage.send({ type: 'resume', after: last });
      expect(await viaMessage.next((m) => m.type === 'error')).toMatchObject({ code: 'RESUME_TOO_LATE' });
    });
  });

  describe('sessions and tokens', () => {
    it('closes the connections of a session when it is signed out (4410), not those of other sessions', async () => {
      const erin = await user();
      const other = await loginAs(t.app, erin.id);
      const doomed = await connect(erin.token);
      const kept = await connect(other.token);
      const started = Date.now();
      const res = await t.http().delete(`/v1/sessions/${erin.sessionId}`).set(erin.auth);
      expect(res.status).toBe(204);
      expect(await doomed.closing(10_000)).toEqual({ code: 4410, reason: 'SESSION_ENDED' });
      process.stdout.write(`realtime: revoked session closed ${Date.now() - started} ms after DELETE /v1/sessions/:id started\n`);
      kept.send({ type: 'ping' });
      await kept.next((m) => m.type === 'pong');
      expect(kept.closed).toBeUndefined();
    });

    it('refuses bad, expired, revoked and service-client tokens', async () => {
      const frank = await user();
      const refusedWith = async (token: string) => {
        const client = track(await RealtimeClient.connect(url));
        client.send({ type: 'auth', token });
        return client.closing();
      };
      expect(await refusedWith('not-a-token')).toEqual({ code: 4401, reason: 'INVALID_TOKEN' });
      expect(await refusedWith(frank.token.slice(0, -3) + 'AAA')).toEqual({ code: 4401, reason: 'INVALID_TOKEN' });
      const expired = await t.app.get(AccessTokens).issue({ subject: frank.id, roles: ['customer'], sessionId: frank.sessionId, ttlSeconds: -60 });
      expect(await refusedWith(expired.token)).toEqual({ code: 4401, reason: 'INVALID_TOKEN' });
      expect(await refusedWith(await clientToken(t.app, 'a-service', ['ledger:read']))).toEqual({ code: 4403, reason: 'USER_REQUIRED' });
      const gone = await user();
      await t.http().delete(`/v1/sessions/${gone.sessionId}`).set(gone.auth).expect(204);
      expect(await refusedWith(gone.token)).toEqual({ code: 4401, reason: 'SESSION_REVOKED' });

      // Not authenticating in time.
      const silent = track(await RealtimeClient.connect(url));
      expect(await silent.closing()).toEqual({ code: 4401, reason: 'AUTHENTICATION_TIMEOUT' });

      // Authorization on the upgrade: refused before the upgrade, as a problem document.
      for (const [authorization, status, code] of [
        ['Bearer not-a-token', 401, 'INVALID_TOKEN'],
        ['Basic Zm9vOmJhcg==', 401, 'INVALID_TOKEN'],
        [`Bearer ${gone.token}`, 401, 'SESSION_REVOKED'],
        [`Bearer ${await clientToken(t.app, 'a-service', ['ledger:read'])}`, 403, 'USER_REQUIRED'],
      ] as const) {
        const refusal = await RealtimeClient.connect(url, { headers: { authorization } }).then(
          () => undefined,
          (e: { status: number; body: string }) => e,
        );
        expect(refusal?.status).toBe(status);
        expect(JSON.parse(refusal!.body)).toMatchObject({ status, code });
      }
    });

    it('takes a fresh token for the same user, refuses another user, and closes once the token expires (4440)', async () => {
      const gina = await user();
      const short = await t.app.get(AccessTokens).issue({ subject: gina.id, roles: ['customer'], sessionId: gina.sessionId, ttlSeconds: 2 });
      const client = await connect(short.token);
      const other = await user();
      client.send({ type: 'auth', token: other.token });
      expect(await client.next((m) => m.type === 'error')).toMatchObject({ code: 'WRONG_USER' });
      client.send({ type: 'auth', token: 'garbage' });
      expect(await client.next((m) => m.type === 'error' && m['code'] === 'INVALID_TOKEN')).toBeDefined();

      const refreshed = await connect(short.token);
      refreshed.send({ type: 'auth', token: gina.token });
      await refreshed.next((m) => m.type === 'token-accepted');
      expect(await client.closing(10_000)).toEqual({ code: 4440, reason: 'TOKEN_EXPIRED' });
      refreshed.send({ type: 'ping' });
      await refreshed.next((m) => m.type === 'pong');
      expect(refreshed.closed).toBeUndefined();
    });

    it('refuses more connections per user than allowed (4409)', async () => {
      const hank = await user();
      for (let i = 0; i < 5; i++) await connect(hank.token);
      const fourth = track(await RealtimeClient.connect(url));
      fourth.send({ type: 'auth', token: hank.token });
      expect(await fourth.closing()).toEqual({ code: 4409, reason: 'TOO_MANY_CONNECTIONS' });
    });
  });

  describe('bad frames', () => {
    it('closes on a frame before authentication that is not `auth` (4400), binary (1003) or oversized (1009)', async () => {
      const ida = await user();
      for (const frame of ['{"type":"ping"}', 'not json', '[]', '{"type":"auth"}']) {
        const client = track(await RealtimeClient.connect(url));
        client.ws.send(frame);
        expect(await client.closing()).toEqual({ code: 4400, reason: 'AUTHENTICATE_FIRST' });
      }
      const binary = await connect(ida.token);
      binary.ws.send(Buffer.from([1, 2, 3]));
      expect(await binary.closing()).toEqual({ code: 1003, reason: 'TEXT_FRAMES_ONLY' });
      const big = await connect(ida.token);
      big.ws.send(JSON.stringify({ type: 'ping', pad: 'x'.repeat(5000) }));
      expect((await big.closing()).code).toBe(1009);
    });

    it('answers malformed JSON, unknown types and invalid messages with an error frame and stays open', async () => {
      const jack = await user();
      const client = await connect(jack.token);
      const answers: Array<[string, string]> = [
        ['{not json', 'MALFORMED_JSON'],
        ['"just a string"', 'UNKNOWN_TYPE'],
        ['{"type":"subscribe","userId":"someone-else"}', 'UNKNOWN_TYPE'],
        ['{"type":"constructor"}', 'UNKNOWN_TYPE'],
        ['{"type":"resume","after":"../../etc"}', 'INVALID_MESSAGE'],
        ['{"type":"ping","userId":"someone-else"}', 'INVALID_MESSAGE'],
        ['{"type":"auth","token":123}', 'INVALID_MESSAGE'],
        ['['.repeat(2000) + ']'.repeat(2000), 'UNKNOWN_TYPE'],
        ['{"type":"ping","\\u0000":"\\u202e"}', 'INVALID_MESSAGE'],
        ['{"type":"ping","\u0000":1}', 'MALFORMED_JSON'],
        ['\ud800', 'MALFORMED_JSON'],
      ];
      for (const [frame, code] of answers) {
        const from = client.messages.length;
        client.ws.send(frame);
        expect(await client.next((m) => m.type === 'error', 5_000, from)).toMatchObject({ type: 'error', code, message: expect.any(String) });
      }
      client.send({ type: 'ping' });
      await client.next((m) => m.type === 'pong');
      expect(client.closed).toBeUndefined();
    });

    it('closes a connection that floods the server (4429)', async () => {
      const kim = await user();
      const client = await connect(kim.token);
      for (let i = 0; i < 40; i++) client.ws.send('{"type":"ping"}');
      expect(await client.closing()).toEqual({ code: 4429, reason: 'TOO_MANY_MESSAGES' });
    });

    it('answers an upgrade elsewhere with 404 and a plain GET of /v1/realtime with 426', async () => {
      const refused = await RealtimeClient.connect(url.replace('/v1/realtime', '/v1/realtime-x')).then(
        () => undefined,
        (e: { status: number }) => e,
      );
      expect(refused?.status).toBe(404);
      const res = await t.http().get('/v1/realtime');
      expect(res.status).toBe(426);
      expect(res.headers['upgrade']).toBe('websocket');
      expect(res.body).toMatchObject({ code: 'UPGRADE_REQUIRED' });
    });
  });

  describe('bounds', () => {
    it('disconnects a client that stops reading once its unsent data passes the bound (4408)', async () => {
      const lee = await user();
      const gateway = t.app.get(RealtimeGateway);
      const slow = await connect(lee.token);
      const before = gateway.connections;
      // The client stops reading: the kernel's buffers fill, then the server's.
      (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      const streams = t.app.get(UserStreams);
      const pad = 'x'.repeat(8000);
      let sent = 0;
      const dropped = () => gateway.connections < before;
      while (!dropped() && sent < 5000) {
        await Promise.all(
          Array.from({ length: 50 }, () => streams.publish(lee.id, { event: 'test.big', occurredAt: new Date().toISOString(), data: { pad } }, newUuid())),
        );
        sent += 50;
      }
      expect(await within(dropped, 10_000)).toBe(true);
      (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
      expect([4408, 1006]).toContain((await slow.closing()).code);
      // Far less than what was published was ever buffered for it.
      expect(sent * 8000).toBeGreaterThan(65536);
    });

    it('drops a connection that does not answer pings, and keeps one that does', async () => {
      const mia = await user();
      const dead = track(await RealtimeClient.connect(url, { autoPong: false }));
      dead.send({ type: 'auth', token: mia.token });
      await dead.next((m) => m.type === 'ready');
      const live = await connect(mia.token);
      expect((await dead.closing(10_000)).code).toBe(1006);
      expect(live.closed).toBeUndefined();
      live.send({ type: 'ping' });
      await live.next((m) => m.type === 'pong');
    });

    it('serves an upgrade with the offered subprotocol', async () => {
      const ned = await user();
      const client = track(await RealtimeClient.connect(url, { protocols: ['skyro.realtime.v1'] }));
      expect(client.ws.protocol).toBe('skyro.realtime.v1');
      client.send({ type: 'auth', token: ned.token });
      await client.next((m) => m.type === 'ready');
    });

    it('answers a raw upgrade with a bad key without crashing', async () => {
      const { port } = new URL(url.replace('ws:', 'http:'));
      const status = await new Promise<number | undefined>((resolve) => {
        const req = httpRequest({
          host: '127.0.0.1',
          port,
          path: '/v1/realtime',
          headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13' },
        });
        req.on('response', (res) => resolve(res.statusCode));
        req.on('upgrade', () => resolve(101));
        req.on('error', () => resolve(undefined));
        req.end();
      });
      expect(status).toBe(400);
      await connect((await user()).token);
    });
  });
});
