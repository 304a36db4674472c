import { sql } from '../support/database';
import { SoftAuthenticator } from './soft-authenticator';
import { bearer, login, oldSession, signUp, startIdentityApp, totpNow, type IdentityTestApp, type SignedUp } from './support';

describe('identity: TOTP, recovery codes, step-up, passkeys', () => {
  let app: IdentityTestApp;
  beforeAll(async () => {
    app = await startIdentityApp();
  });
  afterAll(() => app?.close());
  const http = () => app.t.http();

  /** Enrols an authenticator app; returns its secret and the recovery codes. */
  async function enrolTotp(user: SignedUp): Promise<{ secret: string; recoveryCodes: string[] }> {
    const started = await http().post('/v1/mfa/totp').set(bearer(user.accessToken));
    expect(started.status).toBe(201);
    const secret = started.body.secret as string;
    // A code from the previous time step: the confirmation step must differ from later sign-ins.
    const confirmed = await http()
      .post('/v1/mfa/totp/confirm')
      .set(bearer(user.accessToken))
      .send({ code: totpNow(secret, Date.now() - 30_000) });
    expect(confirmed.status).toBe(200);
    return { secret, recoveryCodes: confirmed.body.recoveryCodes };
  }

  it('enrols TOTP with an otpauth:// URI, then asks for a second factor at sign-in', async () => {
    const user = await signUp(app.t);
    const started = await http().post('/v1/mfa/totp').set(bearer(user.accessToken));
    expect(started.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/Skyro:.+\?issuer=Skyro&secret=[A-Z2-7]+&algorithm=SHA1&digits=6&period=30$/);
    const wrong = await http().post('/v1/mfa/totp/confirm').set(bearer(user.accessToken)).send({ code: '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ code: 'MFA_CODE_MISMATCH', errors: [{ field: 'code', message: 'code does not match' }] });
    const confirmed = await http()
      .post('/v1/mfa/totp/confirm')
      .set(bearer(user.accessToken))
      .send({ code: totpNow(started.body.secret, Date.now() - 30_000) });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    expect(new Set(confirmed.body.recoveryCodes).size).toBe(10);
    // The seed is stored encrypted under the user's data key.
    const [row] = await sql<{ secret: Buffer }>(app.dbUrl, 'select secret from identity.totp_factors where user_id = $1', [user.userId]);
    expect(row!.secret.toString('latin1')).not.toContain(started.body.secret);
    expect((await http().post('/v1/mfa/totp').set(bearer(user.accessToken))).body.code).toBe('MFA_ALREADY_ENROLLED');

    const first = await http().post('/v1/auth/login').send({ email: user.email, password: user.password });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ status: 'mfa_required', mfa: { challengeToken: expect.any(String), expiresIn: 300, methods: ['totp', 'recovery_code'] } });
    const code = totpNow(started.body.secret);
    const done = await http().post('/v1/auth/login/mfa').send({ challengeToken: first.body.mfa.challengeToken, code });
    expect(done.status).toBe(200);
    const claims = JSON.parse(Buffer.from(done.body.access_token.split('.')[1], 'base64url').toString());
    expect(claims.amr).toEqual(['pwd', 'mfa', 'otp']);
    // The challenge is single use, and so is the code.
    expect((await http().post('/v1/auth/login/mfa').send({ challengeToken: first.body.mfa.challengeToken, code })).body.code).toBe('MFA_CHALLENGE_INVALID');
    const again = await http().post('/v1/auth/login').send({ email: user.email, password: user.password });
    const replay = await http().post('/v1/auth/login/mfa').send({ challengeToken: again.body.mfa.challengeToken, code });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('MFA_CODE_INVALID');
  });

  it('accepts each recovery code once', async () => {
    const user = await signUp(app.t);
    const { recoveryCodes } = await enrolTotp(user);
    const challenge = async () => (await http().post('/v1/auth/login').send({ email: user.email, password: user.password })).body.mfa.challengeToken as string;
    const ok = await http()
      .post('/v1/auth/login/mfa')
      .send({ challengeToken: await challenge(), recoveryCode: recoveryCodes[0]!.toLowerCase() });
    expect(ok.status).toBe(200);
    const reused = await http()
      .post('/v1/auth/login/mfa')
      .send({ challengeToken: await challenge(), recoveryCode: recoveryCodes[0] });
    expect(reused.body.code).toBe('MFA_CODE_INVALID');
  });

  it('locks the second factor after five wrong codes (429 with Retry-After)', async () => {
    const user = await signUp(app.t);
    await enrolTotp(user);
    const challengeToken = (await http().post('/v1/auth/login').send({ email: user.email, password: user.password })).body.mfa.challengeToken;
    for (let i = 0; i < 5; i++) expect((await http().post('/v1/auth/login/mfa').send({ challengeToken, code: '000000' })).status).toBe(401);
    const locked = await http().post('/v1/auth/login/mfa').send({ challengeToken, code: '000000' });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('MFA_LOCKED');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('requires a recent second factor for sensitive operations, and step-up provides it', async () => {
    const user = await signUp(app.t);
    const { secret } = await enrolTotp(user);
    await expect(login(app.t, user.email, user.password)).rejects.toThrow(/mfa_required/);
    // An MFA sign-in is a fresh second factor: step-up-protected routes pass.
    const challengeToken = (await http().post('/v1/auth/login').send({ email: user.email, password: user.password })).body.mfa.challengeToken;
    const session = await http()
      .post('/v1/auth/login/mfa')
      .send({ challengeToken, code: totpNow(secret) });
    expect((await http().post('/v1/mfa/recovery-codes').set(bearer(session.body.access_token))).status).toBe(200);

    // Ten minutes after a TOTP sign-in, the export needs a fresh second factor again.
    const stale = await oldSession(app, user.userId);
    const denied = await http().get('/v1/users/me/export').set(bearer(stale));
    expect(denied.status).toBe(401);
    expect(denied.body).toMatchObject({ code: 'STEP_UP_REQUIRED', maxAgeSeconds: 300 });
    expect((await http().post('/v1/mfa/webauthn/registration/options').set(bearer(stale))).body.code).toBe('STEP_UP_REQUIRED');
    expect(
      (
        await http()
          .post('/v1/mfa/step-up')
          .set(bearer(stale))
          .send({ code: totpNow(secret, Date.now() + 30_000) })
      ).status,
    ).toBe(200);
    expect((await http().get('/v1/users/me/export').set(bearer(stale))).status).toBe(200);

    // Without any second factor, a recent password sign-in is what counts: GDPR rights stay usable.
    const other = await signUp(app.t);
    expect((await http().get('/v1/users/me/export').set(bearer(other.accessToken))).status).toBe(200);
    const otherStale = await oldSession(app, other.userId);
    expect((await http().get('/v1/users/me/export').set(bearer(otherStale))).body).toMatchObject({ code: 'REAUTHENTICATION_REQUIRED', maxAgeSeconds: 300 });
    expect((await http().post('/v1/mfa/totp').set(bearer(otherStale))).body.code).toBe('REAUTHENTICATION_REQUIRED');
    // Neither a code nor a recovery code: a request error, not a failed attempt.
    const nothing = await http().post('/v1/mfa/step-up').set(bearer(stale)).send({});
    expect(nothing.status).toBe(400);
    expect(nothing.body.errors).toEqual([expect.objectContaining({ field: 'code' })]);
    const notEnrolled = await http().post('/v1/mfa/step-up').set(bearer(other.accessToken)).send({ code: '123456' });
    expect(notEnrolled.body.code).toBe('MFA_NOT_ENROLLED');
  });

  it('steps up with a TOTP code, then allows removing TOTP', async () => {
    const user = await signUp(app.t);
    const { secret } = await enrolTotp(user);
    const challengeToken = (await http().post('/v1/auth/login').send({ email: user.email, password: user.password })).body.mfa.challengeToken;
    const { body } = await http()
      .post('/v1/auth/login/mfa')
      .send({ challengeToken, code: totpNow(secret) });
    const token = body.access_token as string;
    // Step-up renews the session's second factor (here: with the next time step's code).
    const stepped = await http()
      .post('/v1/mfa/step-up')
      .set(bearer(token))
      .send({ code: totpNow(secret, Date.now() + 30_000) });
    expect(stepped.status).toBe(200);
    expect(stepped.body.secondFactorAt).toEqual(expect.any(String));
    expect((await http().delete('/v1/mfa/totp').set(bearer(token))).status).toBe(204);
    expect((await http().post('/v1/auth/login').send({ email: user.email, password: user.password })).body.status).toBe('authenticated');
  });

  it('registers a passkey and signs in with it (device-bound login, counts as MFA)', async () => {
    const user = await signUp(app.t);
    const authenticator = new SoftAuthenticator();
    const options = await http().post('/v1/mfa/webauthn/registration/options').set(bearer(user.accessToken));
    expect(options.status).toBe(200);
    expect(options.body.options).toMatchObject({
      rp: { id: 'localhost', name: 'Skyro' },
      attestation: 'none',
      authenticatorSelection: { userVerification: 'required' },
    });
    const registered = await http()
      .post('/v1/mfa/webauthn/registration/verify')
      .set(bearer(user.accessToken))
      .send({ response: authenticator.register(options.body.options), name: 'Test phone' });
    expect(registered.status).toBe(201);
    expect(registered.body.id).toBe(authenticator.credentialId.toString('base64url'));
    const list = await http().get('/v1/mfa/webauthn/credentials').set(bearer(user.accessToken));
    expect(list.body).toEqual([expect.objectContaining({ id: registered.body.id, name: 'Test phone', deviceType: 'singleDevice' })]);

    const start = await http().post('/v1/auth/webauthn/login/options');
    expect(start.status).toBe(200);
    const signIn = await http()
      .post('/v1/auth/webauthn/login/verify')
      .send({ challengeId: start.body.challengeId, response: authenticator.assert(start.body.options) });
    expect(signIn.status).toBe(200);
    const claims = JSON.parse(Buffer.from(signIn.body.access_token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ sub: user.userId, amr: ['hwk', 'user', 'mfa'] });
    // A passkey sign-in is a fresh second factor: step-up routes pass.
    expect((await http().get('/v1/users/me/export').set(bearer(signIn.body.access_token))).status).toBe(200);
    // The challenge is single use.
    const replay = await http()
      .post('/v1/auth/webauthn/login/verify')
      .send({ challengeId: start.body.challengeId, response: authenticator.assert(start.body.options) });
    expect(replay.body.code).toBe('WEBAUTHN_INVALID');
  });

  it('refuses assertions from another origin or an unknown credential', async () => {
    const user = await signUp(app.t);
    const authenticator = new SoftAuthenticator();
    const options = await http().post('/v1/mfa/webauthn/registration/options').set(bearer(user.accessToken));
    await http()
      .post('/v1/mfa/webauthn/registration/verify')
      .set(bearer(user.accessToken))
      .send({ response: authenticator.register(options.body.options) });
    const start = await http().post('/v1/auth/webauthn/login/options');
    const phishing = await http()
      .post('/v1/auth/webauthn/login/verify')
      .send({ challengeId: start.body.challengeId, response: authenticator.assert(start.body.options, { origin: 'https://evil.example' }) });
    expect(phishing.status).toBe(400);
    expect(phishing.body.code).toBe('WEBAUTHN_INVALID');
    const stranger = new SoftAuthenticator();
    const start2 = await http().post('/v1/auth/webauthn/login/options');
    expect(
      (
        await http()
          .post('/v1/auth/webauthn/login/verify')
          .send({ challengeId: start2.body.challengeId, response: stranger.assert(start2.body.options) })
      ).status,
    ).toBe(400);
    const garbage = await http()
      .post('/v1/auth/webauthn/login/verify')
      .send({ challengeId: 'skr_wa_nothing-here', response: { id: 'x' } });
    expect(garbage.status).toBe(400);
  });

  it('steps up with a passkey and removes it', async () => {
    const user = await signUp(app.t);
    const authenticator = new SoftAuthenticator();
    const options = await http().post('/v1/mfa/webauthn/registration/options').set(bearer(user.accessToken));
    const { body: created } = await http()
      .post('/v1/mfa/webauthn/registration/verify')
      .set(bearer(user.accessToken))
      .send({ response: authenticator.register(options.body.options) });
    expect((await http().delete(`/v1/mfa/webauthn/credentials/${created.id}`).set(bearer(user.accessToken))).body.code).toBe('STEP_UP_REQUIRED');
    const start = await http().post('/v1/mfa/step-up/webauthn/options').set(bearer(user.accessToken));
    const stepped = await http()
      .post('/v1/mfa/step-up/webauthn/verify')
      .set(bearer(user.accessToken))
      .send({ challengeId: start.body.challengeId, response: authenticator.assert(start.body.options) });
    expect(stepped.status).toBe(200);
    expect((await http().delete(`/v1/mfa/webauthn/credentials/${created.id}`).set(bearer(user.accessToken))).status).toBe(204);
    expect((await http().get('/v1/mfa/webauthn/credentials').set(bearer(user.accessToken))).body).toEqual([]);
  });
});
