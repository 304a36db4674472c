import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testSigningKeys } from '../support/app';
import { serviceUrls } from '../support/services';
import { bearer, login, PASSWORD, signUp, startIdentityApp, uniqueEmail, type IdentityTestApp } from '../identity/support';
import { runCli } from './cli';

/*
 * `npm run cli -- admin:create`: the first administrator of a new installation, through
 * identity's own use case, against the real PostgreSQL and Redis a server of this file uses.
 * The CLI runs as its own process (the source entry, as `npm run cli` runs it) with the
 * server's configuration: database, Redis (shared sessions) and personal-data keys.
 */
describe('admin:create (the first administrator)', () => {
  const piiKeys = JSON.stringify({ k1: randomBytes(32).toString('base64') });
  const blindIndexKey = randomBytes(32).toString('base64');
  const scratch = mkdtempSync(join(tmpdir(), 'skyro-cli-'));
  let app: IdentityTestApp;
  let cliEnv: Record<string, string>;
  const http = () => app.t.http();

  beforeAll(async () => {
    app = await startIdentityApp({ env: { IDENTITY_PII_KEYS: piiKeys, IDENTITY_BLIND_INDEX_KEY: blindIndexKey } });
    cliEnv = {
      NODE_ENV: 'development',
      DATABASE_URL: app.dbUrl,
      REDIS_URL: serviceUrls().redisUrl,
      REDIS_KEY_PREFIX: app.t.config.redisKeyPrefix,
      IDENTITY_PII_KEYS: piiKeys,
      IDENTITY_BLIND_INDEX_KEY: blindIndexKey,
      AUTH_SIGNING_KEYS: await testSigningKeys(),
      IDENTITY_ARGON2_MEMORY_KIB: '8192',
      IDENTITY_ARGON2_ITERATIONS: '1',
      // Nothing of the CLI's may land in the checkout's .data/.
      EMBEDDED_DATA_DIR: join(scratch, 'data'),
    };
  });
  afterAll(async () => {
    await app?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  const passwordFile = (password: string) => {
    const file = join(scratch, `pw-${randomBytes(4).toString('hex')}`);
    writeFileSync(file, password + '\n', { mode: 0o600 });
    return file;
  };
  const auditOf = async (token: string, type: string, subjectId: string) =>
    (await http().get('/v1/audit-log').query({ type, subjectId }).set(bearer(token))).body as { items: Array<{ details: Record<string, unknown> }> };

  it('creates a verified admin who signs in and reaches /v1/admin; the creation is in the audit chain', async () => {
    const email = uniqueEmail('first-admin');
    const run = await runCli(['admin:create', '--email', email, '--password-file', passwordFile(PASSWORD)], cliEnv);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const userId = /user ([0-9a-f-]{36})/.exec(run.stdout)?.[1];
    expect(run.stdout).toContain(`Created admin ${email}`);
    expect(run.stdout).toContain('/v1/auth/login');
    expect(run.stdout).toContain(`/v1/admin/users/${userId}`);
    expect(run.stdout).not.toContain(PASSWORD);

    const tokens = await login(app.t, email, PASSWORD);
    const profile = await http().get(`/v1/admin/users/${userId}`).set(bearer(tokens.access_token));
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({ id: userId, status: 'active', emailVerified: true, roles: ['admin'], personalData: { email, name: 'Administrator' } });

    const audit = await auditOf(tokens.access_token, 'user.staff_created', userId!);
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]!.details).toEqual({ via: 'cli', uid: process.getuid?.() ?? null, roles: ['admin'] });
    expect((await http().get('/v1/audit-log/verification').set(bearer(tokens.access_token))).body).toMatchObject({ valid: true, break: null });
  });

  it('without a password file (and no terminal) generates a password and prints it once', async () => {
    const email = uniqueEmail('support-staff');
    const run = await runCli(['admin:create', '--email', email, '--role', 'support', '--name', 'Sam Support'], cliEnv);
    expect(run.code).toBe(0);
    const generated = /Generated password \(shown once[^:]*\): (\S+)/.exec(run.stdout)?.[1];
    expect(generated).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const tokens = await login(app.t, email, generated!);
    const me = await http().get('/v1/users/me').set(bearer(tokens.access_token));
    expect(me.body).toMatchObject({ roles: ['support'], personalData: { email, name: 'Sam Support' } });
  });

  it('promotes an existing user, whose live session has the role at once; a second run changes nothing', async () => {
    const admin = await signUp(app.t);
    expect((await http().get(`/v1/admin/users/${admin.userId}`).set(bearer(admin.accessToken))).status).toBe(403);

    const run = await runCli(['admin:create', '--email', admin.email, '--password-file', passwordFile('Another-Password-Never-Used-1')], cliEnv);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Gave the admin role to ${admin.email} (user ${admin.userId}); roles were customer, now admin, customer.`);
    expect(run.stderr).toContain('keeps its own password');
    // The session started before the promotion (Redis is shared with the server).
    expect((await http().get(`/v1/admin/users/${admin.userId}`).set(bearer(admin.accessToken))).status).toBe(200);
    await login(app.t, admin.email, admin.password);
    const audit = await auditOf(admin.accessToken, 'user.roles_changed', admin.userId);
    expect(audit.items.map((i) => i.details)).toEqual([{ via: 'cli', uid: process.getuid?.() ?? null, from: ['customer'], to: ['admin', 'customer'] }]);

    const again = await runCli(['admin:create', '--email', admin.email], cliEnv);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already has the admin role');
    expect((await auditOf(admin.accessToken, 'user.roles_changed', admin.userId)).items).toHaveLength(1);
  });

  it('refuses an address that signed up but never verified it (anyone may have), and a weak password', async () => {
    const email = uniqueEmail('unverified');
    expect((await http().post('/v1/auth/register').send({ email, password: PASSWORD, name: 'Not Yet' })).status).toBe(202);
    const run = await runCli(['admin:create', '--email', email], cliEnv);
    expect(run.code).toBe(65);
    expect(run.stderr).toContain('(ACCOUNT_NOT_VERIFIED)');
    const refused = await http().post('/v1/auth/login').send({ email, password: PASSWORD });
    expect(refused.body.code).toBe('EMAIL_NOT_VERIFIED');

    const weak = await runCli(['admin:create', '--email', uniqueEmail('weak'), '--password-file', passwordFile('password123')], cliEnv);
    expect(weak.code).toBe(65);
    expect(weak.stderr).toContain('(PASSWORD_TOO_WEAK)');
  });

  it('refuses NODE_ENV=production without --allow-production, and works with it', async () => {
    const email = uniqueEmail('prod-admin');
    // production refuses to boot without a real SMTP server (no development mailbox there) and the webhooks' secret key
    const production = {
      ...cliEnv,
      NODE_ENV: 'production',
      NOTIFICATIONS_SMTP_URL: 'smtp://127.0.0.1:2525',
      NOTIFICATIONS_WEBHOOKS_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
      PAYMENTS_BENEFICIARY_KEY: Buffer.alloc(32, 9).toString('base64'),
    };
    const refused = await runCli(['admin:create', '--email', email, '--password-file', passwordFile(PASSWORD)], production);
    expect(refused.code).toBe(77);
    expect(refused.stderr).toContain('--allow-production');
    expect((await http().post('/v1/auth/login').send({ email, password: PASSWORD })).body.code).toBe('INVALID_CREDENTIALS');

    const allowed = await runCli(['admin:create', '--email', email, '--password-file', passwordFile(PASSWORD), '--allow-production'], production);
    expect({ code: allowed.code, stderr: allowed.stderr }).toEqual({ code: 0, stderr: '' });
    await login(app.t, email, PASSWORD);
  });

  it('answers a wrong command line with the usage and exit code 64', async () => {
    const run = await runCli(['admin:create', '--email', 'not-an-address'], cliEnv);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain('is not an email address');
    expect(run.stderr).toContain('Usage: npm run cli -- admin:create');
    expect((await runCli(['admin:destroy'], cliEnv)).code).toBe(64);
  });
});
