import { loginAs } from '../support/auth';
import { capturingLogger } from '../support/log-capture';
import { SoftAuthenticator } from './soft-authenticator';
import { bearer, mailTo, signUp, staff, startIdentityApp, totpNow, type IdentityTestApp, type SignedUp } from './support';

/**
 * User A can never see or change user B's data: every authenticated identity route, tried
 * by A against B. Routes without an id act on the caller only, so for those A's call must
 * leave B untouched and show nothing of B.
 */
describe('identity: object-level authorization on every route, and no secrets in logs', () => {
  const logs = capturingLogger('debug');
  let app: IdentityTestApp;
  let a: SignedUp;
  let b: SignedUp;
  let aStepUp: string;
  let bSessionId: string;
  let bPasskeyId: string;
  const bAuthenticator = new SoftAuthenticator();
  beforeAll(async () => {
    app = await startIdentityApp({ logger: logs.logger, env: { LOG_LEVEL: 'debug' } });
    a = await signUp(app.t, { name: 'Alice Anders', phone: '+447700900001' });
    b = await signUp(app.t, { name: 'Bob Brown', phone: '+447700900002' });
    aStepUp = (await loginAs(app.t.app, a.userId, ['customer'], { secondFactorAt: Date.now() })).token;
    bSessionId = JSON.parse(Buffer.from(b.accessToken.split('.')[1]!, 'base64url').toString()).sid;
    const options = await app.t.http().post('/v1/mfa/webauthn/registration/options').set(bearer(b.accessToken));
    bPasskeyId = (
      await app.t
        .http()
        .post('/v1/mfa/webauthn/registration/verify')
        .set(bearer(b.accessToken))
        .send({ response: bAuthenticator.register(options.body.options) })
    ).body.id;
  });
  afterAll(() => app?.close());
  const http = () => app.t.http();

  const resolve = (path: string) => path.replace(':bSession', bSessionId).replace(':bPasskey', bPasskeyId).replace(':b', b.userId);

  const bIsIntact = async () => {
    const me = await http().get('/v1/users/me').set(bearer(b.accessToken));
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: b.userId, status: 'active', roles: ['customer'], personalData: { name: 'Bob Brown', phone: '+447700900002' } });
    expect((await http().get('/v1/mfa/webauthn/credentials').set(bearer(b.accessToken))).body).toHaveLength(1);
  };

  it.each([
    ['GET', '/v1/admin/users/:b', undefined],
    ['PUT', '/v1/admin/users/:b/roles', { roles: ['admin'] }],
    ['PUT', '/v1/admin/users/:b/status', { status: 'locked' }],
    ['DELETE', '/v1/admin/users/:b/sessions', undefined],
    ['DELETE', '/v1/admin/users/:b', undefined],
    ['GET', '/v1/admin/oauth-clients', undefined],
    ['POST', '/v1/admin/oauth-clients', { name: 'x', type: 'public', scopes: [], grantTypes: ['authorization_code'], redirectUris: ['https://x.example/cb'] }],
    ['DELETE', '/v1/admin/oauth-clients/cl_anything', undefined],
    ['GET', '/v1/audit-log', undefined],
    ['GET', '/v1/audit-log?subjectId=:b', undefined],
    ['GET', '/v1/audit-log/verification', undefined],
  ])('a customer is refused %s %s (403) even after step-up', async (method, path, body) => {
    const req = http()[method.toLowerCase() as 'get'](resolve(path)).set(bearer(aStepUp));
    const res = body ? await req.send(body) : await req;
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('PERMISSION_DENIED');
    await bIsIntact();
  });

  it.each([
    ['DELETE', '/v1/sessions/:bSession', 'SESSION_NOT_FOUND'],
    ['DELETE', '/v1/mfa/webauthn/credentials/:bPasskey', 'PASSKEY_NOT_FOUND'],
  ])("%s %s on B's resource is 404 for A (existence not disclosed)", async (method, path, code) => {
    const res = await http()[method.toLowerCase() as 'delete'](resolve(path)).set(bearer(aStepUp));
    expect(res.status).toBe(404);
    expect(res.body.code).toBe(code);
    await bIsIntact();
  });

  it('routes about "me" only ever read or change the caller', async () => {
    const me = await http().get('/v1/users/me').set(bearer(a.accessToken));
    expect(me.body.id).toBe(a.userId);
    expect(JSON.stringify(me.body)).not.toContain('Bob Brown');
    await http().patch('/v1/users/me').set(bearer(a.accessToken)).send({ name: 'Alice A.' });
    const exported = await http().get('/v1/users/me/export').set(bearer(aStepUp));
    expect(exported.status).toBe(200);
    expect(JSON.stringify(exported.body)).not.toContain(b.userId);
    const sessions = await http().get('/v1/sessions').set(bearer(a.accessToken));
    expect(sessions.body.map((s: { id: string }) => s.id)).not.toContain(bSessionId);
    expect((await http().get('/v1/mfa/webauthn/credentials').set(bearer(a.accessToken))).body).toEqual([]);
    await http().delete('/v1/sessions').set(bearer(aStepUp));
    await bIsIntact();
  });

  it("A cannot step up with B's passkey; B's passkey only ever signs in B", async () => {
    const fresh = await signUp(app.t);
    const own = new SoftAuthenticator();
    const options = await http().post('/v1/mfa/webauthn/registration/options').set(bearer(fresh.accessToken));
    await http()
      .post('/v1/mfa/webauthn/registration/verify')
      .set(bearer(fresh.accessToken))
      .send({ response: own.register(options.body.options) });
    const start = await http().post('/v1/mfa/step-up/webauthn/options').set(bearer(fresh.accessToken));
    const stolen = await http()
      .post('/v1/mfa/step-up/webauthn/verify')
      .set(bearer(fresh.accessToken))
      .send({ challengeId: start.body.challengeId, response: bAuthenticator.assert(start.body.options) });
    expect(stolen.status).toBe(400);
    expect(stolen.body.code).toBe('WEBAUTHN_INVALID');
    expect((await http().get('/v1/users/me/export').set(bearer(fresh.accessToken))).body.code).toBe('STEP_UP_REQUIRED');

    const login = await http().post('/v1/auth/webauthn/login/options');
    const signedIn = await http()
      .post('/v1/auth/webauthn/login/verify')
      .send({ challengeId: login.body.challengeId, response: bAuthenticator.assert(login.body.options) });
    expect(JSON.parse(Buffer.from(signedIn.body.access_token.split('.')[1], 'base64url').toString()).sub).toBe(b.userId);
  });

  it('support reaches other users through users:read and sessions:revoke, and nothing more', async () => {
    const support = await staff(app, ['support']);
    expect((await http().get(`/v1/admin/users/${b.userId}`).set(bearer(support.token))).status).toBe(200);
    const officer = await staff(app, ['compliance_officer']);
    const viewed = await http().get('/v1/audit-log').query({ type: 'user.viewed', actorId: support.userId }).set(bearer(officer.token));
    expect(viewed.body.items).toEqual([expect.objectContaining({ subjectId: b.userId })]);
    expect(
      (
        await http()
          .put(`/v1/admin/users/${b.userId}/roles`)
          .set(bearer(support.token))
          .send({ roles: ['admin'] })
      ).status,
    ).toBe(403);
    expect((await http().get('/v1/audit-log').set(bearer(support.token))).status).toBe(403);
    const victim = await signUp(app.t);
    const sid = JSON.parse(Buffer.from(victim.accessToken.split('.')[1]!, 'base64url').toString()).sid;
    expect((await http().delete(`/v1/sessions/${sid}`).set(bearer(support.token))).status).toBe(204);
    expect((await http().get('/v1/users/me').set(bearer(victim.accessToken))).status).toBe(401);
  });

  it('keeps passwords, tokens, secrets, codes and personal data out of the logs', async () => {
    const user = await signUp(app.t, { name: 'Zed Secretive', phone: '+447700909999' });
    const secrets: string[] = [
      user.password,
      user.email,
      'Zed Secretive',
      '+447700909999',
      user.accessToken,
      user.refreshToken,
      a.email,
      'Alice Anders',
      b.email,
    ];
    const verification = await mailTo(user.email, 'verify-email');
    secrets.push(verification.variables['token']!);
    const totp = await http().post('/v1/mfa/totp').set(bearer(user.accessToken));
    secrets.push(totp.body.secret);
    const confirmed = await http()
      .post('/v1/mfa/totp/confirm')
      .set(bearer(user.accessToken))
      .send({ code: totpNow(totp.body.secret, Date.now() - 30_000) });
    secrets.push(...confirmed.body.recoveryCodes);
    const challenge = await http().post('/v1/auth/login').send({ email: user.email, password: user.password });
    secrets.push(challenge.body.mfa.challengeToken);
    const tokens = await http()
      .post('/v1/auth/login/mfa')
      .send({ challengeToken: challenge.body.mfa.challengeToken, recoveryCode: confirmed.body.recoveryCodes[0] });
    secrets.push(tokens.body.access_token, tokens.body.refresh_token);
    await http().post('/v1/auth/login').send({ email: user.email, password: 'Wrong-But-Secret-Password-9' });
    secrets.push('Wrong-But-Secret-Password-9');
    await http().post('/v1/auth/password-reset/request').send({ email: user.email });
    secrets.push((await mailTo(user.email, 'password-reset')).variables['token']!);
    const admin = await staff(app, ['admin']);
    const client = await http()
      .post('/v1/admin/oauth-clients')
      .set(bearer(admin.token))
      .send({ name: 'Logs', type: 'confidential', scopes: ['accounts:read'], grantTypes: ['client_credentials'] });
    secrets.push(client.body.clientSecret);
    const issued = await http()
      .post('/v1/auth/token')
      .type('form')
      .send({ grant_type: 'client_credentials', client_id: client.body.client.id, client_secret: client.body.clientSecret });
    secrets.push(issued.body.access_token);
    await http().post('/v1/auth/token').type('form').send({ grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token });

    const text = logs.text();
    expect(logs.lines.length).toBeGreaterThan(20);
    expect(text).toContain('notification requested');
    for (const secret of secrets)
      expect({ leaked: text.includes(secret), secret: secret.slice(0, 12) }).toEqual({ leaked: false, secret: secret.slice(0, 12) });
  });
});
