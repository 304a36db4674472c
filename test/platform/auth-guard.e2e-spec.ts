import { createHmac, sign as sign_ } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { KeyRing } from '@platform/auth/key-ring';
import { SessionStore } from '@platform/auth/sessions';
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
    const ring = () => t.app.get(KeyRing);
    const claims = () => ({ sid: sessionId, roles: ['admin'], scope: '' });
    const sign = async (header: Record<string, unknown>, payload: Record<string, unknown>, key: Parameters<SignJWT['sign']>[0] = ring().signing!.privateKey) =>
      new SignJWT(payload)
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: ring().signing!.kid, ...header })
        .setIssuer((payload['iss'] as string | undefined) ?? config.iss)
        .setAudience((payload['aud'] as string | undefined) ?? config.aud)
        .setSubject(ALICE)
        .setJti('j1')
        .setIssuedAt()
        .setExpirationTime((payload['exp'] as number | undefined) ?? '10m')
        .sign(key);
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    /** Signed by our key with exactly this header and payload (jose refuses to sign some of them). */
    const signRaw = async (header: Record<string, unknown>, payload: unknown) => {
      const input = `${b64({ alg: 'ES256', typ: 'at+jwt', kid: ring().signing!.kid, ...header })}.${b64(payload)}`;
      return `${input}.${sign_('sha256', Buffer.from(input), { key: ring().signing!.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
    };
    const fullClaims = () => ({
      ...claims(),
      sub: ALICE,
      iss: config.iss,
      aud: config.aud,
      jti: 'j2',
      iat: Math.floor(Date.now() / 1000),
      exp: Math.floor(Date.now() / 1000) + 600,
    });
    const without = (name: string) => Object.fromEntries(Object.entries(fullClaims()).filter(([k]) => k !== name));
    /** HS256 keyed with something public: the classic algorithm-confusion attack. */
    const hs256 = (secret: string | Buffer) => {
      const header = b64({ alg: 'HS256', typ: 'at+jwt', kid: ring().signing!.kid });
      const payload = b64({ ...fullClaims(), roles: ['admin'] });
      return `${header}.${payload}.${createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url')}`;
    };
    const ourPublicKey = () => ring().verificationKey(ring().signing!.kid)!;

    it.each([
      ['expired', async () => sign({}, { ...claims(), exp: Math.floor(Date.now() / 1000) - 60 })],
      ['not valid before a time to come', async () => signRaw({}, { ...fullClaims(), nbf: Math.floor(Date.now() / 1000) + 600 })],
      ['wrong audience', async () => sign({}, { ...claims(), aud: 'some-other-api' })],
      ['wrong issuer', async () => sign({}, { ...claims(), iss: 'https://evil.example' })],
      ['wrong typ (id token)', async () => sign({ typ: 'JWT' }, claims())],
      ['no typ', async () => sign({ typ: undefined }, claims())],
      ['a critical header we do not understand', async () => signRaw({ crit: ['exp-v2'], 'exp-v2': 1 }, fullClaims())],
      ['no exp (jsonwebtoken alone would accept it forever)', async () => signRaw({}, without('exp'))],
      ['no iat', async () => signRaw({}, without('iat'))],
      ['no jti', async () => signRaw({}, without('jti'))],
      ['no sub', async () => signRaw({}, without('sub'))],
      ['a number for sub', async () => signRaw({}, { ...fullClaims(), sub: 42 })],
      ['a string for exp', async () => signRaw({}, { ...fullClaims(), exp: '9999999999' })],
      [
        'tampered payload',
        async () => {
          const [h, , s] = valid.split('.');
          return `${h}.${b64({ sub: BOB, sid: sessionId, roles: ['admin'], iss: config.iss, aud: config.aud, exp: 9999999999, iat: 1, jti: 'x' })}.${s}`;
        },
      ],
      [
        'the signature of another genuine token',
        async () => {
          const other = (await loginAs(t.app, BOB)).token;
          return `${valid.split('.').slice(0, 2).join('.')}.${other.split('.')[2]}`;
        },
      ],
      [
        'alg: none',
        async () =>
          `${b64({ alg: 'none', typ: 'at+jwt', kid: ring().signing!.kid })}.${b64({ sub: ALICE, sid: sessionId, iss: config.iss, aud: config.aud, exp: 9999999999, iat: 1, jti: 'x' })}.`,
      ],
      [
        'alg: none with a signature',
        async () => `${b64({ alg: 'none', typ: 'at+jwt', kid: ring().signing!.kid })}.${b64(fullClaims())}.${valid.split('.')[2]}`,
      ],
      ['HS256 keyed with the public key (PEM)', async () => hs256(ourPublicKey().export({ type: 'spki', format: 'pem' }) as string)],
      ['HS256 keyed with the public key (DER)', async () => hs256(ourPublicKey().export({ type: 'spki', format: 'der' }))],
      ['HS256 keyed with the published JWK', async () => hs256(JSON.stringify(ring().publicJwks[0]))],
      ['HS256 keyed with the JWK x coordinate', async () => hs256(Buffer.from(ring().publicJwks[0]!.x!, 'base64url'))],
      [
        'EdDSA signed by a foreign key under our kid',
        async () => {
          const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
          return sign({ alg: 'EdDSA' }, claims(), privateKey);
        },
      ],
      [
        'ES384 signed by a foreign key under our kid',
        async () => {
          const { privateKey } = await generateKeyPair('ES384');
          return sign({ alg: 'ES384' }, claims(), privateKey);
        },
      ],
      [
        'RS256 signed by a foreign key under our kid',
        async () => {
          const { privateKey } = await generateKeyPair('RS256');
          return sign({ alg: 'RS256' }, claims(), privateKey);
        },
      ],
      [
        'unknown kid',
        async () => {
          const { privateKey } = await generateKeyPair('ES256');
          return sign({ kid: 'not-our-key' }, claims(), privateKey);
        },
      ],
      ['no kid', async () => sign({ kid: undefined }, claims())],
      [
        'ES256 under a known kid but signed by another key',
        async () => {
          const { privateKey } = await generateKeyPair('ES256');
          return sign({}, claims(), privateKey);
        },
      ],
      [
        'its own key embedded in the header (jwk), under an unknown kid',
        async () => {
          const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
          return sign({ kid: 'attacker', jwk: await exportJWK(publicKey) }, claims(), privateKey);
        },
      ],
      [
        'its own key embedded in the header (jwk), under our kid',
        async () => {
          const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
          return sign({ jwk: await exportJWK(publicKey) }, claims(), privateKey);
        },
      ],
      ['a header that is not JSON', async () => `${Buffer.from('{"alg":"ES256"').toString('base64url')}.${b64(fullClaims())}.${valid.split('.')[2]}`],
      ['a payload that is not an object', async () => signRaw({}, ['not', 'claims'])],
      ['garbage', async () => 'not.a.jwt'],
      ['two segments', async () => valid.split('.').slice(0, 2).join('.')],
    ])('%s', async (_name, make) => {
      const res = await me(bearer(await make()));
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('INVALID_TOKEN');
      // Why is not told: one detail for every refusal.
      expect(res.body.detail).toBe('The access token is invalid or expired');
      expect(res.headers['www-authenticate']).toBe('Bearer realm="skyro", error="invalid_token"');
    });

    it('answers a malformed Authorization header with AUTHENTICATION_REQUIRED', async () => {
      for (const header of ['Basic YWxpY2U6c2VjcmV0', `bearer ${valid}`, 'Bearer', `Bearer ${valid} extra`, `Bearer ${valid};`]) {
        const res = await me({ authorization: header });
        expect({ header, status: res.status, code: res.body.code }).toEqual({ header, status: 401, code: 'AUTHENTICATION_REQUIRED' });
        expect(res.headers['www-authenticate']).toBe('Bearer realm="skyro", error="invalid_request"');
      }
    });

    it('verifies a remembered token again when any byte of it changes', async () => {
      expect((await me(bearer(valid))).status).toBe(200); // now remembered
      const [h, p, s] = valid.split('.') as [string, string, string];
      const flip = (text: string, at: number) => text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
      for (const changed of [`${h}.${p}.${flip(s, 10)}`, `${h}.${flip(p, 10)}.${s}`, `${flip(h, 5)}.${p}.${s}`]) {
        expect((await me(bearer(changed))).body.code).toBe('INVALID_TOKEN');
      }
      expect((await me(bearer(valid))).status).toBe(200);
    });

    it('stops a remembered token at its expiry', async () => {
      const { token } = await loginAs(t.app, ALICE);
      expect((await me(bearer(token))).status).toBe(200); // now remembered
      const exp = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).exp as number;
      const now = jest.spyOn(Date, 'now').mockReturnValue((exp + 6) * 1000); // past the 5 s of tolerance
      try {
        expect((await me(bearer(token))).body.code).toBe('INVALID_TOKEN');
      } finally {
        now.mockRestore();
      }
    });

    it('verifies with a previous key after rotation (old key verifies, new key signs)', async () => {
      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      const newJwk = { ...(await exportJWK(privateKey)), kid: 'k-new' };
      const oldJwk = ring().publicJwks[0]!;
      const rotated = await startTestApp({
        contexts: FIXTURE_CONTEXTS,
        databaseUrl: db.url,
        redis: true,
        env: { AUTH_SIGNING_KEYS: JSON.stringify([newJwk]), AUTH_VERIFICATION_KEYS: JSON.stringify([oldJwk]) },
      });
      try {
        expect((await rotated.http().get('/v1/fx-secure/me').set(bearer(valid))).status).toBe(200);
        const fresh = await loginAs(rotated.app, ALICE);
        expect(JSON.parse(Buffer.from(fresh.token.split('.')[0]!, 'base64url').toString())).toEqual({ kid: 'k-new', alg: 'ES256', typ: 'at+jwt' });
        expect((await rotated.http().get('/v1/fx-secure/me').set(bearer(fresh.token))).status).toBe(200);
        // Two apps in one process verify with their own rings: this one has not learnt the new key.
        expect((await me(bearer(fresh.token))).body.code).toBe('INVALID_TOKEN');
        expect((await rotated.http().get('/.well-known/jwks.json')).status).toBe(404); // published by identity, not the platform
        expect(rotated.app.get(KeyRing).publicJwks.map((k) => k.kid)).toEqual(['k-new', oldJwk.kid]);
      } finally {
        await rotated.close();
      }
      // The closed app's strategy is gone; this one still verifies.
      expect((await me(bearer(valid))).status).toBe(200);
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
    expect(
      (
        await t
          .http()
          .get('/v1/fx-secure/audit')
          .set(bearer(await clientToken(t.app, 'reporting', ['fx:audit'])))
      ).status,
    ).toBe(200);
    expect(
      (
        await t
          .http()
          .get('/v1/fx-secure/audit')
          .set(bearer(await clientToken(t.app, 'reporting', ['ledger:read'])))
      ).status,
    ).toBe(403);
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
