import { createHmac } from 'node:crypto';
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { KeyRing } from '@platform/auth/key-ring';
import { startTestApp } from '../support/app';
import { sql } from '../support/database';
import { identityContext } from '@modules/identity/identity.context';
import { IDENTITY_KEYS } from '@modules/identity/infrastructure/identity.tokens';
import { bearer, login, signUp, startIdentityApp, type IdentityTestApp } from './support';

describe('identity: access tokens, refresh rotation, sessions, JWKS', () => {
  let app: IdentityTestApp;
  beforeAll(async () => {
    app = await startIdentityApp();
  });
  afterAll(() => app?.close());
  const http = () => app.t.http();
  const me = (token: string) => http().get('/v1/users/me').set(bearer(token));
  const refresh = (refreshToken: string) => http().post('/v1/auth/token').type('form').send({ grant_type: 'refresh_token', refresh_token: refreshToken });

  it('issues ES256 access tokens that verify against the published JWKS, with iss, aud, typ, kid, exp and sid', async () => {
    const user = await signUp(app.t);
    const jwks = await http().get('/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    expect(jwks.headers['cache-control']).toContain('max-age');
    expect(jwks.body.keys[0]).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: expect.any(String),
      y: expect.any(String),
      kid: expect.any(String),
      alg: 'ES256',
      use: 'sig',
    });
    expect(jwks.body.keys[0]).not.toHaveProperty('d');
    const { payload, protectedHeader } = await jwtVerify(user.accessToken, createLocalJWKSet(jwks.body), {
      issuer: 'http://127.0.0.1:3000',
      audience: 'skyro-api',
      typ: 'at+jwt',
      algorithms: ['ES256'],
    });
    expect(protectedHeader).toEqual({ alg: 'ES256', kid: jwks.body.keys[0].kid, typ: 'at+jwt' });
    expect(payload).toMatchObject({ sub: user.userId, roles: ['customer'], amr: ['pwd'], sid: expect.any(String) });
    expect(payload.exp! - payload.iat!).toBe(600);
  });

  it('publishes an OIDC discovery document consistent with what is implemented', async () => {
    const res = await http().get('/.well-known/openid-configuration');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      issuer: 'http://127.0.0.1:3000',
      jwks_uri: 'http://127.0.0.1:3000/.well-known/jwks.json',
      token_endpoint: 'http://127.0.0.1:3000/v1/auth/token',
      authorization_endpoint: 'http://127.0.0.1:3000/v1/oauth/authorize',
      code_challenge_methods_supported: ['S256'],
      id_token_signing_alg_values_supported: ['ES256'],
      grant_types_supported: expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']),
    });
  });

  describe('rejects forged and broken tokens with 401', () => {
    let user: Awaited<ReturnType<typeof signUp>>;
    let sid: string;
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    beforeAll(async () => {
      user = await signUp(app.t);
      sid = JSON.parse(Buffer.from(user.accessToken.split('.')[1]!, 'base64url').toString()).sid;
    });
    const ring = () => app.t.app.get(KeyRing);
    const claims = () => ({
      sub: user.userId,
      sid,
      roles: ['admin'],
      scope: '',
      iss: 'http://127.0.0.1:3000',
      aud: 'skyro-api',
      jti: 'j',
      iat: Math.floor(Date.now() / 1000),
    });
    const sign = (payload: Record<string, unknown>, header: Record<string, unknown> = {}, key: Parameters<SignJWT['sign']>[0] = ring().signing!.privateKey) =>
      new SignJWT(payload).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: ring().signing!.kid, ...header }).sign(key);
    const hs256With = (secret: string | Buffer) => {
      const header = b64({ alg: 'HS256', typ: 'at+jwt', kid: ring().signing!.kid });
      const payload = b64({ ...claims(), exp: 9999999999 });
      return `${header}.${payload}.${createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url')}`;
    };

    it.each([
      ['expired', () => sign({ ...claims(), exp: Math.floor(Date.now() / 1000) - 60 })],
      ['wrong audience', () => sign({ ...claims(), aud: 'another-api', exp: 9999999999 })],
      ['wrong issuer', () => sign({ ...claims(), iss: 'https://idp.example', exp: 9999999999 })],
      ['wrong typ (an ID token)', () => sign({ ...claims(), exp: 9999999999 }, { typ: 'JWT' })],
      [
        'tampered payload (admin role, other subject)',
        async () => {
          const [h, , s] = user.accessToken.split('.');
          return `${h}.${b64({ ...claims(), exp: 9999999999 })}.${s}`;
        },
      ],
      ['alg: none', async () => `${b64({ alg: 'none', typ: 'at+jwt', kid: ring().signing!.kid })}.${b64({ ...claims(), exp: 9999999999 })}.`],
      [
        'HS256 keyed with the public key (PEM)',
        async () => hs256With(ring().verificationKey(ring().signing!.kid)!.export({ type: 'spki', format: 'pem' }) as string),
      ],
      ['HS256 keyed with the published JWK', async () => hs256With(JSON.stringify(ring().publicJwks[0]))],
      [
        'EdDSA signed by a foreign key under our kid',
        async () => {
          const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
          return sign({ ...claims(), exp: 9999999999 }, { alg: 'EdDSA' }, privateKey);
        },
      ],
      [
        'ES256 signed by an unknown key under our kid',
        async () => {
          const { privateKey } = await generateKeyPair('ES256');
          return sign({ ...claims(), exp: 9999999999 }, {}, privateKey);
        },
      ],
      [
        'unknown kid',
        async () => {
          const { privateKey } = await generateKeyPair('ES256');
          return sign({ ...claims(), exp: 9999999999 }, { kid: 'unknown' }, privateKey);
        },
      ],
    ])('%s', async (_name, make) => {
      const res = await me(await make());
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('INVALID_TOKEN');
    });

    it('while the genuine token still works', async () => {
      expect((await me(user.accessToken)).status).toBe(200);
    });
  });

  it('rotates refresh tokens on every use; reusing an old one revokes the whole family and its session', async () => {
    const user = await signUp(app.t);
    const first = await refresh(user.refreshToken);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ token_type: 'Bearer', expires_in: 600, refresh_token: expect.stringMatching(/^skr_rt_[A-Za-z0-9_-]{43}$/) });
    expect(first.body.refresh_token).not.toBe(user.refreshToken);
    expect(first.headers).toMatchObject({ 'cache-control': 'no-store', pragma: 'no-cache' });
    const second = await refresh(first.body.refresh_token);
    expect(second.status).toBe(200);
    expect((await me(second.body.access_token)).status).toBe(200);

    // The first token again: a thief or a replay. Everything of that session dies.
    const reuse = await refresh(user.refreshToken);
    expect(reuse.status).toBe(400);
    expect(reuse.body).toMatchObject({ code: 'INVALID_GRANT', error: 'invalid_grant' });
    expect((await refresh(second.body.refresh_token)).status).toBe(400);
    expect((await me(second.body.access_token)).body.code).toBe('SESSION_REVOKED');
    expect((await me(user.accessToken)).status).toBe(401);
    const [family] = await sql<{ revoked_reason: string }>(app.dbUrl, 'select revoked_reason from identity.refresh_token_families where user_id = $1', [
      user.userId,
    ]);
    expect(family!.revoked_reason).toBe('refresh_token_reuse');
    // Refresh tokens are stored hashed only.
    const stored = await sql<{ token_hash: Buffer }>(
      app.dbUrl,
      'select token_hash from identity.refresh_tokens r join identity.refresh_token_families f on f.id = r.family_id where f.user_id = $1',
      [user.userId],
    );
    expect(stored).toHaveLength(3);
    expect(stored.every((s) => s.token_hash.length === 32)).toBe(true);
  });

  it('accepts the token endpoint as a form only on that route; JSON everywhere else', async () => {
    const user = await signUp(app.t);
    const json = await http().post('/v1/auth/token').send({ grant_type: 'refresh_token', refresh_token: user.refreshToken });
    expect(json.status).toBe(200);
    const form = await http().post('/v1/auth/login').type('form').send({ email: user.email, password: user.password });
    expect(form.status).toBe(415);
    const repeated = await http().post('/v1/auth/token').type('form').send('grant_type=refresh_token&refresh_token=a&refresh_token=b');
    expect(repeated.status).toBe(400);
    const bad = await http().post('/v1/auth/token').type('form').send({ grant_type: 'password', username: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['grant_type', 'username']);
    expect((await refresh('skr_rt_unknown-token-value')).body.code).toBe('INVALID_GRANT');
    const control = await http().post('/v1/auth/token').type('form').send({ grant_type: 'refresh_token', refresh_token: 'skr_rt_a\u0000b' });
    expect(control.body.errors.map((e: { field: string }) => e.field)).toEqual(['refresh_token']);
    // A grant's missing parameter keeps its OAuth error (RFC 6749 §5.2), not a shape error.
    expect((await http().post('/v1/auth/token').type('form').send({ grant_type: 'refresh_token' })).body).toMatchObject({
      code: 'INVALID_REQUEST',
      error: 'invalid_request',
    });
  });

  it('lists my sessions with device, IP and last seen; revokes one; logs out everywhere', async () => {
    const user = await signUp(app.t);
    const phone = await http().post('/v1/auth/login').set('user-agent', 'SkyroApp/1.0 (iPhone)').send({ email: user.email, password: user.password });
    const phoneToken = phone.body.tokens.access_token as string;
    const list = await http().get('/v1/sessions').set(bearer(user.accessToken));
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(2);
    const phoneSession = list.body.find((s: { device: string }) => s.device === 'SkyroApp/1.0 (iPhone)');
    expect(phoneSession).toMatchObject({ current: false, ip: expect.any(String), lastSeenAt: expect.any(String) });
    expect(list.body.filter((s: { current: boolean }) => s.current)).toHaveLength(1);

    const malformed = await http().delete('/v1/sessions/not-a-session').set(bearer(user.accessToken));
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'id' }] });
    expect((await http().delete(`/v1/sessions/${phoneSession.id}`).set(bearer(user.accessToken))).status).toBe(204);
    expect((await me(phoneToken)).body.code).toBe('SESSION_REVOKED');
    expect((await refresh(phone.body.tokens.refresh_token)).status).toBe(400);
    expect((await me(user.accessToken)).status).toBe(200);

    const third = await login(app.t, user.email, user.password);
    const all = await http().delete('/v1/sessions').set(bearer(user.accessToken));
    expect(all.body).toEqual({ revoked: 2 });
    expect((await me(user.accessToken)).status).toBe(401);
    expect((await me(third.access_token)).status).toBe(401);
    expect((await refresh(third.refresh_token)).status).toBe(400);
  });

  it('keeps verifying tokens signed by the previous key after a rotation', async () => {
    const user = await signUp(app.t);
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const newKey = { ...(await exportJWK(privateKey)), kid: 'k-2026' };
    const oldPublic = app.t.app.get(KeyRing).publicJwks[0]!;
    const rotated = await startTestApp({
      contexts: [identityContext],
      databaseUrl: app.dbUrl,
      redis: true,
      // A second pod of the same deployment: same Redis key space, same personal-data keys.
      env: {
        IDENTITY_PII_KEYS: JSON.stringify({ test: app.t.app.get(IDENTITY_KEYS).keks.get('test')!.toString('base64') }),
        IDENTITY_BLIND_INDEX_KEY: app.t.app.get(IDENTITY_KEYS).blindIndexKey.toString('base64'),
        AUTH_SIGNING_KEYS: JSON.stringify([newKey]),
        AUTH_VERIFICATION_KEYS: JSON.stringify([oldPublic]),
      },
    });
    try {
      const jwks = await rotated.http().get('/.well-known/jwks.json');
      expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).toEqual(['k-2026', oldPublic.kid]);
      expect((await rotated.http().get('/v1/users/me').set(bearer(user.accessToken))).status).toBe(200);
      const fresh = await login(rotated, user.email, user.password);
      expect(JSON.parse(Buffer.from(fresh.access_token.split('.')[0]!, 'base64url').toString())).toMatchObject({ kid: 'k-2026' });
      expect((await rotated.http().get('/v1/users/me').set(bearer(fresh.access_token))).status).toBe(200);
      // A pod that has not learnt the new key yet refuses it: publish the key before signing with it.
      expect((await me(fresh.access_token)).body.code).toBe('INVALID_TOKEN');
    } finally {
      await rotated.close();
    }
  });
});
