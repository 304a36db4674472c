import { randomBytes } from 'node:crypto';
import { newId } from '@shared-kernel';
import type { ChannelProvider, OutboundMessage } from '@modules/notifications/channels/channel-provider';
import { ApnsPushProvider, DeviceTokenRepository, FcmPushProvider, pushProviders } from '@modules/notifications/channels/push';
import { accountsContext } from '@modules/accounts/accounts.context';
import { identityContext } from '@modules/identity/identity.context';
import { ledgerContext } from '@modules/ledger/ledger.context';
import { notificationsContext } from '@modules/notifications/notifications.context';
import { paymentsContext } from '@modules/payments/payments.context';
import { notificationsConfig, type NotificationsConfig } from '@modules/notifications/notifications.config';
import { startTestApp, type TestApp } from '../support/app';
import { bearer, loginAs } from '../support/auth';
import { createTestDatabase } from '../support/database';
import { ApnsFake } from '../support/providers/apns-fake';
import { fcmError, FcmFake } from '../support/providers/fcm-fake';
import { settingsOf } from '../support/providers/settings';

const fcmToken = () => `${randomBytes(8).toString('base64url')}:APA91b${randomBytes(100).toString('base64url')}`;
const apnsToken = () => randomBytes(32).toString('hex');
const push = (platform: 'fcm' | 'apns', to: string, extra: Partial<OutboundMessage> = {}): OutboundMessage => ({
  messageId: newId(),
  channel: 'push',
  platform,
  to,
  subject: 'Money in',
  text: 'You received 25.00 EUR',
  data: { kind: 'balance-changed' },
  ...extra,
});
const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/*
 * FCM HTTP v1 and APNs (HTTP/2, token auth) against local servers speaking their wire
 * formats, with the real device-token table behind them: a token a provider calls dead
 * leaves the user's live tokens (what the dispatcher sends to).
 */
