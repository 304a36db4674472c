import { randomBytes } from 'node:crypto';
import { Housekeeping } from '@modules/identity/infrastructure/housekeeping';
import { identityContext } from '@modules/identity/identity.context';
import { startTestApp } from '../support/app';
import { loginAs } from '../support/auth';
import { sql } from '../support/database';
import { bearer, signUp, startIdentityApp, type IdentityTestApp } from './support';

describe('identity: housekeeping keeps tables bounded without losing what still matters', () => {
  let app: IdentityTestApp;
  beforeAll(async () => {
    app = await startIdentityApp();
  });
  afterAll(() => app?.close());

  it('drops tokens of long-ended sessions; keeps recent rotated ones, so their reuse is still caught', async () => {
    const ended = await signUp(app.t);
    const live = await signUp(app.t);
    const refreshed = await app.t.http().post('/v1/auth/token').send({ grant_type: 'refresh_token', refresh_token: live.refreshToken });
    expect(refreshed.status).toBe(200);
    await sql(app.dbUrl, `update identity.refresh_token_families set revoked_at = now() - interval '2 days' where user_id = $1`, [ended.userId]);
    const count = async (userId: string) =>
      Number(
        (
          await sql<{ n: string }>(
            app.dbUrl,
            'select count(*) as n from identity.refresh_tokens t join identity.refresh_token_families f on f.id = t.family_id where f.user_id = $1',
            [userId],
          )
        )[0]!.n,
      );
    expect(await count(ended.userId)).toBe(1);
    expect(await count(live.userId)).toBe(2);

    const first = await app.t.app.get(Housekeeping).run();
    expect(first['refreshTokensOfEndedSessions']).toBeGreaterThanOrEqual(1);
    expect(await count(ended.userId)).toBe(0);
    // The rotated token is recent: it must stay, so that its reuse is still detected.
    expect(await count(live.userId)).toBe(2);
    expect((await app.t.http().post('/v1/auth/token').send({ grant_type: 'refresh_token', refresh_token: live.refreshToken })).status).toBe(400);
  });

  it('drops rotated tokens after a week; the session itself goes on', async () => {
    const user = await signUp(app.t);
    const refreshed = await app.t.http().post('/v1/auth/token').send({ grant_type: 'refresh_token', refresh_token: user.refreshToken });
    await sql(
      app.dbUrl,
      `update identity.refresh_tokens t set rotated_at = now() - interval '8 days' from identity.refresh_token_families f
                          where f.id = t.family_id and f.user_id = $1 and t.rotated_at is not null`,
      [user.userId],
    );
    expect((await app.t.app.get(Housekeeping).run())['rotatedRefreshTokens']).toBe(1);
    const next = await app.t.http().post('/v1/auth/token').send({ grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token });
    expect(next.status).toBe(200);
  });

  it('drops expired codes, tokens and notification requests', async () => {
    await signUp(app.t);
    await sql(app.dbUrl, `update identity.notification_requests set expires_at = now() - interval '2 days'`);
    await sql(app.dbUrl, `update identity.one_time_tokens set expires_at = now() - interval '2 days'`);
    await app.t.app.get(Housekeeping).run();
    expect(await sql(app.dbUrl, 'select 1 from identity.notification_requests')).toEqual([]);
    expect(await sql(app.dbUrl, 'select 1 from identity.one_time_tokens')).toEqual([]);
  });
});

describe('identity: rotating the personal-data key without downtime', () => {
  it('re-wraps data keys under the new key, after which the old key can go', async () => {
    const oldKey = randomBytes(32).toString('base64');
    const newKey = randomBytes(32).toString('base64');
    const blind = randomBytes(32).toString('base64');
    const first = await startIdentityApp({ env: { IDENTITY_PII_KEYS: JSON.stringify({ k2025: oldKey }), IDENTITY_BLIND_INDEX_KEY: blind } });
    try {
      const user = await signUp(first.t, { name: 'Rota Tion' });
      await first.t.close();
      // Step 1: the new key first, the old one still configured: both kinds of data key work.
      const both = await startTestApp({
        contexts: [identityContext],
        databaseUrl: first.dbUrl,
        redis: true,
        env: { IDENTITY_PII_KEYS: JSON.stringify({ k2026: newKey, k2025: oldKey }), IDENTITY_BLIND_INDEX_KEY: blind },
      });
      try {
        const token = (await loginAs(both.app, user.userId, ['customer'])).token;
        expect((await both.http().get('/v1/users/me').set(bearer(token))).body.personalData.name).toBe('Rota Tion');
        expect((await both.app.get(Housekeeping).run())['rewrappedDataKeys']).toBe(1);
        expect(await sql(first.dbUrl, 'select kek_id from identity.user_keys where user_id = $1', [user.userId])).toEqual([{ kek_id: 'k2026' }]);
      } finally {
        await both.close();
      }
      // Step 2: the old key removed; everything still reads.
      const only = await startTestApp({
        contexts: [identityContext],
        databaseUrl: first.dbUrl,
        redis: true,
        env: { IDENTITY_PII_KEYS: JSON.stringify({ k2026: newKey }), IDENTITY_BLIND_INDEX_KEY: blind },
      });
      try {
        const token = (await loginAs(only.app, user.userId, ['customer'])).token;
        expect((await only.http().get('/v1/users/me').set(bearer(token))).body.personalData).toMatchObject({ name: 'Rota Tion', email: user.email });
        expect((await only.http().post('/v1/auth/login').send({ email: user.email, password: user.password })).status).toBe(200);
      } finally {
        await only.close();
      }
    } finally {
      await first.close();
    }
  });
});
