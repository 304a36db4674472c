import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Clock } from '@platform/clock';
import { newId } from '@shared-kernel';
import { DELIVERY_REPORT_SINK, type DeliveryReportSink } from '@modules/notifications/channels/delivery-report';
import { InterestJob } from '@modules/accounts/interest/application/interest-job/interest.job';
import { addDays, dayOf, daysBetween, firstDayAfter, monthOf } from '@modules/accounts/interest/domain/calendar';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { bearer, loginAs } from '../support/auth';
import { createTestDatabase, sql } from '../support/database';
import { ledgerClient, openAccount } from '../ledger/ledger-support';
import { signUp, type SignedUp } from '../identity/support';
import { ApnsFake } from '../support/providers/apns-fake';
import { FcmFake } from '../support/providers/fcm-fake';
import { sidOf, twilioError, TwilioFake } from '../support/providers/twilio-fake';
import { attemptsOf, FAST_IDENTITY, NOTIFICATION_TEST_CONTEXTS, prepareProbeSchemas, send, settled } from './notification-support';
import { SmtpTestServer } from './smtp-test-server';

/** As Twilio is given it: the public URL behind Kong. */
const PUBLIC_CALLBACK = 'https://api.skyro.test/v1/notifications/callbacks/twilio';
// Long enough that a delivery report sent straight after the push lands inside it on a loaded 2-core machine.
const PUSH_FALLBACK_MS = 3000;
const fcmToken = () => `${randomBytes(8).toString('base64url')}:APA91b${randomBytes(100).toString('base64url')}`;
const apnsToken = () => randomBytes(32).toString('hex');

interface MessageView {
  id: string;
  channel: string;
  status: string;
  template: string;
  failureCode: string | null;
  fallbackOf: string | null;
  timeline: Array<{ status: string; reason: string | null; provider: string | null }>;
  attempts: Array<{ attempt: number; provider: string; outcome: string; reason: string | null }>;
}

/*
 * The channels end to end through the real dispatcher, in one app (in-process bus, real
 * PostgreSQL and Redis): SMS to a local Twilio fake (two accounts, failover, signed status
 * callbacks back to the app's public route), push to local FCM and APNs fakes (devices registered
 * over HTTP, every live device of the user, the not-delivered-in-time fallback, UNREGISTERED
 * tokens, one device failing while another accepts), email to a real SMTP
 * server, and accounts' events (statement, interest, closure) driven through the accounts
 * API and jobs, becoming messages for the owner with amounts in the currency's exponent.
 */
