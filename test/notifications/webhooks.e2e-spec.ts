import { newId } from '@shared-kernel';
import { eventually } from '../support/app';
import { bearer, loginAs } from '../support/auth';
import { sql } from '../support/database';
import { WebhookReceiver, type ReceivedWebhook } from '../support/webhook-receiver';
import {
  accountOpened,
  apiClient,
  balanceChanged,
  deliverNow,
  fakeDns,
  payoutReturned,
  publishAccountsEvents,
  publishPaymentsEvents,
  startWebhooksWorld,
  userAuthorizing,
  webhooksConfigOf,
  type WebhooksWorld,
} from './webhooks-support';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/*
 * Outbound webhooks end to end: identity, ledger, accounts and notifications on the real
 * PostgreSQL and Redis; events published through the accounts outbox and consumed through
 * the notifications inbox; a real HTTP receiver on 127.0.0.1 that checks signatures with the
 * standardwebhooks package. The schedule is stepped with the platform clock, never waited for.
 */
describe('notifications: outbound webhooks', () => {
  let w: WebhooksWorld;
  let receiver: WebhookReceiver;
  /** A bank-wide partner: webhooks for every user's account events. */
  let partner: Awaited<ReturnType<typeof apiClient>>;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    w = await startWebhooksWorld();
    partner = await apiClient(w, ['webhooks:manage', 'webhooks:accounts', 'webhooks:all_users']);
  });
  afterAll(async () => {
    await w?.close();
    await receiver?.close();
  });

  const http = () => w.t.http();
  const path = () => `/hooks/${newId()}`;

  async function createEndpoint(client: { headers: Record<string, string> }, body: Record<string, unknown>) {
    const res = await http().post('/v1/notifications/webhooks/endpoints').set(client.headers).send(body);
    expect(res.status).toBe(201);
    return res.body as { endpoint: { id: string; lastSequence: string }; secret: string };
  }
  const attemptsOf = async (client: { headers: Record<string, string> }, id: string) =>
    (await http().get(`/v1/notifications/webhooks/endpoints/${id}/attempts`).set(client.headers)).body.items as Array<{
      status: string;
      responseStatus: number | null;
      responseTimeMs: number;
      error: string | null;
      trigger: string;
      messageId: string;
      sequence: string;
    }>;
  const arrivals = (at: string, count: number) =>
    eventually(
      async () => receiver.at(at),
      (r) => r.length >= count,
    );

  it('delivers subscribed events, signed (Standard Webhooks), numbered per endpoint, with ids and amounts only', async () => {
    const at = path();
    const { endpoint, secret } = await createEndpoint(partner, { url: receiver.url(at), description: 'Balances', eventTypes: ['account.balance_changed'] });
    expect(secret).toMatch(/^whsec_/);
    const owner = newId();
    const ignored = accountOpened(owner);
    await publishAccountsEvents(w.t, [balanceChanged(owner, '100'), ignored, balanceChanged(owner, '250'), balanceChanged(owner, '175')]);

    const got = await arrivals(at, 3);
    expect(got).toHaveLength(3);
    for (const message of got) {
      expect(WebhookReceiver.verifies(message, secret)).toBe(true);
      expect(message.headers['webhook-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(message.json.type).toBe('account.balance_changed');
      expect(message.json.sequence).toBe(message.sequence);
      expect(Object.keys(message.json.data).sort()).toEqual(['accountId', 'asOf', 'balances', 'currency', 'ownerId', 'transferId']);
    }
    // One sequence per endpoint, in the order the events were published (the filter skipped account.opened).
    expect(got.map((m) => m.sequence).sort()).toEqual([1, 2, 3]);
    expect(got.sort((a, b) => a.sequence - b.sequence).map((m) => (m.json.data['balances'] as { posted: string }).posted)).toEqual(['100', '250', '175']);
    expect(WebhookReceiver.verifies({ ...got[0]!, body: got[0]!.body.replace('100', '999') }, secret)).toBe(false);

    const attempts = await eventually(
      () => attemptsOf(partner, endpoint.id),
      (a) => a.length === 3,
    );
    expect(attempts.every((a) => a.status === 'succeeded' && a.responseStatus === 204 && a.responseTimeMs >= 0 && a.trigger === 'scheduled')).toBe(true);
    expect((await http().get(`/v1/notifications/webhooks/endpoints/${endpoint.id}`).set(partner.headers)).body.lastSequence).toBe('3');
  });

  it("delivers payments' events (payment.*) to clients holding webhooks:payments, signed, with the payment's ids, amounts and state only", async () => {
    // Without the family scope the type cannot be registered.
    const refused = await http()
      .post('/v1/notifications/webhooks/endpoints')
      .set(partner.headers)
      .send({ url: receiver.url(path()), eventTypes: ['payment.returned'] });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('WEBHOOK_EVENT_TYPE_NOT_PERMITTED');

    const payer = await apiClient(w, ['webhooks:manage', 'webhooks:payments', 'webhooks:all_users']);
    const app = await apiClient(w, ['webhooks:manage', 'webhooks:payments'], { authorizationCode: true });
    const customer = await userAuthorizing(w, app, 'webhooks:payments');
    const bankWide = path();
    const forUser = path();
    const { secret } = await createEndpoint(payer, { url: receiver.url(bankWide), eventTypes: ['payment.returned'] });
    await createEndpoint(app, { url: receiver.url(forUser), eventTypes: ['payment.returned'] });
    const stranger = payoutReturned(newId());
    const ours = payoutReturned(customer);
    await publishPaymentsEvents(w.t, [stranger, ours]);

    const got = await arrivals(bankWide, 2);
    expect(got).toHaveLength(2);
    for (const message of got) {
      expect(WebhookReceiver.verifies(message, secret)).toBe(true);
      expect(message.json.type).toBe('payment.returned');
      const payment = message.json.data['payment'] as Record<string, unknown>;
      expect(Object.keys(payment).sort()).toEqual([
        'accountId',
        'amount',
        'beneficiaryId',
        'counterpartyAccountId',
        'createdAt',
        'currency',
        'failureCode',
        'fee',
        'id',
        'kind',
        'method',
        'orderId',
        'ownerId',
        'refundedAmount',
        'state',
        'updatedAt',
      ]);
      expect(message.body).not.toMatch(/PRV-REF-1|Jane Doe|staff note/);
    }
    expect(got.map((m) => (m.json.data['payment'] as { amount: string; state: string }).state)).toEqual(['returned', 'returned']);
    expect((got[0]!.json.data['payment'] as { amount: string }).amount).toBe('12500');
    // The app acting for one user hears only that user's payment.
    const mine = await arrivals(forUser, 1);
    expect(mine.map((m) => (m.json.data['payment'] as { ownerId: string }).ownerId)).toEqual([customer]);
  });

  it('rotates the secret: both secrets verify during the window, only the new one after it (or at once with window 0)', async () => {
    const at = path();
    const { endpoint, secret: first } = await createEndpoint(partner, { url: receiver.url(at), eventTypes: ['account.opened'] });
    const rotated = await http().post(`/v1/notifications/webhooks/endpoints/${endpoint.id}/rotate-secret`).set(partner.headers).send({ windowSeconds: 3600 });
    expect(rotated.status).toBe(200);
    expect(rotated.headers['cache-control']).toBe('no-store');
    const second = rotated.body.secret as string;
    expect(second).not.toBe(first);
    expect(rotated.body.endpoint.previousSecretExpiresAt).toEqual(new Date(w.now + 3600 * SECOND).toISOString());

    await publishAccountsEvents(w.t, [accountOpened(newId())]);
    const [during] = await arrivals(at, 1);
    expect(during!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(WebhookReceiver.verifies(during!, first)).toBe(true);
    expect(WebhookReceiver.verifies(during!, second)).toBe(true);

    // Past the window, the old secret no longer signs.
    w.now += 3601 * SECOND;
    await publishAccountsEvents(w.t, [accountOpened(newId())]);
    const after = (await arrivals(at, 2))[1]!;
    expect(WebhookReceiver.verifies(after, second)).toBe(true);
    expect(WebhookReceiver.verifies(after, first)).toBe(false);

    // A leaked secret is retired at once.
    const third = (await http().post(`/v1/notifications/webhooks/endpoints/${endpoint.id}/rotate-secret`).set(partner.headers).send({ windowSeconds: 0 })).body
      .secret as string;
    await publishAccountsEvents(w.t, [accountOpened(newId())]);
    const last = (await arrivals(at, 3))[2]!;
    expect(WebhookReceiver.verifies(last, third)).toBe(true);
    expect(WebhookReceiver.verifies(last, second)).toBe(false);
  });

  it('retries a failing receiver immediately, then after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h, then gives up; a replay sends it again', async () => {
    const at = path();
    receiver.on(at, { kind: 'status', status: 503, body: 'down for maintenance' });
    const { endpoint } = await createEndpoint(partner, { url: receiver.url(at), eventTypes: ['account.opened'] });
    const start = w.now;
    await publishAccountsEvents(w.t, [accountOpened(newId())]);
    await arrivals(at, 1); // the immediate attempt
    await eventually(
      () => attemptsOf(partner, endpoint.id),
      (a) => a.length === 1,
    );

    // Each step: just before the retry is due nothing is sent; at its time exactly one attempt.
    let failedAt = (
      await sql<{ t: Date }>(w.dbUrl, 'select max(attempted_at) as t from notifications.webhook_attempts where endpoint_id = $1', [endpoint.id])
    )[0]!.t.getTime();
    expect(failedAt).toBe(start);
    for (const [n, delay] of [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR].entries()) {
      w.now = failedAt + delay - 1;
      await deliverNow(w.t);
      expect(receiver.at(at)).toHaveLength(n + 1);
      w.now = failedAt + delay;
      await deliverNow(w.t);
      expect(receiver.at(at)).toHaveLength(n + 2);
      failedAt = w.now;
    }
    w.now += 11 * HOUR;
    await deliverNow(w.t);
    expect(receiver.at(at)).toHaveLength(8);
    const attempts = await attemptsOf(partner, endpoint.id);
    expect(attempts).toHaveLength(8);
    expect(attempts.every((a) => a.status === 'failed' && a.responseStatus === 503 && a.error === 'HTTP 503')).toBe(true);
    const [message] = await sql<{ status: string; attempts: number }>(
      w.dbUrl,
      'select status, attempts from notifications.webhook_messages where endpoint_id = $1',
      [endpoint.id],
    );
    expect(message).toEqual({ status: 'failed', attempts: 8 });

    // The receiver is back: replaying the message sends it with its id and sequence number.
    receiver.on(at, null);
    const replay = await http()
      .post(`/v1/notifications/webhooks/endpoints/${endpoint.id}/replay`)
      .set(partner.headers)
      .send({ messageId: attempts[0]!.messageId });
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual({ replayed: 1 });
    const again = (await arrivals(at, 9))[8]!;
    expect(again.webhookId).toBe(attempts[0]!.messageId);
    expect(again.sequence).toBe(1);
    const latest = (
      await eventually(
        () => attemptsOf(partner, endpoint.id),
        (a) => a.length === 9,
      )
    )[0]!;
    expect(latest).toMatchObject({ status: 'succeeded', trigger: 'replay', responseStatus: 204 });
  });

  it('records garbage, silence, resets, redirects and refused connections as failed attempts, and keeps the message for its retry', async () => {
    const cases: Array<[string, Parameters<WebhookReceiver['on']>[1], RegExp]> = [
      ['garbage', { kind: 'garbage' }, /^invalid HTTP answer$|^connection reset$/],
      ['silence', { kind: 'hang' }, /^no answer within 1000 ms$/],
      ['reset', { kind: 'reset' }, /^connection reset$|^connection failed/],
      ['redirect', { kind: 'status', status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } }, /^redirect not followed \(HTTP 302\)$/],
      ['client error', { kind: 'status', status: 400, body: '{"error":"bad"}' }, /^HTTP 400$/],
    ];
    const endpoints: Array<{ id: string; label: string; expected: RegExp }> = [];
    for (const [label, behaviour, expected] of cases) {
      const at = path();
      receiver.on(at, behaviour);
      endpoints.push({ id: (await createEndpoint(partner, { url: receiver.url(at), eventTypes: ['account.frozen'] })).endpoint.id, label, expected });
    }
    // A port nobody listens on: the receiver's own port, closed after we learn it.
    const gone = await WebhookReceiver.start();
    const goneUrl = gone.url('/gone');
    await gone.close();
    endpoints.push({
      id: (await createEndpoint(partner, { url: goneUrl, eventTypes: ['account.frozen'] })).endpoint.id,
      label: 'refused',
      expected: /^connection refused$/,
    });

    const accountId = newId();
    await publishAccountsEvents(w.t, [
      {
        type: 'accounts.account-frozen.v1',
        topic: 'accounts.events',
        aggregateId: accountId,
        data: { accountId, ownerId: newId(), actor: 'support', at: new Date().toISOString() },
      },
    ]);
    for (const endpoint of endpoints) {
      const [attempt] = await eventually(
        () => attemptsOf(partner, endpoint.id),
        (a) => a.length === 1,
      );
      expect({ label: endpoint.label, status: attempt?.status, error: attempt?.error }).toEqual({
        label: endpoint.label,
        status: 'failed',
        error: expect.stringMatching(endpoint.expected),
      });
    }
    const messages = await sql<{ status: string; next: Date }>(
      w.dbUrl,
      'select status, next_attempt_at as next from notifications.webhook_messages where endpoint_id = any($1)',
      [endpoints.map((e) => e.id)],
    );
    expect(messages).toHaveLength(endpoints.length);
    expect(messages.every((m) => m.status === 'pending' && m.next.getTime() === w.now + 5 * SECOND)).toBe(true);
    // The app still answers.
    expect((await http().get('/v1/notifications/webhooks/event-types').set(partner.headers)).status).toBe(200);
  });

  it('disables an endpoint after 5 days of failures, tells its owner (an event, a reason), and resumes when enabled again', async () => {
    const at = path();
    receiver.on(at, { kind: 'status', status: 500 });
    const { endpoint } = await createEndpoint(partner, { url: receiver.url(at), eventTypes: ['account.unfrozen'] });
    const unfrozen = () => {
      const accountId = newId();
      return {
        type: 'accounts.account-unfrozen.v1',
        topic: 'accounts.events',
        aggregateId: accountId,
        data: { accountId, ownerId: newId(), actor: 'support', at: new Date().toISOString() },
      };
    };
    const since = w.now;
    await publishAccountsEvents(w.t, [unfrozen()]);
    await arrivals(at, 1);
    w.now = since + 5 * DAY - MINUTE;
    await publishAccountsEvents(w.t, [unfrozen()]);
    await arrivals(at, 2);
    await deliverNow(w.t);
    expect((await http().get(`/v1/notifications/webhooks/endpoints/${endpoint.id}`).set(partner.headers)).body.enabled).toBe(true);

    w.now = since + 5 * DAY;
    await deliverNow(w.t); // the first message's retries are long over; the second's 5 s retry is due
    const disabled = await eventually(
      async () => (await http().get(`/v1/notifications/webhooks/endpoints/${endpoint.id}`).set(partner.headers)).body,
      (b) => b.enabled === false,
    );
    expect(disabled).toMatchObject({ enabled: false, disabledAt: new Date(since + 5 * DAY).toISOString(), failingSince: new Date(since).toISOString() });
    expect(disabled.disabledReason).toMatch(/5 days without a successful delivery.*HTTP 500/);
    const told = await eventually(
      () => sql<{ data: Record<string, unknown> }>(w.dbUrl, "select data from webhooks_probe.events where data->>'endpointId' = $1", [endpoint.id]),
      (rows) => rows.length > 0,
    );
    expect(told).toEqual([
      {
        data: {
          endpointId: endpoint.id,
          clientId: partner.id,
          reason: disabled.disabledReason,
          failingSince: disabled.failingSince,
          disabledAt: disabled.disabledAt,
        },
      },
    ]);

    // Disabled: new events are not queued for it, nothing is sent, a replay is refused.
    const sent = receiver.at(at).length;
    await publishAccountsEvents(w.t, [unfrozen()]);
    w.now += HOUR;
    await deliverNow(w.t);
    expect(receiver.at(at)).toHaveLength(sent);
    const refused = await http().post(`/v1/notifications/webhooks/endpoints/${endpoint.id}/replay`).set(partner.headers).send({ messageId: newId() });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('WEBHOOK_ENDPOINT_DISABLED');

    // Its owner fixes the receiver and enables it: the failure streak is gone, the waiting messages go out.
    const waiting = await sql<{ id: string }>(w.dbUrl, "select id from notifications.webhook_messages where endpoint_id = $1 and status = 'pending'", [
      endpoint.id,
    ]);
    expect(waiting.length).toBeGreaterThan(0);
    expect(await sql(w.dbUrl, 'select 1 from notifications.webhook_messages where endpoint_id = $1', [endpoint.id])).toHaveLength(2);
    receiver.on(at, null);
    const enabled = await http().patch(`/v1/notifications/webhooks/endpoints/${endpoint.id}`).set(partner.headers).send({ enabled: true });
    expect(enabled.body).toMatchObject({ enabled: true, disabledAt: null, disabledReason: null, failingSince: null });
    w.now += 10 * HOUR;
    await deliverNow(w.t);
    expect(
      receiver
        .at(at)
        .slice(sent)
        .map((m) => m.webhookId)
        .sort(),
    ).toEqual(waiting.map((m) => m.id).sort());
  });

  it('replays a time range: the messages created in it, again with their ids and sequence numbers', async () => {
    const at = path();
    const { endpoint } = await createEndpoint(partner, { url: receiver.url(at), eventTypes: ['account.interest_capitalised'] });
    const capitalised = (amount: string) => {
      const accountId = newId();
      return {
        type: 'accounts.interest-capitalised.v1',
        topic: 'accounts.events',
        aggregateId: accountId,
        data: { accountId, ownerId: newId(), currency: 'EUR', period: '2026-01', amount, transferId: newId(), capitalisedAt: new Date().toISOString() },
      };
    };
    const t0 = w.now;
    await publishAccountsEvents(w.t, [capitalised('1')]);
    await arrivals(at, 1);
    w.now = t0 + HOUR;
    await publishAccountsEvents(w.t, [capitalised('2')]);
    await arrivals(at, 2);
    w.now = t0 + 2 * HOUR;
    await publishAccountsEvents(w.t, [capitalised('3')]);
    const first = await arrivals(at, 3);
    const bySequence = new Map(first.map((m) => [m.sequence, m.webhookId]));

    const replay = await http()
      .post(`/v1/notifications/webhooks/endpoints/${endpoint.id}/replay`)
      .set(partner.headers)
      .send({ since: new Date(t0 + HOUR).toISOString(), until: new Date(t0 + 3 * HOUR).toISOString() });
    expect(replay.body).toEqual({ replayed: 2 });
    const replayed = (await arrivals(at, 5)).slice(3);
    expect(replayed.map((m) => m.sequence).sort()).toEqual([2, 3]);
    expect(replayed.every((m) => bySequence.get(m.sequence) === m.webhookId)).toBe(true);
    expect(replayed.map((m) => (m.json.data as { amount: string }).amount).sort()).toEqual(['2', '3']);

    const bad = await http()
      .post(`/v1/notifications/webhooks/endpoints/${endpoint.id}/replay`)
      .set(partner.headers)
      .send({ since: new Date(t0).toISOString(), until: new Date(t0 - 1).toISOString() });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ code: 'WEBHOOK_REPLAY_RANGE_INVALID', errors: [expect.objectContaining({ field: 'until' })] });
    const both = await http()
      .post(`/v1/notifications/webhooks/endpoints/${endpoint.id}/replay`)
      .set(partner.headers)
      .send({ messageId: newId(), since: new Date(t0).toISOString() });
    expect([both.status, both.body.code]).toEqual([422, 'WEBHOOK_REPLAY_REQUEST_INVALID']);
    const unknown = await http().post(`/v1/notifications/webhooks/endpoints/${endpoint.id}/replay`).set(partner.headers).send({ messageId: newId() });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('WEBHOOK_MESSAGE_NOT_FOUND');
  });

  describe('SSRF guard', () => {
    afterEach(() => {
      const config = webhooksConfigOf(w.t);
      Object.assign(config, { allowHttp: true, allowLoopback: true });
      fakeDns.clear();
    });

    it('refuses internal addresses at registration, literal or behind a name, with a 400 naming url', async () => {
      Object.assign(webhooksConfigOf(w.t), { allowHttp: false, allowLoopback: false });
      for (const [name, address, family] of [
        ['private.partner.test', '10.0.0.7', 4],
        ['cgnat.partner.test', '100.64.1.1', 4],
        ['metadata.partner.test', '169.254.169.254', 4],
        ['ula.partner.test', 'fd00:ec2::254', 6],
        ['mapped.partner.test', '::ffff:127.0.0.1', 6],
        ['mixed.partner.test', '93.184.216.34', 4],
      ] as const)
        fakeDns.set(name, [{ address, family }, ...(name === 'mixed.partner.test' ? [{ address: '192.168.0.10', family: 4 as const }] : [])]);
      const table: Array<[string, string]> = [
        ['http://hooks.partner.example/x', 'WEBHOOK_URL_NOT_HTTPS'],
        ['ftp://hooks.partner.example/x', 'WEBHOOK_URL_NOT_HTTPS'],
        ['https://user:pw@hooks.partner.example/x', 'WEBHOOK_URL_INVALID'],
        ['not a url', 'WEBHOOK_URL_INVALID'],
        ['https://127.0.0.1/x', 'WEBHOOK_URL_FORBIDDEN'],
        ['https://localhost/x', 'WEBHOOK_URL_FORBIDDEN'],
        ['https://[::1]/x', 'WEBHOOK_URL_FORBIDDEN'],
        ['https://[::ffff:a9fe:a9fe]/x', 'WEBHOOK_URL_FORBIDDEN'],
        ['https://169.254.169.254/latest/meta-data/', 'WEBHOOK_URL_FORBIDDEN'],
        ['https://[fd00:ec2::254]/', 'WEBHOOK_URL_FORBIDDEN'],
        ['https://0.0.0.0/', 'WEBHOOK_URL_FORBIDDEN'],
        ['https://224.0.0.1/', 'WEBHOOK_URL_FORBIDDEN'],
        ['https://192.168.1.1/', 'WEBHOOK_URL_FORBIDDEN'],
        ['https://172.20.0.1/', 'WEBHOOK_URL_FORBIDDEN'],
        ['https://2130706433/', 'WEBHOOK_URL_FORBIDDEN'],
        ['https://0x7f.1/', 'WEBHOOK_URL_FORBIDDEN'],
        ['https://private.partner.test/x', 'WEBHOOK_URL_FORBIDDEN'],
        ['https://cgnat.partner.test/x', 'WEBHOOK_URL_FORBIDDEN'],
        ['https://metadata.partner.test/x', 'WEBHOOK_URL_FORBIDDEN'],
        ['https://ula.partner.test/x', 'WEBHOOK_URL_FORBIDDEN'],
        ['https://mapped.partner.test/x', 'WEBHOOK_URL_FORBIDDEN'],
        ['https://mixed.partner.test/x', 'WEBHOOK_URL_FORBIDDEN'],
        ['https://no-such-host.invalid/x', 'WEBHOOK_URL_UNRESOLVABLE'],
      ];
      const outcomes = [];
      for (const [url, code] of table) {
        const res = await http()
          .post('/v1/notifications/webhooks/endpoints')
          .set(partner.headers)
          .send({ url, eventTypes: ['account.opened'] });
        outcomes.push({ url, status: res.status, code: res.body.code, field: res.body.errors?.[0]?.field });
        expect(JSON.stringify(res.body)).not.toContain('whsec_');
        void code;
      }
      expect(outcomes).toEqual(table.map(([url, code]) => ({ url, status: 400, code, field: 'url' })));
      // The same checks guard a changed URL.
      Object.assign(webhooksConfigOf(w.t), { allowHttp: true, allowLoopback: true });
      const { endpoint } = await createEndpoint(partner, { url: receiver.url(path()), eventTypes: ['account.opened'] });
      Object.assign(webhooksConfigOf(w.t), { allowHttp: false, allowLoopback: false });
      const changed = await http()
        .patch(`/v1/notifications/webhooks/endpoints/${endpoint.id}`)
        .set(partner.headers)
        .send({ url: 'https://metadata.partner.test/x' });
      expect(changed.status).toBe(400);
      expect(changed.body).toMatchObject({ code: 'WEBHOOK_URL_FORBIDDEN', errors: [expect.objectContaining({ field: 'url' })] });
    });

    it('checks again before every attempt (DNS changes) and connects to the address it vetted (no second lookup)', async () => {
      const at = path();
      fakeDns.set('rebinding.partner.test', [{ address: '127.0.0.1', family: 4 }]);
      const { endpoint } = await createEndpoint(partner, { url: receiver.url(at, 'rebinding.partner.test'), eventTypes: ['account.closed'] });
      const closed = () => {
        const accountId = newId();
        return {
          type: 'accounts.account-closed.v1',
          topic: 'accounts.events',
          aggregateId: accountId,
          data: {
            accountId,
            ownerId: newId(),
            ledgerAccountId: newId(),
            sweptToAccountId: null,
            sweptAmount: '0',
            currency: 'EUR',
            closedAt: new Date().toISOString(),
          },
        };
      };
      // The name exists only in the test resolver: the delivery arriving proves the socket went to the vetted address.
      await publishAccountsEvents(w.t, [closed()]);
      expect((await arrivals(at, 1))[0]!.headers['host']).toBe(`rebinding.partner.test:${receiver.port}`);

      // The name now points inside: the attempt is refused before any connection.
      fakeDns.set('rebinding.partner.test', [{ address: '10.1.2.3', family: 4 }]);
      await publishAccountsEvents(w.t, [closed()]);
      const attempts = await eventually(
        () => attemptsOf(partner, endpoint.id),
        (a) => a.length === 2,
      );
      expect(attempts[0]).toMatchObject({ status: 'failed', responseStatus: null, error: 'not sent: the URL its host resolves to a private address' });
      expect(receiver.at(at)).toHaveLength(1);
    });
  });

  describe('who receives and who sees what', () => {
    it('sends a client the account events only of users who authorized it, unless it holds webhooks:all_users', async () => {
      const app = await apiClient(w, ['webhooks:manage', 'webhooks:accounts'], { authorizationCode: true });
      const customer = await userAuthorizing(w, app);
      const stranger = newId();
      const at = path();
      await createEndpoint(app, { url: receiver.url(at), eventTypes: ['account.opened'] });
      const bankWide = path();
      await createEndpoint(partner, { url: receiver.url(bankWide), eventTypes: ['account.opened'] });
      await publishAccountsEvents(w.t, [accountOpened(stranger), accountOpened(customer)]);
      await arrivals(bankWide, 2);
      const mine = await arrivals(at, 1);
      expect(mine.map((m: ReceivedWebhook) => m.json.data['ownerId'])).toEqual([customer]);
      expect(mine[0]!.sequence).toBe(1);
    });

    it('lets a client register only event types it holds scopes for, and only API clients with webhooks:manage at all', async () => {
      const narrow = await apiClient(w, ['webhooks:manage']);
      const refused = await http()
        .post('/v1/notifications/webhooks/endpoints')
        .set(narrow.headers)
        .send({ url: receiver.url(path()), eventTypes: ['account.opened'] });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ code: 'WEBHOOK_EVENT_TYPE_NOT_PERMITTED', errors: [expect.objectContaining({ field: 'eventTypes.0' })] });
      const unmanaged = await apiClient(w, ['webhooks:accounts']);
      expect((await http().get('/v1/notifications/webhooks/endpoints').set(unmanaged.headers)).status).toBe(403);
      const customer = await loginAs(w.t.app, newId());
      expect((await http().get('/v1/notifications/webhooks/endpoints').set(bearer(customer.token))).status).toBe(403);
      expect((await http().get('/v1/notifications/webhooks/endpoints')).status).toBe(401);
    });

    it("never shows or changes client A's endpoints to client B (404), while staff with webhooks:admin see them", async () => {
      const a = await apiClient(w, ['webhooks:manage', 'webhooks:accounts', 'webhooks:all_users']);
      const b = await apiClient(w, ['webhooks:manage', 'webhooks:accounts', 'webhooks:all_users']);
      const { endpoint } = await createEndpoint(a, { url: receiver.url(path()), eventTypes: ['account.opened'] });
      const base = `/v1/notifications/webhooks/endpoints/${endpoint.id}`;
      const probes = [
        http().get(base).set(b.headers),
        http().patch(base).set(b.headers).send({ description: 'mine now' }),
        http().delete(base).set(b.headers),
        http().post(`${base}/rotate-secret`).set(b.headers).send({}),
        http().get(`${base}/attempts`).set(b.headers),
        http().post(`${base}/replay`).set(b.headers).send({ messageId: newId() }),
      ];
      for (const res of await Promise.all(probes))
        expect({ status: res.status, code: res.body.code }).toEqual({ status: 404, code: 'WEBHOOK_ENDPOINT_NOT_FOUND' });
      expect((await http().get('/v1/notifications/webhooks/endpoints').set(b.headers)).body.items).toEqual([]);
      expect((await http().get(`/v1/notifications/webhooks/endpoints?clientId=${a.id}`).set(b.headers)).body.items).toEqual([]);
      const own = (await http().get('/v1/notifications/webhooks/endpoints').set(a.headers)).body.items as Array<{ id: string }>;
      expect(own.map((e) => e.id)).toEqual([endpoint.id]);
      expect(JSON.stringify(own)).not.toContain('whsec_');

      const staffList = await http().get(`/v1/notifications/webhooks/endpoints?clientId=${a.id}`).set(bearer(w.admin.token));
      expect(staffList.body.items.map((e: { id: string }) => e.id)).toEqual([endpoint.id]);
      const unnamed = await http().get('/v1/notifications/webhooks/endpoints').set(bearer(w.admin.token));
      expect([unnamed.status, unnamed.body.code]).toEqual([422, 'WEBHOOK_CLIENT_ID_REQUIRED']);
      expect((await http().delete(base).set(a.headers)).status).toBe(204);
      expect((await http().get(base).set(a.headers)).status).toBe(404);
    });
  });

  it('bounds what it sends: a payload over the limit is recorded as failed, never sent', async () => {
    const at = path();
    const { endpoint } = await createEndpoint(partner, { url: receiver.url(at), eventTypes: ['account.statement_issued'] });
    const config = webhooksConfigOf(w.t);
    const limit = config.maxPayloadBytes;
    Object.assign(config, { maxPayloadBytes: 64 });
    try {
      const accountId = newId();
      await publishAccountsEvents(w.t, [
        {
          type: 'accounts.statement-issued.v1',
          topic: 'accounts.events',
          aggregateId: accountId,
          data: {
            statementId: newId(),
            accountId,
            ownerId: newId(),
            kind: 'monthly',
            periodFrom: new Date(0).toISOString(),
            periodTo: new Date().toISOString(),
            issuedAt: new Date().toISOString(),
          },
        },
      ]);
      const [message] = await eventually(
        () =>
          sql<{ status: string; last_error: string }>(w.dbUrl, 'select status, last_error from notifications.webhook_messages where endpoint_id = $1', [
            endpoint.id,
          ]),
        (rows) => rows.length > 0,
      );
      expect(message).toEqual({ status: 'failed', last_error: expect.stringMatching(/^payload of \d+ bytes exceeds the limit of 64$/) });
      await deliverNow(w.t);
      expect(receiver.at(at)).toHaveLength(0);
    } finally {
      Object.assign(config, { maxPayloadBytes: limit });
    }
  });

  it('keeps the schedule across a restart: a retry due while the process was down is sent by the next one', async () => {
    const at = path();
    receiver.on(at, { kind: 'status', status: 502 });
    const { endpoint } = await createEndpoint(partner, { url: receiver.url(at), eventTypes: ['account.opened'] });
    await publishAccountsEvents(w.t, [accountOpened(newId())]);
    await arrivals(at, 1);
    await eventually(
      () => attemptsOf(partner, endpoint.id),
      (a) => a.length === 1,
    );
    await w.restart();
    receiver.on(at, null);
    w.now += 5 * SECOND;
    await deliverNow(w.t);
    expect(receiver.at(at)).toHaveLength(2);
    expect(receiver.at(at)[0]!.webhookId).toBe(receiver.at(at)[1]!.webhookId);
    const headers = (await apiClientToken(w, partner)).headers;
    expect((await http().get(`/v1/notifications/webhooks/endpoints/${endpoint.id}/attempts`).set(headers)).body.items[0]).toMatchObject({
      status: 'succeeded',
    });
  });
});

/** A fresh token of the client (the test app restarted; tokens outlive it anyway, the keys are the test process's). */
async function apiClientToken(w: WebhooksWorld, client: { id: string; secret: string }) {
  const token = await w.t
    .http()
    .post('/v1/auth/token')
    .type('form')
    .send({ grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret });
  return { headers: bearer(token.body.access_token as string) };
}
