import { randomBytes } from 'node:crypto';
import { newId } from '@shared-kernel';
import { DeviceTokenRepository } from '@modules/notifications/channels/push';
import { accountsContext } from '@modules/accounts/accounts.context';
import { identityContext } from '@modules/identity/identity.context';
import { ledgerContext } from '@modules/ledger/ledger.context';
import { notificationsContext } from '@modules/notifications/notifications.context';
import { paymentsContext } from '@modules/payments/payments.context';
import { startTestApp, type TestApp } from '../support/app';
import { bearer, clientToken, loginAs } from '../support/auth';
import { createTestDatabase } from '../support/database';

const fcmToken = () => `${randomBytes(8).toString('base64url')}:APA91b${randomBytes(100).toString('base64url')}`;
const apnsToken = () => randomBytes(32).toString('hex');

/** The signed-in user's push devices over HTTP, and the live tokens the dispatcher reads. */
describe('push devices', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let t: TestApp;
  let devices: DeviceTokenRepository;
  const [alice, bob] = [newId(), newId()];
  let aliceAuth: Record<string, string>;
  let bobAuth: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestApp({
      contexts: [identityContext, ledgerContext, accountsContext, paymentsContext, notificationsContext],
      databaseUrl: db.url,
      env: { NOTIFICATIONS_DEVICES_PER_USER: '3' },
    });
    devices = t.app.get(DeviceTokenRepository);
    aliceAuth = bearer((await loginAs(t.app, alice)).token);
    bobAuth = bearer((await loginAs(t.app, bob)).token);
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  const register = (auth: Record<string, string>, body: object) => t.http().post('/v1/notifications/devices').set(auth).send(body);
  const list = async (auth: Record<string, string>) => (await t.http().get('/v1/notifications/devices').set(auth)).body.items as Array<{ id: string }>;

  it('registers a token idempotently (201, then 200 with the same id), never showing the token, and lists it', async () => {
    const token = fcmToken();
    const first = await register(aliceAuth, { platform: 'fcm', token });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ id: expect.any(String), platform: 'fcm', createdAt: expect.any(String), registeredAt: expect.any(String) });
    const again = await register(aliceAuth, { platform: 'fcm', token });
    expect([again.status, again.body.id]).toEqual([200, first.body.id]);
    expect(JSON.stringify(again.body)).not.toContain(token);
    expect((await list(aliceAuth)).map((d) => d.id)).toEqual([first.body.id]);
    expect(await devices.liveTokensOf(alice)).toEqual([{ deviceId: first.body.id, platform: 'fcm', token }]);
  });

  it('revives a token a provider had called dead when the app registers it again', async () => {
    const token = apnsToken();
    const created = await register(aliceAuth, { platform: 'apns', token: token.toUpperCase() });
    expect(created.status).toBe(201);
    await devices.markDead('apns', token, 'apns Unregistered (HTTP 410)');
    expect((await devices.liveTokensOf(alice)).map((d) => d.token)).not.toContain(token);
    expect((await list(aliceAuth)).map((d) => d.id)).not.toContain(created.body.id);
    expect((await register(aliceAuth, { platform: 'apns', token })).status).toBe(200);
    expect((await devices.liveTokensOf(alice)).map((d) => d.token)).toContain(token);
  });

  it("shows and removes only the caller's own devices: another user's id is 404, as an unknown one", async () => {
    const bobs = await register(bobAuth, { platform: 'fcm', token: fcmToken() });
    expect((await list(aliceAuth)).map((d) => d.id)).not.toContain(bobs.body.id);
    const stolen = await t.http().delete(`/v1/notifications/devices/${bobs.body.id}`).set(aliceAuth);
    expect([stolen.status, stolen.body.code]).toEqual([404, 'NOTIFICATION_DEVICE_NOT_FOUND']);
    expect((await t.http().delete(`/v1/notifications/devices/${newId()}`).set(aliceAuth)).status).toBe(404);
    expect((await list(bobAuth)).map((d) => d.id)).toContain(bobs.body.id);
    expect((await t.http().delete(`/v1/notifications/devices/${bobs.body.id}`).set(bobAuth)).status).toBe(204);
    expect((await list(bobAuth)).map((d) => d.id)).not.toContain(bobs.body.id);
  });

  it('moves a token registered by another user to them (the install changed hands)', async () => {
    const token = fcmToken();
    const alices = await register(aliceAuth, { platform: 'fcm', token });
    const bobs = await register(bobAuth, { platform: 'fcm', token });
    expect(bobs.status).toBe(201);
    expect(bobs.body.id).not.toBe(alices.body.id);
    expect((await devices.liveTokensOf(alice)).map((d) => d.token)).not.toContain(token);
    expect((await devices.liveTokensOf(bob)).map((d) => d.token)).toContain(token);
    expect((await t.http().delete(`/v1/notifications/devices/${alices.body.id}`).set(aliceAuth)).status).toBe(404);
  });

  it('keeps the most recently registered NOTIFICATIONS_DEVICES_PER_USER tokens', async () => {
    const carol = newId();
    const auth = bearer((await loginAs(t.app, carol)).token);
    const tokens = [fcmToken(), fcmToken(), fcmToken(), fcmToken()];
    for (const token of tokens) expect((await register(auth, { platform: 'fcm', token })).status).toBe(201);
    expect((await devices.liveTokensOf(carol)).map((d) => d.token).sort()).toEqual(tokens.slice(1).sort());
    expect(await list(auth)).toHaveLength(3);
  });

  it('refuses malformed tokens naming the field, service clients (403) and anonymous callers (401)', async () => {
    const cases = [
      { platform: 'apns', token: fcmToken() },
      { platform: 'fcm', token: 'short' },
      { platform: 'fcm', token: `${fcmToken()}\u0000` },
      { platform: 'webpush', token: fcmToken() },
    ];
    for (const body of cases) {
      const res = await register(aliceAuth, body);
      expect([res.status, res.body.errors?.[0]?.field]).toEqual([400, body.platform === 'webpush' ? 'platform' : 'token']);
    }
    expect((await register(aliceAuth, { platform: 'fcm', token: fcmToken(), extra: 1 })).status).toBe(400);
    const service = bearer(await clientToken(t.app, 'devices-client', ['notifications:write']));
    const refused = await register(service, { platform: 'fcm', token: fcmToken() });
    expect([refused.status, refused.body.code]).toEqual([403, 'USER_REQUIRED']);
    expect((await t.http().get('/v1/notifications/devices')).status).toBe(401);
  });
});
