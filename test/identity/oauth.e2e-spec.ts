import { createHash, randomBytes } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { loginAs } from '../support/auth';
import { sql } from '../support/database';
import { bearer, signUp, staff, startIdentityApp, type IdentityTestApp } from './support';

const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('identity: OAuth 2.0 clients, client credentials, authorization code + PKCE', () => {
  let app: IdentityTestApp;
  let admin: { userId: string; token: string };
  beforeAll(async () => {
    app = await startIdentityApp();
    admin = await staff(app, ['admin']);
  });
  afterAll(() => app?.close());
  const http = () => app.t.http();
  const token = (form: Record<string, string>, authorization?: string) => {
    const req = http().post('/v1/auth/token').type('form');
    if (authorization) req.set('authorization', authorization);
    return req.send(form);
  };

  async function registerClient(body: Record<string, unknown>) {
    const res = await http().post('/v1/admin/oauth-clients').set(bearer(admin.token)).send(body);
    expect(res.status).toBe(201);
    return res.body as { client: { id: string; scopes: string[] }; clientSecret?: string };
  }

  it('registers a confidential client whose secret is shown once and stored hashed', async () => {
    const { client, clientSecret } = await registerClient({
      name: 'Reporting',
      type: 'confidential',
      scopes: ['audit:read', 'accounts:read'],
      grantTypes: ['client_credentials'],
    });
    expect(clientSecret).toMatch(/^skr_cs_/);
    const [row] = await sql<{ secret_hash: Buffer }>(app.dbUrl, 'select secret_hash from identity.oauth_clients where id = $1', [client.id]);
    expect(row!.secret_hash.toString('hex')).toBe(createHash('sha256').update(clientSecret!).digest('hex'));
    const list = await http().get('/v1/admin/oauth-clients').set(bearer(admin.token));
    expect(JSON.stringify(list.body)).not.toContain(clientSecret!);
    expect(list.body.find((c: { id: string }) => c.id === client.id)).toMatchObject({ name: 'Reporting', type: 'confidential', disabled: false });
  });

  it('issues scoped client tokens (no session) that pass permission checks of those scopes only', async () => {
    const { client, clientSecret } = await registerClient({
      name: 'Audit export',
      type: 'confidential',
      scopes: ['audit:read', 'accounts:read'],
      grantTypes: ['client_credentials'],
    });
    const res = await token({ grant_type: 'client_credentials', scope: 'audit:read' }, basic(client.id, clientSecret!));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'audit:read' });
    expect(res.body).not.toHaveProperty('refresh_token');
    const claims = JSON.parse(Buffer.from(res.body.access_token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ sub: client.id, client_id: client.id, scope: 'audit:read' });
    expect(claims).not.toHaveProperty('sid');
    expect((await http().get('/v1/audit-log').set(bearer(res.body.access_token))).status).toBe(200);
    expect((await http().get(`/v1/admin/users/${admin.userId}`).set(bearer(res.body.access_token))).status).toBe(403);
    expect((await http().get('/v1/users/me').set(bearer(res.body.access_token))).body.code).toBe('USER_REQUIRED');

    const post = await token({ grant_type: 'client_credentials', client_id: client.id, client_secret: clientSecret! });
    expect(post.body.scope).toBe('audit:read accounts:read');
    const tooMuch = await token({ grant_type: 'client_credentials', scope: 'users:write' }, basic(client.id, clientSecret!));
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body).toMatchObject({ code: 'INVALID_SCOPE', error: 'invalid_scope' });
    const wrongSecret = await token({ grant_type: 'client_credentials' }, basic(client.id, 'skr_cs_wrong'));
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body).toMatchObject({ code: 'INVALID_CLIENT', error: 'invalid_client' });
    expect((await token({ grant_type: 'client_credentials' }, basic('cl_unknown', 'x'))).status).toBe(401);
  });

  it('stops issuing tokens to a disabled client', async () => {
    const { client, clientSecret } = await registerClient({
      name: 'Old partner',
      type: 'confidential',
      scopes: ['accounts:read'],
      grantTypes: ['client_credentials'],
    });
    expect((await http().delete(`/v1/admin/oauth-clients/${client.id}`).set(bearer(admin.token))).status).toBe(204);
    expect((await token({ grant_type: 'client_credentials' }, basic(client.id, clientSecret!))).status).toBe(401);
    expect((await http().delete(`/v1/admin/oauth-clients/${client.id}`).set(bearer(admin.token))).status).toBe(404);
  });

  describe('authorization code + PKCE for a first-party web app', () => {
    const redirectUri = 'https://app.skyro.dev/callback';
    let client: { id: string };
    let user: Awaited<ReturnType<typeof signUp>>;
    beforeAll(async () => {
      ({ client } = await registerClient({
        name: 'Web app',
        type: 'public',
        scopes: ['openid'],
        grantTypes: ['authorization_code'],
        redirectUris: [redirectUri],
      }));
      user = await signUp(app.t);
    });
    const authorize = (challenge: string, overrides: Record<string, string> = {}) =>
      http()
        .post('/v1/oauth/authorize')
        .set(bearer(user.accessToken))
        .send({
          response_type: 'code',
          client_id: client.id,
          redirect_uri: redirectUri,
          code_challenge: challenge,
          code_challenge_method: 'S256',
          scope: 'openid',
          state: 'xyz',
          nonce: 'n-1',
          ...overrides,
        });

    it('exchanges a code once, with the verifier, for a client-bound session and an ID token', async () => {
      const { verifier, challenge } = pkce();
      const authorized = await authorize(challenge);
      expect(authorized.status).toBe(200);
      const redirect = new URL(authorized.body.redirectTo);
      expect(`${redirect.origin}${redirect.pathname}`).toBe(redirectUri);
      expect(redirect.searchParams.get('state')).toBe('xyz');
      const code = redirect.searchParams.get('code')!;

      const exchanged = await token({ grant_type: 'authorization_code', client_id: client.id, code, redirect_uri: redirectUri, code_verifier: verifier });
      expect(exchanged.status).toBe(200);
      expect(exchanged.body).toMatchObject({ scope: 'openid', refresh_token: expect.any(String), id_token: expect.any(String) });
      const jwks = createLocalJWKSet((await http().get('/.well-known/jwks.json')).body);
      const { payload, protectedHeader } = await jwtVerify(exchanged.body.id_token, jwks, {
        issuer: 'http://127.0.0.1:3000',
        audience: client.id,
        algorithms: ['ES256'],
      });
      expect(payload).toMatchObject({ sub: user.userId, nonce: 'n-1', amr: ['pwd'] });
      expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'JWT' });
      expect((await http().get('/v1/users/me').set(bearer(exchanged.body.access_token))).body.id).toBe(user.userId);
      // An ID token is for the client, not an access token for our APIs (typ JWT, aud the client).
      expect((await http().get('/v1/users/me').set(bearer(exchanged.body.id_token))).body.code).toBe('INVALID_TOKEN');

      const again = await token({ grant_type: 'authorization_code', client_id: client.id, code, redirect_uri: redirectUri, code_verifier: verifier });
      expect(again.status).toBe(400);
      expect(again.body.code).toBe('INVALID_GRANT');

      // Its refresh token belongs to the client: without the client it is refused.
      expect((await token({ grant_type: 'refresh_token', refresh_token: exchanged.body.refresh_token })).status).toBe(400);
      expect((await token({ grant_type: 'refresh_token', refresh_token: exchanged.body.refresh_token, client_id: client.id })).status).toBe(200);
    });

    it('refuses a wrong verifier, a different redirect URI, plain PKCE and unregistered redirect URIs', async () => {
      const { challenge } = pkce();
      const code = new URL((await authorize(challenge)).body.redirectTo).searchParams.get('code')!;
      const wrong = await token({ grant_type: 'authorization_code', client_id: client.id, code, redirect_uri: redirectUri, code_verifier: pkce().verifier });
      expect(wrong.body.code).toBe('INVALID_GRANT');
      const { verifier, challenge: c2 } = pkce();
      const code2 = new URL((await authorize(c2)).body.redirectTo).searchParams.get('code')!;
      expect(
        (await token({ grant_type: 'authorization_code', client_id: client.id, code: code2, redirect_uri: `${redirectUri}/other`, code_verifier: verifier }))
          .body.code,
      ).toBe('INVALID_GRANT');
      // The code was burnt by the failed attempt: no second try.
      expect(
        (await token({ grant_type: 'authorization_code', client_id: client.id, code: code2, redirect_uri: redirectUri, code_verifier: verifier })).body.code,
      ).toBe('INVALID_GRANT');

      expect((await authorize(c2, { code_challenge_method: 'plain' })).status).toBe(400);
      const unregistered = await authorize(c2, { redirect_uri: 'https://evil.example/callback' });
      expect(unregistered.status).toBe(400);
      expect(unregistered.body.code).toBe('INVALID_REDIRECT_URI');
      expect((await authorize(c2, { scope: 'audit:read' })).body.code).toBe('INVALID_SCOPE');
      expect((await token({ grant_type: 'authorization_code', client_id: client.id, code: code2, redirect_uri: redirectUri })).body.code).toBe(
        'INVALID_REQUEST',
      );
    });
  });

  it('lets only admins manage clients, and only after a recent second factor', async () => {
    const support = await staff(app, ['support']);
    expect(
      (
        await http()
          .post('/v1/admin/oauth-clients')
          .set(bearer(support.token))
          .send({ name: 'x', type: 'public', scopes: [], grantTypes: ['authorization_code'] })
      ).status,
    ).toBe(403);
    const adminUser = await signUp(app.t);
    await sql(app.dbUrl, `update identity.users set roles = '{admin}' where id = $1`, [adminUser.userId]);
    const noStepUp = await loginAs(app.t.app, adminUser.userId, ['admin']);
    const res = await http()
      .post('/v1/admin/oauth-clients')
      .set(bearer(noStepUp.token))
      .send({ name: 'x', type: 'public', scopes: [], grantTypes: ['authorization_code'] });
    expect(res.body.code).toBe('STEP_UP_REQUIRED');
  });
});
