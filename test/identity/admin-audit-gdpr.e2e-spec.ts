import { QueryBus } from '@nestjs/cqrs';
import { GetUserStatusQuery } from '@modules/identity/contract';
import { eventually } from '../support/app';
import { loginAs } from '../support/auth';
import { sql } from '../support/database';
import { bearer, login, oldSession, published, signUp, staff, startIdentityApp, type IdentityTestApp } from './support';

describe('identity: roles, account status, audit log, GDPR export and erasure', () => {
  let app: IdentityTestApp;
  let admin: { userId: string; token: string };
  let officer: { userId: string; token: string };
  beforeAll(async () => {
    app = await startIdentityApp();
    admin = await staff(app, ['admin']);
    officer = await staff(app, ['compliance_officer']);
  });
  afterAll(() => app?.close());
  const http = () => app.t.http();

  it('changes roles with effect in live sessions at once; nobody changes their own', async () => {
    const user = await signUp(app.t);
    expect((await http().get('/v1/audit-log').set(bearer(user.accessToken))).status).toBe(403);
    const res = await http()
      .put(`/v1/admin/users/${user.userId}/roles`)
      .set(bearer(admin.token))
      .send({ roles: ['customer', 'compliance_officer'] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ roles: ['compliance_officer', 'customer'] });
    expect((await http().get('/v1/audit-log').set(bearer(user.accessToken))).status).toBe(200);
    expect(
      (
        await http()
          .put(`/v1/admin/users/${admin.userId}/roles`)
          .set(bearer(admin.token))
          .send({ roles: ['customer'] })
      ).body.code,
    ).toBe('CANNOT_CHANGE_OWN_ROLES');
    expect(
      (
        await http()
          .put(`/v1/admin/users/${user.userId}/roles`)
          .set(bearer(admin.token))
          .send({ roles: ['root'] })
      ).status,
    ).toBe(400);
    expect(
      (
        await http()
          .put(`/v1/admin/users/${user.userId}/roles`)
          .set(bearer(user.accessToken))
          .send({ roles: ['admin'] })
      ).status,
    ).toBe(403);
    await eventually(async () => published.some((e) => e.type === 'identity.user-roles-changed.v1' && e.subject === user.userId), Boolean);
  });

  it('locks an account: sessions end at once, sign-in is refused, the event is published; reactivation restores sign-in', async () => {
    const user = await signUp(app.t);
    const locked = await http().put(`/v1/admin/users/${user.userId}/status`).set(bearer(admin.token)).send({ status: 'locked' });
    expect(locked.body).toEqual({ status: 'locked' });
    expect((await http().get('/v1/users/me').set(bearer(user.accessToken))).body.code).toBe('SESSION_REVOKED');
    expect((await http().post('/v1/auth/token').send({ grant_type: 'refresh_token', refresh_token: user.refreshToken })).status).toBe(400);
    const refused = await http().post('/v1/auth/login').send({ email: user.email, password: user.password });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('ACCOUNT_LOCKED');
    expect(await app.t.app.get(QueryBus).execute(new GetUserStatusQuery({ userId: user.userId }))).toMatchObject({ status: 'locked' });
    await eventually(async () => published.some((e) => e.type === 'identity.user-locked.v1' && e.subject === user.userId), Boolean);
    expect((await http().put(`/v1/admin/users/${user.userId}/status`).set(bearer(admin.token)).send({ status: 'locked' })).body.code).toBe(
      'STATUS_TRANSITION_NOT_ALLOWED',
    );
    expect((await http().put(`/v1/admin/users/${user.userId}/status`).set(bearer(admin.token)).send({ status: 'active' })).status).toBe(200);
    await login(app.t, user.email, user.password);
  });

  it('records security events in a hash chain that compliance officers query with filters and cursors', async () => {
    const user = await signUp(app.t);
    await http().post('/v1/auth/login').send({ email: user.email, password: 'Wrong-Password-123' });
    await http().post('/v1/auth/login').send({ email: user.email, password: 'Wrong-Password-456' });
    const failures = await http().get('/v1/audit-log').query({ type: 'login.failed', subjectId: user.userId }).set(bearer(officer.token));
    expect(failures.status).toBe(200);
    expect(failures.body.items).toHaveLength(2);
    expect(failures.body.items[0]).toMatchObject({
      type: 'login.failed',
      subjectId: user.userId,
      details: { reason: 'wrong_password' },
      ip: expect.any(String),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(JSON.stringify(failures.body)).not.toContain('Wrong-Password');

    const page1 = await http().get('/v1/audit-log').query({ subjectId: user.userId, limit: 2 }).set(bearer(officer.token));
    expect(page1.body.items).toHaveLength(2);
    const page2 = await http().get('/v1/audit-log').query({ subjectId: user.userId, limit: 2, cursor: page1.body.nextCursor }).set(bearer(officer.token));
    expect(Number(page2.body.items[0].seq)).toBeLessThan(Number(page1.body.items[1].seq));
    const types = [...page1.body.items, ...page2.body.items].map((i: { type: string }) => i.type);
    expect(types).toEqual(expect.arrayContaining(['login.failed', 'login.succeeded']));
    expect((await http().get('/v1/audit-log').query({ limit: 0, from: 'yesterday' }).set(bearer(officer.token))).status).toBe(400);
    expect((await http().get('/v1/audit-log').set(bearer(user.accessToken))).status).toBe(403);
  });

  it('is append-only for the application role, and shows tampering by the owner', async () => {
    const verified = await http().get('/v1/audit-log/verification').set(bearer(officer.token));
    expect(verified.body).toMatchObject({ valid: true, break: null });
    expect(verified.body.checked).toBeGreaterThan(5);

    for (const statement of ["update identity.audit_log set details = '{}'", 'delete from identity.audit_log', 'truncate identity.audit_log']) {
      await expect(sql(app.dbUrl, `set role skyro_app; ${statement}`)).rejects.toThrow(/permission denied/);
    }
    // The table owner (a DBA, or an attacker with those rights) can still change rows: the chain shows it.
    const [victim] = await sql<{ seq: string }>(app.dbUrl, `select seq from identity.audit_log where type = 'login.failed' order by seq limit 1`);
    await sql(app.dbUrl, `update identity.audit_log set details = '{"reason":"nothing to see"}' where seq = $1`, [victim!.seq]);
    const broken = await http().get('/v1/audit-log/verification').set(bearer(officer.token));
    expect(broken.body).toMatchObject({ valid: false, break: { seq: Number(victim!.seq), reason: 'hash_mismatch' } });
    expect(broken.body.checked).toBe(Number(victim!.seq) - 1);
  });

  it('exports my data as JSON (after step-up), and erases it by destroying my data key', async () => {
    const user = await signUp(app.t, { name: 'Erin Erasable', phone: '+447700900555' });
    const { token } = await loginAs(app.t.app, user.userId, ['customer'], { secondFactorAt: Date.now() });
    const exported = await http().get('/v1/users/me/export').set(bearer(token));
    expect(exported.status).toBe(200);
    expect(exported.body.profile.personalData).toMatchObject({ email: user.email, name: 'Erin Erasable', phone: '+447700900555' });
    expect(exported.body.sessions.length).toBeGreaterThanOrEqual(2);
    expect(exported.body.securityEvents.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['user.registered', 'user.email_verified', 'login.succeeded']),
    );

    expect(
      (
        await http()
          .delete('/v1/users/me')
          .set(bearer(await oldSession(app, user.userId)))
      ).body.code,
    ).toBe('REAUTHENTICATION_REQUIRED');
    expect((await http().delete('/v1/users/me').set(bearer(token))).status).toBe(204);

    expect((await http().get('/v1/users/me').set(bearer(token))).status).toBe(401);
    expect((await http().post('/v1/auth/login').send({ email: user.email, password: user.password })).status).toBe(401);
    const [key] = await sql<{ wrapped_key: Buffer | null; destroyed_at: Date | null }>(
      app.dbUrl,
      'select wrapped_key, destroyed_at from identity.user_keys where user_id = $1',
      [user.userId],
    );
    expect(key).toMatchObject({ wrapped_key: null, destroyed_at: expect.any(Date) });
    const [row] = await sql<{ status: string; personal_data: Buffer | null; email_index: Buffer | null }>(
      app.dbUrl,
      'select status, personal_data, email_index from identity.users where id = $1',
      [user.userId],
    );
    expect(row).toMatchObject({ status: 'closed', email_index: null });
    expect(row!.personal_data).not.toBeNull(); // still there, unreadable forever
    const profile = await http().get(`/v1/admin/users/${user.userId}`).set(bearer(officer.token));
    expect(profile.body).toMatchObject({ id: user.userId, status: 'closed', personalData: null });
    expect(await app.t.app.get(QueryBus).execute(new GetUserStatusQuery({ userId: user.userId }))).toMatchObject({ status: 'closed' });
    await eventually(async () => published.find((e) => e.type === 'identity.user-closed.v1' && e.subject === user.userId), Boolean);
    // The address can be used again for a new, different account.
    expect((await http().post('/v1/auth/register').send({ email: user.email, password: 'Brand-New-Account-Pass-1', name: 'New Erin' })).status).toBe(202);
  });

  it('lets compliance officers erase on request, after step-up', async () => {
    const user = await signUp(app.t);
    expect((await http().delete(`/v1/admin/users/${user.userId}`).set(bearer(officer.token))).status).toBe(204);
    expect((await http().delete(`/v1/admin/users/${user.userId}`).set(bearer(officer.token))).body.code).toBe('USER_ALREADY_CLOSED');
    const support = await staff(app, ['support']);
    expect((await http().delete(`/v1/admin/users/${user.userId}`).set(bearer(support.token))).status).toBe(403);
  });
});