describe('notifications: SMS, push and accounts events through the dispatcher', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let t: TestApp;
  const smtp = new SmtpTestServer();
  const primary = { accountSid: sidOf('AC'), authToken: 'channels-primary-token-1' };
  const secondary = { accountSid: sidOf('AC'), authToken: 'channels-secondary-token-2' };
  let twilio: TwilioFake;
  let fcm: FcmFake;
  let apns: ApnsFake;
  let app: string;

  beforeAll(async () => {
    await smtp.start();
    twilio = await new TwilioFake([primary, secondary]).start();
    fcm = await new FcmFake().start();
    apns = await new ApnsFake().start();
    db = await createTestDatabase();
    await prepareProbeSchemas(db.url);
    t = await startTestApp({
      contexts: NOTIFICATION_TEST_CONTEXTS,
      databaseUrl: db.url,
      redis: true,
      listen: true,
      env: {
        ...FAST_IDENTITY,
        ACCOUNTS_CURRENCIES: 'EUR,JPY',
        NOTIFICATIONS_SMTP_URL: smtp.url,
        NOTIFICATIONS_DISPATCH_INTERVAL_MS: '100',
        NOTIFICATIONS_PUSH_FALLBACK_MS: String(PUSH_FALLBACK_MS),
        NOTIFICATIONS_CIRCUIT_FAILURES: '1000',
        NOTIFICATIONS_SMS_PRIMARY_ACCOUNT_SID: primary.accountSid,
        NOTIFICATIONS_SMS_PRIMARY_AUTH_TOKEN: primary.authToken,
        NOTIFICATIONS_SMS_PRIMARY_FROM: '+15017122661',
        NOTIFICATIONS_SMS_PRIMARY_BASE_URL: twilio.url,
        NOTIFICATIONS_SMS_SECONDARY_ACCOUNT_SID: secondary.accountSid,
        NOTIFICATIONS_SMS_SECONDARY_AUTH_TOKEN: secondary.authToken,
        NOTIFICATIONS_SMS_SECONDARY_FROM: '+15017122662',
        NOTIFICATIONS_SMS_SECONDARY_BASE_URL: twilio.url,
        NOTIFICATIONS_SMS_STATUS_CALLBACK_URL: PUBLIC_CALLBACK,
        NOTIFICATIONS_FCM_PROJECT_ID: fcm.projectId,
        NOTIFICATIONS_FCM_SERVICE_ACCOUNT: JSON.stringify(fcm.serviceAccount),
        NOTIFICATIONS_FCM_BASE_URL: fcm.url,
        NOTIFICATIONS_APNS_KEY_ID: apns.keyId,
        NOTIFICATIONS_APNS_TEAM_ID: apns.teamId,
        NOTIFICATIONS_APNS_PRIVATE_KEY: apns.privateKeyPem.replace(/\n/g, '\\n'),
        NOTIFICATIONS_APNS_TOPIC: apns.topic,
        NOTIFICATIONS_APNS_BASE_URL: apns.url,
        NOTIFICATIONS_APNS_CA_CERT: apns.certPem,
      },
    });
    app = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  }, 60_000);
  afterEach(() => {
    twilio.script.clear();
    fcm.script.clear();
    apns.script.clear();
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
    await Promise.all([smtp.stop(), twilio?.close(), fcm?.close(), apns?.close()]);
  });

  const as = (user: SignedUp) => bearer(user.accessToken);
  const view = async (user: SignedUp, id: string): Promise<MessageView> => {
    const res = await t.http().get(`/v1/notifications/${id}`).set(as(user));
    expect(res.status).toBe(200);
    return res.body as MessageView;
  };
  const balanceVariables = (balance: string) => ({ accountId: newId(), currency: 'EUR', balance, asOf: new Date().toISOString() });
  const twilioMessageOf = (body: string) =>
    eventually(
      async () => twilio.received.find((m) => m.form['Body']?.includes(body)),
      (m) => m !== undefined,
    );
  const fallbacksOf = (pushId: string) =>
    sql<{ id: string; channel: string }>(db.url, 'select id, channel from notifications.messages where fallback_of = $1', [pushId]);
  const registerDevice = async (user: SignedUp, token = fcmToken(), platform: 'fcm' | 'apns' = 'fcm') => {
    const res = await t.http().post('/v1/notifications/devices').set(as(user)).send({ platform, token });
    expect(res.status).toBe(201);
    return { id: (res.body as { id: string }).id, token };
  };

  describe('SMS through Twilio', () => {
    it('sends to the phone set through identity’s profile, with Basic auth and a form body; the signed callback moves the timeline queued → sent → delivered', async () => {
      const user = await signUp(t, { name: 'Sam Sms' });
      const phone = '+4915112340001';
      const patched = await t.http().patch('/v1/users/me').set(as(user)).send({ phone });
      expect(patched.status).toBe(200);

      const [message] = (await send(t, { userId: user.userId, template: 'balance-changed', variables: balanceVariables('123456'), channels: ['sms'] }))
        .messages;
      expect(await settled(db.url, message!.id)).toMatchObject({ status: 'sent', provider: 'twilio-primary' });
      const received = await twilioMessageOf('1,234.56 EUR');
      expect(received).toMatchObject({
        accountSid: primary.accountSid,
        username: primary.accountSid,
        form: { To: phone, From: '+15017122661', Body: 'Skyro: your balance is now 1,234.56 EUR.', StatusCallback: PUBLIC_CALLBACK },
      });

      // Twilio reports sent, then delivered, signed with the account's auth token over the public URL.
      expect((await twilio.sendStatus(received!.sid, 'sent', { deliverTo: app })).status).toBe(204);
      expect((await twilio.sendStatus(received!.sid, 'delivered', { deliverTo: app })).status).toBe(204);
      // A forged one changes nothing.
      expect((await twilio.sendStatus(received!.sid, 'failed', { deliverTo: app, signWith: 'not-the-auth-token' })).status).toBe(403);
      const seen = await view(user, message!.id);
      expect(seen).toMatchObject({ channel: 'sms', status: 'delivered', template: 'balance-changed' });
      expect(seen.timeline.map((e) => e.status)).toEqual(['queued', 'sent', 'delivered']);
      expect(seen.timeline[2]).toMatchObject({ provider: 'twilio-primary' });
      expect(seen.attempts).toEqual([expect.objectContaining({ attempt: 1, provider: 'twilio-primary', outcome: 'accepted' })]);
      // Nothing of the number or the text is kept in the context's tables.
      const dump = JSON.stringify(await sql(db.url, 'select * from notifications.messages where id = $1', [message!.id]));
      expect(dump).not.toContain(phone);
    });

    it('fails over to the secondary account when the primary answers 500, recording both attempts', async () => {
      const user = await signUp(t, { name: 'Fay Failover', phone: '+4915112340002' });
      twilio.script.push({
        status: 500,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(twilioError(20500, 'Internal Server Error', 500)),
      });
      const [message] = (await send(t, { userId: user.userId, template: 'balance-changed', variables: balanceVariables('777'), channels: ['sms'] })).messages;
      expect(await settled(db.url, message!.id)).toMatchObject({ status: 'sent', provider: 'twilio-secondary' });
      const received = await twilioMessageOf('7.77 EUR');
      expect(received).toMatchObject({ accountSid: secondary.accountSid, form: { To: '+4915112340002', From: '+15017122662' } });
      expect((await attemptsOf(db.url, message!.id)).map((a) => `${a.attempt}:${a.provider}:${a.outcome}:${a.reason}`)).toEqual([
        '1:twilio-primary:transient:twilio 20500: Twilio internal error (HTTP 500)',
        '1:twilio-secondary:accepted:null',
      ]);
      // The secondary's callback is verified with the secondary's token and lands on the same timeline.
      expect((await twilio.sendStatus(received!.sid, 'delivered', { deliverTo: app })).status).toBe(204);
      expect((await view(user, message!.id)).timeline.map((e) => `${e.status}:${e.provider ?? ''}`)).toEqual([
        'queued:',
        'sent:twilio-secondary',
        'delivered:twilio-secondary',
      ]);
    });
  });

  describe('push through FCM', () => {
    it('sends to the device registered over HTTP; not delivered in time, the same request follows by email (the user has no phone)', async () => {
      const user = await signUp(t, { name: 'Pia Push' });
      const device = await registerDevice(user);
      const [push] = (await send(t, { userId: user.userId, template: 'balance-changed', variables: balanceVariables('4200'), channels: ['push'] })).messages;
      expect(await settled(db.url, push!.id)).toMatchObject({ status: 'sent', provider: 'fcm' });
      const sent = fcm.sends.find((s) => s.body.message.token === device.token);
      expect(sent?.body.message).toEqual({
        token: device.token,
        notification: { title: 'Balance updated', body: 'Your balance is now 42.00 EUR.' },
        data: { messageId: push!.id, template: 'balance-changed' },
      });
      // Accepted by FCM, never reported delivered: after NOTIFICATIONS_PUSH_FALLBACK_MS the fallback goes out.
      const [fallback] = await eventually(
        () => fallbacksOf(push!.id),
        (rows) => rows.length > 0,
        PUSH_FALLBACK_MS + 10_000,
      );
      expect(fallback!.channel).toBe('email');
      expect(await settled(db.url, fallback!.id)).toMatchObject({ status: 'sent', provider: 'smtp-primary' });
      const [mail] = await eventually(
        async () => smtp.received.filter((m) => m.skyroMessageId === fallback!.id),
        (m) => m.length > 0,
      );
      expect(mail!.to).toEqual([user.email]);
      expect(mail!.text).toContain('42.00 EUR');
      expect((await view(user, fallback!.id)).fallbackOf).toBe(push!.id);
      expect((await view(user, push!.id)).timeline.map((e) => `${e.status}:${e.reason ?? ''}`)).toEqual(['queued:', 'sent:', 'sent:FALLBACK_DUE']);
    });

    it('sends no fallback for a push reported delivered in time', async () => {
      const user = await signUp(t, { name: 'Dora Delivered', phone: '+4915112340003' });
      await registerDevice(user);
      const [push] = (await send(t, { userId: user.userId, template: 'balance-changed', variables: balanceVariables('5100'), channels: ['push'] })).messages;
      await settled(db.url, push!.id);
      const [row] = await sql<{ provider_message_id: string }>(db.url, 'select provider_message_id from notifications.messages where id = $1', [push!.id]);
      // FCM HTTP v1 has no delivery receipts for the server: the report comes through the sink (the app's acknowledgement would feed it).
      await t.app
        .get<DeliveryReportSink>(DELIVERY_REPORT_SINK)
        .record({ provider: 'fcm', providerMessageId: row!.provider_message_id, status: 'delivered', at: new Date() });
      await new Promise((resolve) => setTimeout(resolve, PUSH_FALLBACK_MS + 700));
      expect(await fallbacksOf(push!.id)).toEqual([]);
      expect((await view(user, push!.id)).timeline.map((e) => e.status)).toEqual(['queued', 'sent', 'delivered']);
      expect(twilio.received.filter((m) => m.form['To'] === '+4915112340003')).toEqual([]);
    });

    it('marks a token FCM calls UNREGISTERED dead (no longer listed), and falls back at once, on SMS when the user has a phone', async () => {
      const user = await signUp(t, { name: 'Gus Gone', phone: '+4915112340004' });
      const device = await registerDevice(user);
      fcm.unregistered.add(device.token);
      const [push] = (await send(t, { userId: user.userId, template: 'balance-changed', variables: balanceVariables('99'), channels: ['push'] })).messages;
      const failed = await settled(db.url, push!.id);
      expect(failed.status).toBe('failed');
      expect(failed.failure_code).toMatch(/UNREGISTERED/);
      const devices = await t.http().get('/v1/notifications/devices').set(as(user));
      expect(devices.body.items.map((d: { id: string }) => d.id)).not.toContain(device.id);
      const [fallback] = await eventually(
        () => fallbacksOf(push!.id),
        (rows) => rows.length > 0,
      );
      expect(fallback!.channel).toBe('sms');
      expect(await settled(db.url, fallback!.id)).toMatchObject({ status: 'sent' });
      const received = await twilioMessageOf('0.99 EUR');
      expect(received!.form['To']).toBe('+4915112340004');
      // The next push has no live device left: suppressed, nothing more reaches FCM.
      const before = fcm.sends.length;
      const [next] = (await send(t, { userId: user.userId, template: 'balance-changed', variables: balanceVariables('1'), channels: ['push'] })).messages;
      expect(await settled(db.url, next!.id)).toMatchObject({ status: 'suppressed', failure_code: null });
      expect(fcm.sends.length).toBe(before);
    });
  });

  describe('push to every live device', () => {
    const deviceAttemptsOf = (id: string) =>
      sql<{ attempt: number; provider: string; outcome: string; device_id: string | null; latency_ms: number }>(
        db.url,
        'select attempt, provider, outcome, device_id, latency_ms from notifications.delivery_attempts where message_id = $1 order by id',
        [id],
      );
    const fcmSendsTo = (token: string) => fcm.sends.filter((s) => s.body.message.token === token).length;
    const deliveredNow = async (pushId: string) => {
      const [row] = await sql<{ provider: string; provider_message_id: string }>(
        db.url,
        'select provider, provider_message_id from notifications.messages where id = $1',
        [pushId],
      );
      await t.app
        .get<DeliveryReportSink>(DELIVERY_REPORT_SINK)
        .record({ provider: row!.provider, providerMessageId: row!.provider_message_id, status: 'delivered', at: new Date() });
    };

    it('sends one push per live device, each through its platform’s provider (two FCM, one APNs), one attempt each', async () => {
      const user = await signUp(t, { name: 'Molly Many' });
      const phone = await registerDevice(user);
      const tablet = await registerDevice(user);
      const iphone = await registerDevice(user, apnsToken(), 'apns');
      const [push] = (await send(t, { userId: user.userId, template: 'balance-changed', variables: balanceVariables('300'), channels: ['push'] })).messages;
      const state = await settled(db.url, push!.id);
      // The first accepted in device order (newest first) names the message at its provider.
      expect(state).toMatchObject({ status: 'sent', provider: 'apns' });
      for (const device of [phone, tablet]) {
        expect(fcm.sends.find((s) => s.body.message.token === device.token)?.body.message).toEqual({
          token: device.token,
          notification: { title: 'Balance updated', body: 'Your balance is now 3.00 EUR.' },
          data: { messageId: push!.id, template: 'balance-changed' },
        });
      }
      const pushed = apns.pushes.filter((p) => p.token === iphone.token);
      expect(pushed).toHaveLength(1);
      expect(pushed[0]!.payload.aps.alert).toEqual({ title: 'Balance updated', body: 'Your balance is now 3.00 EUR.' });
      const attempts = await deviceAttemptsOf(push!.id);
      expect(attempts.map((a) => `${a.attempt}:${a.provider}:${a.outcome}:${a.device_id}`).sort()).toEqual(
        [`1:apns:accepted:${iphone.id}`, `1:fcm:accepted:${phone.id}`, `1:fcm:accepted:${tablet.id}`].sort(),
      );
      expect((await view(user, push!.id)).attempts).toHaveLength(3);
    });

    it('one device UNREGISTERED, the other accepting: sent, the dead device no longer listed, no fallback', async () => {
      const user = await signUp(t, { name: 'Hal Half', phone: '+4915112340005' });
      const gone = await registerDevice(user);
      const live = await registerDevice(user);
      fcm.unregistered.add(gone.token);
      const [push] = (await send(t, { userId: user.userId, template: 'balance-changed', variables: balanceVariables('250'), channels: ['push'] })).messages;
      expect(await settled(db.url, push!.id)).toMatchObject({ status: 'sent', provider: 'fcm', failure_code: null });
      // Not a failure: nothing falls back at once; once the accepted push is reported delivered, nothing falls back later either.
      // The report comes straight after the send (the fallback window runs from it; the checks below can take long on a loaded machine).
      expect(await fallbacksOf(push!.id)).toEqual([]);
      await deliveredNow(push!.id);
      expect((await deviceAttemptsOf(push!.id)).map((a) => `${a.outcome}:${a.device_id}`).sort()).toEqual(
        [`accepted:${live.id}`, `permanent:${gone.id}`].sort(),
      );
      const devices = await t.http().get('/v1/notifications/devices').set(as(user));
      expect(devices.body.items.map((d: { id: string }) => d.id)).toEqual([live.id]);
      await new Promise((resolve) => setTimeout(resolve, PUSH_FALLBACK_MS + 700));
      expect(await fallbacksOf(push!.id)).toEqual([]);
      expect(twilio.received.filter((m) => m.form['To'] === '+4915112340005')).toEqual([]);
      expect((await view(user, push!.id)).timeline.map((e) => e.status)).toEqual(['queued', 'sent', 'delivered']);
    });

    it('one device failing transiently, the other accepting: sent, and a later round sends only to the device that has not accepted', async () => {
      const user = await signUp(t, { name: 'Tess Transient' });
      const accepting = await registerDevice(user);
      const flaky = await registerDevice(user);
      fcm.unavailable.add(flaky.token);
      const [push] = (await send(t, { userId: user.userId, template: 'balance-changed', variables: balanceVariables('175'), channels: ['push'] })).messages;
      expect(await settled(db.url, push!.id)).toMatchObject({ status: 'sent', provider: 'fcm' });
      const [row] = await sql<{ provider_message_id: string }>(db.url, 'select provider_message_id from notifications.messages where id = $1', [push!.id]);
      expect((await deviceAttemptsOf(push!.id)).map((a) => `${a.attempt}:${a.outcome}:${a.device_id}`).sort()).toEqual(
        [`1:accepted:${accepting.id}`, `1:transient:${flaky.id}`].sort(),
      );
      expect(row!.provider_message_id).toMatch(/^projects\/skyro-test-project\/messages\//);
      // Sent: no round follows (the dispatch loop runs every 100 ms).
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect([fcmSendsTo(accepting.token), fcmSendsTo(flaky.token)]).toEqual([1, 1]);

      // A message taken again after a round some device accepted (white box: queued again by hand) skips that device.
      fcm.unavailable.delete(flaky.token);
      await sql(db.url, "update notifications.messages set status = 'queued', next_attempt_at = now(), fallback_due_at = null where id = $1", [push!.id]);
      await eventually(
        async () => fcmSendsTo(flaky.token),
        (n) => n === 2,
      );
      await eventually(
        () => deviceAttemptsOf(push!.id),
        (a) => a.length === 3,
      );
      const attempts = await deviceAttemptsOf(push!.id);
      expect(attempts[2]).toMatchObject({ attempt: 2, provider: 'fcm', outcome: 'accepted', device_id: flaky.id });
      expect(fcmSendsTo(accepting.token)).toBe(1);
    });
  });

  describe('accounts events', () => {
    let owner: SignedUp;
    let ledgerAuth: Record<string, string>;
    const messagesOf = (userId: string, template: string) =>
      sql<{ id: string; channel: string; status: string }>(
        db.url,
        'select id, channel, status from notifications.messages where user_id = $1 and template_key = $2 order by channel, created_at',
        [userId, template],
      );
    const inboxOf = async (user: SignedUp) =>
      (await t.http().get('/v1/notifications?filter=all&limit=100').set(as(user))).body.items as Array<{ id: string; title: string; body: string }>;
    const settle = async (userId: string, template: string, count: number) => {
      const rows = await eventually(
        () => messagesOf(userId, template),
        (r) => r.length >= count,
      );
      for (const r of rows) await settled(db.url, r.id, ['sent', 'delivered', 'failed', 'suppressed']);
      return messagesOf(userId, template);
    };
    const mailOf = (id: string) =>
      eventually(
        async () => smtp.received.find((m) => m.skyroMessageId === id),
        (m) => m !== undefined,
      );
    const open = async (product: string, currency: string) => {
      const res = await t.http().post('/v1/accounts').set(as(owner)).send({ product, currency });
      expect(res.status).toBe(201);
      return res.body as { id: string; ledgerAccountId: string };
    };
    const fund = async (bank: string, ledgerAccountId: string, amount: string, currency: string) => {
      const res = await t
        .http()
        .post('/v1/ledger/transfers')
        .set(ledgerAuth)
        .send({ id: newId(), debitAccountId: bank, creditAccountId: ledgerAccountId, amount, currency });
      expect(res.status).toBe(201);
    };

    beforeAll(async () => {
      owner = await signUp(t, { name: 'Olga Owner' });
      ledgerAuth = await ledgerClient(t);
    });
    afterEach(() => {
      t.app.get(Clock).now = () => Date.now();
    });

    it('closing a JPY account: the final statement and the closure each reach the owner by email and in-app, the swept amount without decimals', async () => {
      const bank = await openAccount(t, ledgerAuth, { normalSide: 'debit', currency: 'JPY' });
      const closing = await open('checking', 'JPY');
      const target = await open('checking', 'JPY');
      await fund(bank, closing.ledgerAccountId, '1234567', 'JPY');
      const closed = await t.http().post(`/v1/accounts/${closing.id}/close`).set(as(owner)).send({ sweepToAccountId: target.id });
      expect(closed.status).toBe(200);

      const closure = await settle(owner.userId, 'account-closed', 2);
      expect(closure.map((m) => `${m.channel}:${m.status}`)).toEqual(['email:sent', 'in_app:delivered']);
      const mail = await mailOf(closure[0]!.id);
      expect(mail).toMatchObject({ to: [owner.email], subject: 'Your account was closed' });
      expect(mail!.text).toContain('We moved the remaining 1,234,567 JPY to your other account.');
      expect(mail!.html).toContain('1,234,567 JPY');
      const items = await inboxOf(owner);
      expect(items.find((i) => i.id === closure[1]!.id)).toMatchObject({
        title: 'Account closed',
        body: expect.stringMatching(/^Your JPY account was closed on /),
      });

      const statement = await settle(owner.userId, 'statement-issued', 2);
      expect(statement.map((m) => `${m.channel}:${m.status}`)).toEqual(['email:sent', 'in_app:delivered']);
      expect((await mailOf(statement[0]!.id))!.subject).toBe('Your statement is ready');
      expect((await inboxOf(owner)).find((i) => i.id === statement[1]!.id)).toMatchObject({ title: 'Statement ready' });
    });

    it('capitalised interest becomes an in-app item with the amount in EUR’s two decimals', async () => {
      const today = dayOf(Date.now());
      const admin = bearer((await loginAs(t.app, newId(), ['admin'])).token);
      const rate = await t
        .http()
        .post('/v1/admin/interest-rates')
        .set(admin)
        .send({ product: 'savings', currency: 'EUR', effectiveFrom: today, annualRatePercent: '3.65' });
      expect(rate.status).toBe(201);
      const bank = await openAccount(t, ledgerAuth, { normalSide: 'debit', currency: 'EUR' });
      const savings = await open('savings', 'EUR');
      await fund(bank, savings.ledgerAccountId, '1000000', 'EUR');
      // 1,000,000 minor units at 3.65 % (ACT/365) earn 100 a day, from today to the month's end.
      const month = monthOf(today);
      const days = BigInt(daysBetween(today, addDays(firstDayAfter(month), -1)).length);
      t.app.get(Clock).now = () => Date.parse(`${firstDayAfter(month)}T06:00:00.000Z`);
      expect((await t.app.get(InterestJob).run()).failed).toBe(0);

      const [item] = await settle(owner.userId, 'interest-capitalised', 1);
      expect(item).toMatchObject({ channel: 'in_app', status: 'delivered' });
      const amount = `${(days * 100n) / 100n}.${String((days * 100n) % 100n).padStart(2, '0')} EUR`;
      expect((await inboxOf(owner)).find((i) => i.id === item!.id)).toMatchObject({
        title: 'Interest paid',
        body: `We paid ${amount} interest into your account (${month}).`,
      });
    });
  });
});
