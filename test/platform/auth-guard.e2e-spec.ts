import { createHmac } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { KeyRing } from '../../src/platform/auth/key-ring';
import { SessionStore } from '../../src/platform/auth/sessions';
import { createTestDatabase } from '../support/database';
import { startTestApp, type TestApp } from '../support/app';
import { bearer, clientToken, loginAs } from '../support/auth';
import { FIXTURE_CONTEXTS, installFixtureSchemas } from '../fixtures/fixture-contexts';

const ALICE = '0193a5f0-0000-7000-8000-00000000a11c';
const BOB = '0193a5f0-0000-7000-8000-000000000b0b';

describe('auth guard: tokens, sessions, permissions, step-up, ownership', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let t: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    await installFixtureSchemas(db.url);
    t = await startTestApp({ contexts: FIXTURE_CONTEXTS, databaseUrl: db.url, redis: true });
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  const me = (headers: Record<string, string>) => t.http().get('/v1/fx-secure/me').set(headers);

  it('requires a token on every non-public route', async () => {
    const res = await t.http().get('/v1/fx-secure/me');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('AUTHENTICATION_REQUIRED');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
  });

  it('accepts a valid token and exposes the principal', async () => {
    const { token, sessionId } = await loginAs(t.app, ALICE);
    const res = await me(bearer(token));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ kind: 'user', subject: ALICE, roles: ['customer'], sessionId });
  });

  describe('rejects forged and broken tokens with 401 INVALID_TOKEN', () => {
    const config = { iss: 'http://127.0.0.1:3000', aud: 'skyro-api' };
    let valid: string;
    let sessionId: string;
    beforeAll(async () => {
      ({ token: valid, sessionId } = await loginAs(t.app, ALICE));
    });
    const claims = () => ({ sid: sessionId, roles: ['admin'], scope: '' });
    const sign = async (header: Record<string, unknown>, payload: Record<string, unknown>, key = t.app.get(KeyRing).signing!.privateKey) =>
      new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: t.app.get(KeyRing).signing!.kid, ...header } as never)
        .setIssuer(String(payload['iss'] ?? config.iss)).setAudience(String(payload['aud'] ?? config.aud)).setSubject(ALICE).setJti('j1').setIssuedAt()
        .setExpirationTime((payload['exp'] as number | undefined) ?? '10m').sign(key);
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

    it.each([
      ['expired', async () => sign({}, { ...claims(), exp: Math.floor(Date.now() / 1000) - 60 })],
      ['wrong audience', async () => sign({}, { ...claims(), aud: 'some-other-api' })],
      ['wrong issuer', async () => sign({}, { ...claims(), iss: 'https://evil.example' })],
      ['wrong typ (id token)', async () => sign({ typ: 'JWT' }, claims())],
      ['tampered payload', async () => {
        const [h, , s] = valid.split('.');
        return `${h}.${b64({ sub: BOB, sid: sessionId, roles: ['admin'], iss: config.iss, aud: config.aud, exp: 9999999999, iat: 1, jti: 'x' })}.${s}`;
      }],
      ['alg: none', async () => `${b64({ alg: 'none', typ: 'at+jwt', kid: t.app.get(KeyRing).signing!.kid })}.${b64({ sub: ALICE, sid: sessionId, iss: config.iss, aud: config.aud, exp: 9999999999, iat: 1, jti: 'x' })}.`],
      ['HS256 signed with the public key', async () => {
        const jwk = t.app.get(KeyRing).publicJwks[0]!;
        const header = b64({ alg: 'HS256', typ: 'at+jwt', kid: jwk.kid });
        const payload = b64({ sub: ALICE, sid: sessionId, roles: ['admin'], iss: config.iss, aud: config.aud, exp: 9999999999, iat: 1, jti: 'x' });
        // The classic confusion attack: the public key used as an HMAC secret.
        const signature = createHmac('sha256', Buffer.from(jwk.x!, 'base64url')).update(`${header}.${payload}`).digest('base64url');
        return `${header}.${payload}.${signature}`;
      }],
      ['unknown kid', async () => {
        const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
        return sign({ kid: 'not-our-key' }, claims(), privateKey as never);
      }],
      ['a known kid but signed by another key', async () => {
        const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
        return sign({}, claims(), privateKey as never);
      }],
      ['garbage', async () => 'not.a.jwt'],
    ])('%s', async (_name, make) => {
      const res = await me(bearer(await make()));
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('INVALID_TOKEN');
    });

    it('verifies with a previous key after rotation (old key verifies, new key signs)', async () => {
      const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
      const newJwk = { ...(await exportJWK(privateKey)), kid: 'k-new' };
      const oldJwk = t.app.get(KeyRing).publicJwks[0]!;
      const rotated = await startTestApp({
        contexts: FIXTURE_CONTEXTS,
        databaseUrl: db.url,
        redis: true,
        env: { AUTH_SIGNING_KEYS: JSON.stringify([newJwk]), AUTH_VERIFICATION_KEYS: JSON.stringify([oldJwk]) },
      });
      try {
        expect((await rotated.http().get('/v1/fx-secure/me').set(bearer(valid))).status).toBe(200);
        const fresh = await loginAs(rotated.app, ALICE);
        expect(JSON.parse(Buffer.from(fresh.token.split('.')[0]!, 'base64url').toString())).toMatchObject({ kid: 'k-new', alg: 'EdDSA' });
        expect((await rotated.http().get('/.well-known/jwks.json')).status).toBe(404); // published by identity, not the platform
        expect(rotated.app.get(KeyRing).publicJwks.map((k) => k.kid)).toEqual(['k-new', oldJwk.kid]);
      } finally {
        await rotated.close();
      }
    });
  });

  it('stops a token the moment its session is revoked', async () => {
    const { token, sessionId } = await loginAs(t.app, ALICE);
    expect((await me(bearer(token))).status).toBe(200);
    await t.app.get(SessionStore).revoke(sessionId);
    const res = await me(bearer(token));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('SESSION_REVOKED');
  });

  it('applies role changes at once through the session', async () => {
    const { token } = await loginAs(t.app, ALICE, ['customer']);
    expect((await t.http().get('/v1/fx-secure/audit').set(bearer(token))).status).toBe(403);
    await t.app.get(SessionStore).updateRoles(ALICE, ['compliance_officer']);
    expect((await t.http().get('/v1/fx-secure/audit').set(bearer(token))).status).toBe(200);
  });

  it('checks permissions for users and scopes for service clients', async () => {
    const customer = await loginAs(t.app, BOB, ['customer']);
    const denied = await t.http().get('/v1/fx-secure/audit').set(bearer(customer.token));
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('PERMISSION_DENIED');
    expect((await t.http().get('/v1/fx-secure/audit').set(bearer(await clientToken(t.app, 'reporting', ['fx:audit'])))).status).toBe(200);
    expect((await t.http().get('/v1/fx-secure/audit').set(bearer(await clientToken(t.app, 'reporting', ['ledger:read'])))).status).toBe(403);
  });

  it('requires a recent second factor for step-up routes', async () => {
    const noMfa = await loginAs(t.app, ALICE);
    const res = await t.http().post('/v1/fx-secure/sensitive').set(bearer(noMfa.token));
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'STEP_UP_REQUIRED', maxAgeSeconds: 300 });
    const stale = await loginAs(t.app, ALICE, ['customer'], { secondFactorAt: Date.now() - 301_000 });
    expect((await t.http().post('/v1/fx-secure/sensitive').set(bearer(stale.token))).status).toBe(401);
    await t.app.get(SessionStore).recordSecondFactor(stale.sessionId);
    expect((await t.http().post('/v1/fx-secure/sensitive').set(bearer(stale.token))).status).toBe(200);
  });

  it('lets a customer reach only their own resources; others get 404, support gets through', async () => {
    const alice = await loginAs(t.app, ALICE);
    expect((await t.http().get(`/v1/fx-secure/owners/${ALICE}`).set(bearer(alice.token))).status).toBe(200);
    const other = await t.http().get(`/v1/fx-secure/owners/${BOB}`).set(bearer(alice.token));
    expect(other.status).toBe(404);
    expect(other.body.code).toBe('OWNER_NOT_FOUND');
    const support = await loginAs(t.app, 'support-1', ['support']);
    expect((await t.http().get(`/v1/fx-secure/owners/${BOB}`).set(bearer(support.token))).status).toBe(200);
  });
});
