import { QueryBus } from '@nestjs/cqrs';
import { GetUserStatusQuery } from '@modules/identity/contract';
import { eventually } from '../support/app';
import { sql } from '../support/database';
import { bearer, login, mailbox, mailTo, PASSWORD, published, signUp, startIdentityApp, uniqueEmail, type IdentityTestApp } from './support';

describe('identity: registration, email verification, login, profile', () => {
  let app: IdentityTestApp;
  beforeAll(async () => {
    app = await startIdentityApp();
  });
  afterAll(() => app?.close());
  const http = () => app.t.http();

  it('registers a pending user, emails a verification link, and activates the account with it', async () => {
    const email = uniqueEmail();
    const res = await http().post('/v1/auth/register').send({ email, password: PASSWORD, name: 'Ada Lovelace', phone: '+447700900123' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'accepted', message: expect.any(String) });

    const mail = await mailTo(email, 'verify-email');
    expect(mail.recipient).toEqual({ email, name: 'Ada Lovelace' });
    expect(mail.variables['token']).toMatch(/^skr_ev_/);

    const pending = await http().post('/v1/auth/login').send({ email, password: PASSWORD });
    expect(pending.status).toBe(403);
    expect(pending.body.code).toBe('EMAIL_NOT_VERIFIED');

    expect((await http().post('/v1/auth/verify-email').send({ token: mail.variables['token'] })).body).toEqual({ status: 'active' });
    const again = await http().post('/v1/auth/verify-email').send({ token: mail.variables['token'] });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('TOKEN_INVALID');

    const tokens = await login(app.t, email, PASSWORD);
    const me = await http().get('/v1/users/me').set(bearer(tokens.access_token));
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      id: mail.userId,
      status: 'active',
      roles: ['customer'],
      emailVerified: true,
      personalData: { email, name: 'Ada Lovelace', phone: '+447700900123' },
    });

    const types = await eventually(
      async () => published.filter((e) => e.subject === mail.userId).map((e) => e.type),
      (t) => t.length >= 2,
    );
    expect(types).toEqual(['identity.user-registered.v1', 'identity.user-verified.v1']);
    // Events carry ids, never personal data.
    expect(JSON.stringify(published.filter((e) => e.subject === mail.userId))).not.toContain(email);
  });

  it('re-sends a verification link to a pending account only; the earlier link stops working', async () => {
    const email = uniqueEmail();
    await http().post('/v1/auth/register').send({ email, password: PASSWORD, name: 'Slow Reader' });
    const first = await mailTo(email, 'verify-email');
    expect((await http().post('/v1/auth/verify-email/resend').send({ email })).status).toBe(202);
    const second = await eventually(
      async () => mailTo(email, 'verify-email'),
      (m) => m.notificationId !== first.notificationId,
    );
    expect((await http().post('/v1/auth/verify-email').send({ token: first.variables['token'] })).body.code).toBe('TOKEN_INVALID');
    expect((await http().post('/v1/auth/verify-email').send({ token: second.variables['token'] })).status).toBe(200);
    // Now active: a re-send is answered the same, but nothing is requested.
    const requests = () => sql(app.dbUrl, 'select id from identity.notification_requests where user_id = $1', [second.userId]);
    const before = (await requests()).length;
    expect((await http().post('/v1/auth/verify-email/resend').send({ email })).status).toBe(202);
    expect((await http().post('/v1/auth/verify-email/resend').send({ email: uniqueEmail() })).status).toBe(202);
    expect(await requests()).toHaveLength(before);
  });

  it('answers a second registration of the same address the same way, and tells the owner instead', async () => {
    const user = await signUp(app.t);
    const res = await http().post('/v1/auth/register').send({ email: user.email.toUpperCase(), password: PASSWORD, name: 'Someone Else' });
    expect(res.status).toBe(202);
    const notice = await mailTo(user.email, 'account-exists');
    expect(notice.userId).toBe(user.userId);
    expect(notice.variables).toEqual({});
  });

  it.each([
    ['short', 'too_short'],
    ['password123456', 'common'],
    ['Iloveyou2024!!', 'common'],
    ['aaaaaaaaaaaaaaaa', 'repetitive'],
  ])('refuses the password %j (%s) naming the field', async (password, code) => {
    const res = await http().post('/v1/auth/register').send({ email: uniqueEmail(), password, name: 'Test User' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('PASSWORD_TOO_WEAK');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'password', code })]);
  });

  it('refuses a password built on the email address', async () => {
    const res = await http().post('/v1/auth/register').send({ email: 'margaret.hamilton@example.com', password: 'margaret.hamilton-1969', name: 'M H' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ field: 'password', code: 'personal' });
  });

  it('validates every field and rejects unknown ones', async () => {
    const res = await http().post('/v1/auth/register').send({ email: 'not-an-email', password: PASSWORD, name: '', phone: '0123', admin: true });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['admin', 'email', 'name', 'phone']);
  });

  it('says the same for a wrong password and an unknown account', async () => {
    const user = await signUp(app.t);
    const wrong = await http().post('/v1/auth/login').send({ email: user.email, password: 'Not-The-Password-1' });
    const unknown = await http().post('/v1/auth/login').send({ email: uniqueEmail(), password: PASSWORD });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
    expect(unknown.body.detail).toBe(wrong.body.detail);
  });

  it('keeps personal data encrypted at rest, found only through the blind index', async () => {
    const user = await signUp(app.t, { name: 'Grace Hopper', phone: '+15555550123' });
    const [row] = await sql<{ personal_data: Buffer; email_index: Buffer; password_hash: string }>(
      app.dbUrl,
      'select personal_data, email_index, password_hash from identity.users where id = $1',
      [user.userId],
    );
    const raw = row!.personal_data.toString('latin1');
    for (const plain of [user.email, 'Grace Hopper', '+15555550123']) expect(raw).not.toContain(plain);
    expect(row!.email_index).toHaveLength(32);
    expect(row!.password_hash).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=1\$/);
    const [key] = await sql<{ kek_id: string; wrapped_key: Buffer }>(app.dbUrl, 'select kek_id, wrapped_key from identity.user_keys where user_id = $1', [
      user.userId,
    ]);
    expect(key!.kek_id).toBe('test');
    expect(key!.wrapped_key.length).toBe(1 + 12 + 16 + 32);
  });

  it('updates the profile and preferences; the event names the fields, never the values', async () => {
    const user = await signUp(app.t);
    const res = await http()
      .patch('/v1/users/me')
      .set(bearer(user.accessToken))
      .send({
        dateOfBirth: '1990-04-01',
        address: { line1: '1 High Street', city: 'London', postalCode: 'SW1A 1AA', country: 'GB' },
        nationalId: 'QQ123456C',
        preferences: { locale: 'en-GB', notificationChannels: ['email', 'push'] },
      });
    expect(res.status).toBe(200);
    expect(res.body.personalData).toMatchObject({ dateOfBirth: '1990-04-01', nationalId: 'QQ123456C', address: { city: 'London' } });
    expect(res.body.preferences).toEqual({ locale: 'en-GB', notificationChannels: ['email', 'push'] });
    const event = await eventually(
      async () => published.find((e) => e.subject === user.userId && e.type === 'identity.user-profile-changed.v1'),
      (e) => e !== undefined,
    );
    expect(event!.data).toEqual({
      userId: user.userId,
      fields: ['dateOfBirth', 'address', 'nationalId', 'preferences.locale', 'preferences.notificationChannels'],
    });
    expect(JSON.stringify(event)).not.toContain('QQ123456C');

    const bad = await http()
      .patch('/v1/users/me')
      .set(bearer(user.accessToken))
      .send({ dateOfBirth: '01/04/1990', address: { city: 'X' }, email: 'new@example.com' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['dateOfBirth', 'address.line1', 'email']));
  });

  it('validates nested objects as objects, with their own fields and limits, and refuses control characters in text', async () => {
    const user = await signUp(app.t);
    const patch = (body: unknown) =>
      http()
        .patch('/v1/users/me')
        .set(bearer(user.accessToken))
        .send(body as object);
    const fields = (res: { body: { errors: Array<{ field: string }> } }) => res.body.errors.map((e) => e.field).sort();
    const address = { line1: '1 High Street', city: 'London', postalCode: 'SW1A 1AA', country: 'GB' };

    const arrays = await patch({ address: [address], preferences: [{ locale: 'en-GB' }] });
    expect(arrays.status).toBe(400);
    expect(arrays.body.code).toBe('VALIDATION_FAILED');
    expect(fields(arrays)).toEqual(['address', 'preferences']);

    const nested = await patch({
      address: { ...address, line1: 'x'.repeat(201), country: 'XX', floor: 3 },
      preferences: { notificationChannels: ['email', 'fax'], theme: 'dark' },
    });
    expect(nested.status).toBe(400);
    expect(fields(nested)).toEqual(['address.country', 'address.floor', 'address.line1', 'preferences.notificationChannels.1', 'preferences.theme']);

    const control = await patch({ name: 'Jane\u0000Doe', address: { ...address, line1: '1 High Street\nLondon' } });
    expect(control.status).toBe(400);
    expect(fields(control)).toEqual(['address.line1', 'name']);
    expect(control.body.errors[0].message).toMatch(/control characters/);
    expect((await patch({ preferences: { notificationChannels: ['email', 'sms', 'push', 'in_app', 'email'] } })).status).toBe(400);
    expect((await patch({ address: null })).status).toBe(400);

    // Nothing of it was applied; a valid change still is.
    expect((await http().get('/v1/users/me').set(bearer(user.accessToken))).body.personalData).not.toHaveProperty('address');
    expect((await patch({ name: 'Jane Doe', address })).status).toBe(200);

    const register = await http().post('/v1/auth/register').send({ email: uniqueEmail(), password: PASSWORD, name: 'Line\rBreak' });
    expect(register.status).toBe(400);
    expect(fields(register)).toEqual(['name']);
  });

  it('answers GetUserStatusQuery for other contexts', async () => {
    const user = await signUp(app.t);
    const bus = app.t.app.get(QueryBus);
    expect(await bus.execute(new GetUserStatusQuery({ userId: user.userId }))).toEqual({ userId: user.userId, status: 'active', roles: ['customer'] });
    expect(await bus.execute(new GetUserStatusQuery({ userId: '0193a5f0-0000-7000-8000-000000000000' }))).toBeNull();
    expect(await bus.execute(new GetUserStatusQuery({ userId: 'not-a-uuid' }))).toBeNull();
  });

  it('resets a forgotten password by emailed token; every session ends; unknown addresses get the same answer', async () => {
    const user = await signUp(app.t);
    const unknown = await http().post('/v1/auth/password-reset/request').send({ email: uniqueEmail() });
    const known = await http().post('/v1/auth/password-reset/request').send({ email: user.email });
    expect(unknown.status).toBe(202);
    expect(known.body).toEqual(unknown.body);
    const mail = await mailTo(user.email, 'password-reset');

    const weak = await http().post('/v1/auth/password-reset/confirm').send({ token: mail.variables['token'], newPassword: 'password1234' });
    expect(weak.status).toBe(400);
    const done = await http().post('/v1/auth/password-reset/confirm').send({ token: mail.variables['token'], newPassword: 'Copper-Meadow-Falcon-77' });
    expect(done.status).toBe(204);
    expect((await http().get('/v1/users/me').set(bearer(user.accessToken))).status).toBe(401);
    expect(
      (await http().post('/v1/auth/password-reset/confirm').send({ token: mail.variables['token'], newPassword: 'Another-Fine-Password-9' })).body.code,
    ).toBe('TOKEN_INVALID');
    expect((await http().post('/v1/auth/login').send({ email: user.email, password: user.password })).status).toBe(401);
    await login(app.t, user.email, 'Copper-Meadow-Falcon-77');
    await mailTo(user.email, 'password-changed');
  });

  it('changes the password with the current one; other sessions end, this one stays', async () => {
    const user = await signUp(app.t);
    const other = await login(app.t, user.email, user.password);
    const wrong = await http()
      .post('/v1/users/me/password')
      .set(bearer(user.accessToken))
      .send({ currentPassword: 'nope-nope-nope', newPassword: 'Granite-Orchid-Velvet-11' });
    expect(wrong.status).toBe(401);
    const ok = await http()
      .post('/v1/users/me/password')
      .set(bearer(user.accessToken))
      .send({ currentPassword: user.password, newPassword: 'Granite-Orchid-Velvet-11' });
    expect(ok.status).toBe(204);
    expect((await http().get('/v1/users/me').set(bearer(user.accessToken))).status).toBe(200);
    expect((await http().get('/v1/users/me').set(bearer(other.access_token))).body.code).toBe('SESSION_REVOKED');
  });

  it('never exposes a delivery token in the outbox or events', async () => {
    const email = uniqueEmail();
    await http().post('/v1/auth/register').send({ email, password: PASSWORD, name: 'Quiet User' });
    const mail = await mailTo(email, 'verify-email');
    expect(mailbox.length).toBeGreaterThan(0);
    const [stored] = await sql<{ delivery: Buffer }>(app.dbUrl, 'select delivery from identity.one_time_tokens where user_id = $1', [mail.userId]);
    expect(stored!.delivery.toString('latin1')).not.toContain(mail.variables['token']!);
    expect(JSON.stringify(published)).not.toContain(mail.variables['token']!);
  });
});