describe('push through FCM and APNs', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let fcm: FcmFake;
  let apns: ApnsFake;
  let t: TestApp;
  let config: NotificationsConfig;
  let devices: DeviceTokenRepository;
  let fcmProvider: ChannelProvider;
  let apnsProvider: ApnsPushProvider;
  const user = newId();
  let auth: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    fcm = await new FcmFake().start();
    apns = await new ApnsFake().start();
    t = await startTestApp({
      contexts: [identityContext, ledgerContext, accountsContext, paymentsContext, notificationsContext],
      databaseUrl: db.url,
      env: {
        NOTIFICATIONS_FCM_PROJECT_ID: fcm.projectId,
        NOTIFICATIONS_FCM_SERVICE_ACCOUNT: JSON.stringify(fcm.serviceAccount),
        NOTIFICATIONS_FCM_BASE_URL: fcm.url,
        NOTIFICATIONS_APNS_KEY_ID: apns.keyId,
        NOTIFICATIONS_APNS_TEAM_ID: apns.teamId,
        // As a .env file holds a PEM: on one line, with \n escapes.
        NOTIFICATIONS_APNS_PRIVATE_KEY: apns.privateKeyPem.replace(/\n/g, '\\n'),
        NOTIFICATIONS_APNS_TOPIC: apns.topic,
        NOTIFICATIONS_APNS_BASE_URL: apns.url,
        NOTIFICATIONS_APNS_CA_CERT: apns.certPem,
      },
    });
    config = t.app.get<NotificationsConfig>(notificationsConfig.token);
    devices = t.app.get(DeviceTokenRepository);
    const providers = pushProviders(config, devices);
    expect(providers.map((p) => [p.name, p.channel])).toEqual([
      ['fcm', 'push'],
      ['apns', 'push'],
    ]);
    [fcmProvider, apnsProvider] = providers as [FcmPushProvider, ApnsPushProvider];
    auth = bearer((await loginAs(t.app, user)).token);
  });
  afterEach(() => {
    fcm.script.clear();
    fcm.tokenScript.clear();
    apns.script.clear();
  });
  afterAll(async () => {
    apnsProvider?.close();
    await t?.close();
    await fcm?.close();
    await apns?.close();
    await db?.drop();
  });

  const register = async (platform: 'fcm' | 'apns', token: string) => {
    const res = await t.http().post('/v1/notifications/devices').set(auth).send({ platform, token });
    expect(res.status).toBe(201);
    return res.body as { id: string };
  };
  const live = async () => (await devices.liveTokensOf(user)).map((d) => d.token);

  describe('FCM HTTP v1', () => {
    it('sends with a bearer token from the service account (one exchange for many sends) and answers the message name', async () => {
      const before = fcm.tokenExchanges;
      const token = fcmToken();
      const first = await fcmProvider.send(push('fcm', token));
      const second = await fcmProvider.send(push('fcm', token, { subject: undefined, data: undefined }));
      expect(first).toEqual({
        kind: 'accepted',
        providerMessageId: expect.stringMatching(/^projects\/skyro-test-project\/messages\//),
        latencyMs: expect.any(Number),
      });
      expect(second).toMatchObject({ kind: 'accepted' });
      expect(fcm.tokenExchanges - before).toBeLessThanOrEqual(1);
      const [a, b] = fcm.sends.slice(-2);
      expect(a!.body).toEqual({ message: { token, notification: { title: 'Money in', body: 'You received 25.00 EUR' }, data: { kind: 'balance-changed' } } });
      expect(b!.body).toEqual({ message: { token, notification: { body: 'You received 25.00 EUR' } } });
      expect(a!.bearer).toBe(b!.bearer);
    });

    it('on 401 gets a fresh access token once and sends again; a second 401 is transient', async () => {
      await fcmProvider.send(push('fcm', fcmToken()));
      const before = fcm.tokenExchanges;
      fcm.revokeTokens();
      expect(await fcmProvider.send(push('fcm', fcmToken()))).toMatchObject({ kind: 'accepted' });
      expect(fcm.tokenExchanges - before).toBe(1);

      const unauthenticated = {
        status: 401,
        ...json({ error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } }),
      };
      fcm.script.push(unauthenticated, unauthenticated);
      expect(await fcmProvider.send(push('fcm', fcmToken()))).toMatchObject({
        kind: 'transient',
        reason: 'fcm refused a fresh access token (401 UNAUTHENTICATED)',
      });
    });

    it('is permanent for UNREGISTERED and an invalid token, and marks the token dead', async () => {
      const [gone, malformed, fine] = [fcmToken(), fcmToken(), fcmToken()];
      for (const token of [gone, malformed, fine]) await register('fcm', token);
      fcm.unregistered.add(gone);
      fcm.malformed.add(malformed);
      expect(await fcmProvider.send(push('fcm', gone))).toMatchObject({ kind: 'permanent', reason: 'fcm UNREGISTERED (HTTP 404)' });
      expect(await fcmProvider.send(push('fcm', malformed))).toMatchObject({ kind: 'permanent', reason: 'fcm INVALID_ARGUMENT (HTTP 400)' });
      expect(await live()).toEqual(expect.arrayContaining([fine]));
      expect(await live()).not.toEqual(expect.arrayContaining([gone]));
      expect(await live()).not.toEqual(expect.arrayContaining([malformed]));
    });

    it('is permanent without killing the token when FCM refuses the payload, not the token', async () => {
      const token = fcmToken();
      await register('fcm', token);
      fcm.script.push({
        status: 400,
        ...json(
          fcmError(400, 'INVALID_ARGUMENT', 'Invalid value at message.data', [
            { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'message.data[0].value', description: 'Invalid value' }] },
          ]),
        ),
      });
      expect(await fcmProvider.send(push('fcm', token))).toMatchObject({ kind: 'permanent', reason: 'fcm INVALID_ARGUMENT (HTTP 400): payload refused' });
      expect(await live()).toEqual(expect.arrayContaining([token]));
    });

    it('is transient for 429 QUOTA_EXCEEDED and 503 UNAVAILABLE with Retry-After, and for bodies that are not FCM’s', async () => {
      fcm.script.push(
        {
          status: 429,
          headers: { 'content-type': 'application/json', 'retry-after': '30' },
          body: JSON.stringify(fcmError(429, 'QUOTA_EXCEEDED', 'Quota exceeded')),
        },
        {
          status: 503,
          headers: { 'content-type': 'application/json', 'retry-after': '5' },
          body: JSON.stringify(fcmError(503, 'UNAVAILABLE', 'The service is currently unavailable.')),
        },
        { status: 502, headers: { 'content-type': 'text/html' }, body: '<html>502</html>' },
        { status: 200, headers: { 'content-type': 'application/json' }, body: '{"nam' },
      );
      expect(await fcmProvider.send(push('fcm', fcmToken()))).toMatchObject({
        kind: 'transient',
        reason: 'fcm QUOTA_EXCEEDED (HTTP 429)',
        retryAfterMs: 30_000,
      });
      expect(await fcmProvider.send(push('fcm', fcmToken()))).toMatchObject({ kind: 'transient', reason: 'fcm UNAVAILABLE (HTTP 503)', retryAfterMs: 5_000 });
      expect(await fcmProvider.send(push('fcm', fcmToken()))).toMatchObject({ kind: 'transient', reason: 'fcm answered 502 with an unreadable body' });
      expect(await fcmProvider.send(push('fcm', fcmToken()))).toMatchObject({
        kind: 'transient',
        reason: 'fcm answered 200 without a message name (unreadable body; the message may have been sent)',
      });
    });

    it('is transient when the token endpoint refuses the assertion or FCM does not answer in time', async () => {
      const other = settingsOf({
        NOTIFICATIONS_FCM_PROJECT_ID: fcm.projectId,
        // Another key than the one the token endpoint knows for this account: its signature does not verify.
        NOTIFICATIONS_FCM_SERVICE_ACCOUNT: JSON.stringify({ ...fcm.serviceAccount, private_key: new FcmFake().serviceAccount.private_key }),
        NOTIFICATIONS_FCM_BASE_URL: fcm.url,
      });
      const forged = new FcmPushProvider(other.push.fcm!, devices, 10_000);
      expect(await forged.send(push('fcm', fcmToken()))).toMatchObject({ kind: 'transient', reason: 'fcm oauth answered 400 invalid_grant' });

      const slow = new FcmPushProvider(config.push.fcm!, devices, 300);
      fcm.script.push({ hang: true });
      expect(await slow.send(push('fcm', fcmToken()))).toMatchObject({ kind: 'transient', reason: 'fcm timeout: no answer within 300 ms' });
    });
  });

  describe('APNs', () => {
    it('sends over HTTP/2 with the provider token and the apns-* headers, reusing the token, and answers the apns-id', async () => {
      const token = apnsToken();
      const message = push('apns', token);
      const outcome = await apnsProvider.send(message);
      expect(outcome).toEqual({ kind: 'accepted', providerMessageId: message.messageId.toUpperCase(), latencyMs: expect.any(Number) });
      await apnsProvider.send(push('apns', token));
      const [a, b] = apns.pushes.slice(-2);
      expect(a!.token).toBe(token);
      expect(a!.headers).toEqual({
        'apns-topic': apns.topic,
        'apns-push-type': 'alert',
        'apns-id': message.messageId.toLowerCase(),
        'apns-expiration': expect.stringMatching(/^\d{10}$/),
        'apns-priority': '10',
      });
      expect(Number(a!.headers['apns-expiration']) - Date.now() / 1000).toBeGreaterThan(86_000);
      expect(a!.payload).toEqual({ aps: { alert: { title: 'Money in', body: 'You received 25.00 EUR' }, sound: 'default' }, kind: 'balance-changed' });
      expect(b!.providerToken).toBe(a!.providerToken);
    });

    it('is permanent for BadDeviceToken and 410 Unregistered, and marks the token dead', async () => {
      const [bad, gone, fine] = [apnsToken(), apnsToken(), apnsToken()];
      for (const token of [bad, gone, fine]) await register('apns', token);
      apns.bad.add(bad);
      apns.unregistered.add(gone);
      expect(await apnsProvider.send(push('apns', bad))).toMatchObject({ kind: 'permanent', reason: 'apns BadDeviceToken (HTTP 400)' });
      expect(await apnsProvider.send(push('apns', gone))).toMatchObject({ kind: 'permanent', reason: 'apns Unregistered (HTTP 410)' });
      const tokens = await live();
      expect(tokens).toEqual(expect.arrayContaining([fine]));
      expect(tokens.filter((x) => x === bad || x === gone)).toEqual([]);
    });

    it('is transient for 429 TooManyRequests, 500 and 503 (with Retry-After when given), garbage and silence', async () => {
      apns.script.push(
        { status: 429, ...json({ reason: 'TooManyRequests' }) },
        { status: 500, ...json({ reason: 'InternalServerError' }) },
        { status: 503, headers: { 'content-type': 'application/json', 'retry-after': '20' }, body: JSON.stringify({ reason: 'ServiceUnavailable' }) },
        { status: 400, headers: { 'content-type': 'text/plain' }, body: 'not json' },
      );
      expect(await apnsProvider.send(push('apns', apnsToken()))).toMatchObject({ kind: 'transient', reason: 'apns TooManyRequests (HTTP 429)' });
      expect(await apnsProvider.send(push('apns', apnsToken()))).toMatchObject({ kind: 'transient', reason: 'apns InternalServerError (HTTP 500)' });
      expect(await apnsProvider.send(push('apns', apnsToken()))).toMatchObject({
        kind: 'transient',
        reason: 'apns ServiceUnavailable (HTTP 503)',
        retryAfterMs: 20_000,
      });
      expect(await apnsProvider.send(push('apns', apnsToken()))).toMatchObject({ kind: 'transient', reason: 'apns answered 400 with an unreadable body' });

      const slow = new ApnsPushProvider(config.push.apns!, devices, 300);
      apns.script.push({ hang: true });
      expect(await slow.send(push('apns', apnsToken()))).toMatchObject({ kind: 'transient', reason: 'apns timeout: no answer within 300 ms' });
      slow.close();
    });

    it('refuses a payload over 4 KiB before sending, and a token that is not hex (marking it dead)', async () => {
      const sent = apns.pushes.length;
      expect(await apnsProvider.send(push('apns', apnsToken(), { text: 'x'.repeat(5000) }))).toMatchObject({
        kind: 'permanent',
        reason: 'payload over 4096 bytes',
      });
      expect(await apnsProvider.send(push('apns', `${apnsToken()}/../../x`))).toMatchObject({ kind: 'permanent', reason: 'not an APNs device token' });
      expect(apns.pushes.length).toBe(sent);
    });

    it('keeps a provider token for the refresh period, renews it after, and renews early once when APNs says it expired', async () => {
      let now = Date.now();
      const clocked = new ApnsPushProvider(config.push.apns!, devices, 10_000, () => now);
      const seen = apns.providerTokens.length;
      expect(await clocked.send(push('apns', apnsToken()))).toMatchObject({ kind: 'accepted' });
      now += 10 * 60_000; // 10 minutes: the same token
      expect(await clocked.send(push('apns', apnsToken()))).toMatchObject({ kind: 'accepted' });
      expect(apns.providerTokens.length - seen).toBe(1);

      now += 15 * 60_000; // 25 minutes: APNs calls it expired; old enough to renew (over 20 minutes)
      apns.expireProviderTokens();
      expect(await clocked.send(push('apns', apnsToken()))).toMatchObject({ kind: 'accepted' });
      expect(apns.providerTokens.length - seen).toBe(2);

      now += 51 * 60_000; // past NOTIFICATIONS_APNS_TOKEN_REFRESH_SECONDS (50 minutes): renewed before APNs asks
      expect(await clocked.send(push('apns', apnsToken()))).toMatchObject({ kind: 'accepted' });
      expect(apns.providerTokens.length - seen).toBe(3);
      clocked.close();
    });
  });
});
