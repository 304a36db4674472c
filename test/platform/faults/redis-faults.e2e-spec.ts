import { execFileSync } from 'node:child_process';
import { accountsContext } from '@modules/accounts/accounts.context';
import { identityContext } from '@modules/identity/identity.context';
import { ledgerContext } from '@modules/ledger/ledger.context';
import { startTestApp, type TestApp } from '@test/support/app';
import { createTestDatabase, sql } from '@test/support/database';
import { capturingLogger } from '@test/support/log-capture';
import { bearer, login, signUp, startIdentityApp, testMailbox, type IdentityTestApp } from '@test/identity/support';
import {
  abortRunning,
  PrivateServices,
  ReadinessProbe,
  ledgerAfterFault,
  openBank,
  unexpectedAnswers,
  until,
  urlOf,
  writeReport,
  type Bank,
  outageUnderLoad,
  restartReport,
  startBankLoad,
} from './fault-support';

/**
 * Redis failing under the app, on a Redis of this file's own (the other files keep the
 * shared one): sessions, rate limits and the near-cache notices live there. While it is
 * down, requests that need it answer 503 CACHE_UNAVAILABLE with Retry-After, never a 500;
 * once it is back the client reconnects by itself, and — because services.sh runs it with
 * append-only persistence (appendfsync everysec), as the chart documents — the sessions it
 * held are still there: nobody is signed out by a Redis restart.
 */
describe('faults: Redis', () => {
  let services: PrivateServices;
  let db: { url: string; drop(): Promise<void> };
  let t: TestApp;
  let url: string;
  let bank: Bank;
  const logs = capturingLogger('warn');
  const OUTBOXES = ['ledger', 'accounts'];
  const unhandled = () => logs.lines.filter((line) => line.includes('"unhandled error"'));

  beforeAll(async () => {
    services = await PrivateServices.start('redis', ['redis']);
    db = await createTestDatabase();
    t = await startTestApp({
      contexts: [ledgerContext, accountsContext],
      databaseUrl: db.url,
      listen: true,
      logger: logs.logger,
      env: { REDIS_URL: services.redisUrl, REDIS_KEY_PREFIX: 'faults:' },
    });
    url = await urlOf(t);
    bank = await openBank(t, { ledgerAccounts: 12, customers: 8 });
  }, 120_000);

  afterEach(async () => {
    await abortRunning();
    await services?.up('redis');
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    await db?.drop();
    await services?.purge();
  }, 180_000);

  it('stopped for 5 s and started under 16 clients of ledger and customer transfers and reads: only 2xx or 503 CACHE_UNAVAILABLE with Retry-After, each acknowledged transfer once, the books balance, the outbox drains, readiness names the cache', async () => {
    const probe = new ReadinessProbe(url, 100);
    const load = startBankLoad(() => url, bank);
    const { downAt, downedAt, upAt, recoveredMs } = await outageUnderLoad(services, 'redis', 5000, load);
    await probe.stop();

    expect(unexpectedAnswers(load.answers, ['CACHE_UNAVAILABLE'])).toEqual([]);
    expect(load.failed).toEqual([]);
    // The fault did reach the clients (the customers' sessions are read from Redis).
    expect(load.answers.filter((a) => a.code === 'CACHE_UNAVAILABLE').length).toBeGreaterThan(0);
    expect(unhandled()).toEqual([]);

    // Readiness names the cache from the moment it is stopped (a sample taken as it stops may still see it up).
    const outage = probe.between(downedAt + 200, upAt);
    expect(outage.length).toBeGreaterThan(0);
    for (const sample of outage) expect(sample).toMatchObject({ status: 503, failing: ['cache'] });
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);

    const { ids, rows, reconciliation, drainMs } = await ledgerAfterFault(t, bank, db.url, load, OUTBOXES, 90_000);
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(ids));
    expect(rows.filter((r) => r.postings !== 2)).toEqual([]);
    expect(reconciliation).toMatchObject({ mismatchedAccounts: [], unbalancedCurrencies: [] });

    writeReport(
      'cache-stop-start',
      restartReport(
        services,
        load,
        { downAt, downedAt, upAt, recoveredMs },
        {
          acknowledgedTransfers: ids.length,
          readinessSamplesDuringOutage: outage.length,
          outboxDrainMs: drainMs,
        },
      ),
    );
  }, 360_000);

  describe('sessions', () => {
    let identity: IdentityTestApp;

    beforeAll(async () => {
      identity = await startIdentityApp({ env: { REDIS_URL: services.redisUrl } });
    }, 60_000);

    afterAll(async () => {
      await identity?.close();
    });

    it('survive a Redis restart: a user logged in before it is still signed in after it, on this pod and on a fresh one, and can refresh', async () => {
      const persistence = execFileSync('redis-cli', ['-u', services.redisUrl, 'config', 'get', 'appendonly'], { encoding: 'utf8' });
      expect(persistence.trim().split('\n').at(-1)).toBe('yes');

      const runId = () => /run_id:(\w+)/.exec(execFileSync('redis-cli', ['-u', services.redisUrl, 'info', 'server'], { encoding: 'utf8' }))?.[1];
      const before = runId();
      const user = await signUp(identity.t);
      const me = () => identity.t.http().get('/v1/users/me').set(bearer(user.accessToken));
      expect((await me()).status).toBe(200);

      // A clean restart of Redis (SHUTDOWN, then a new process reading its append-only file).
      await services.restart('redis');
      await until('the app to reconnect to Redis', async () => (await identity.t.http().get('/health/ready')).status === 200, 30_000);

      // The same access token is still a live session: its Redis entry outlived the restart.
      const after = await me();
      expect(after.status).toBe(200);
      expect(after.body).toMatchObject({ id: user.userId });
      // Its entry is in the restarted Redis (the app's near cache was dropped when its notice channel broke).
      const prefix = `${new URL(identity.dbUrl).pathname.slice(1)}:`;
      const sessionId = JSON.parse(Buffer.from(user.accessToken.split('.')[1]!, 'base64url').toString()) as { sid?: string; sessionId?: string };
      const stored = execFileSync('redis-cli', ['-u', services.redisUrl, 'exists', `${prefix}session:${sessionId.sid ?? sessionId.sessionId}`], {
        encoding: 'utf8',
      });
      expect(stored.trim()).toBe('1');
      // A pod started after the restart has no near-cache copy: it reads the session from Redis.
      const freshLogs = capturingLogger('warn');
      const fresh = await startTestApp({
        contexts: [identityContext, testMailbox],
        databaseUrl: identity.dbUrl,
        redis: true,
        logger: freshLogs.logger,
        env: { REDIS_URL: services.redisUrl, IDENTITY_ARGON2_MEMORY_KIB: '8192', IDENTITY_ARGON2_ITERATIONS: '1' },
      });
      try {
        // (/v1/sessions: this pod's personal-data keys are its own, so it reads no profile.)
        const status = (await fresh.http().get('/v1/sessions').set(bearer(user.accessToken))).status;
        expect({ status, logs: status === 200 ? [] : freshLogs.lines }).toEqual({ status: 200, logs: [] });
      } finally {
        await fresh.close();
      }
      // The session is listed as the user's, and the refresh token rotates (the same session id).
      const sessions = await identity.t.http().get('/v1/sessions').set(bearer(user.accessToken));
      expect(sessions.status).toBe(200);
      const refreshed = await identity.t.http().post('/v1/auth/token').send({ grant_type: 'refresh_token', refresh_token: user.refreshToken });
      expect(refreshed.status).toBe(200);
      expect(
        (
          await identity.t
            .http()
            .get('/v1/users/me')
            .set(bearer(refreshed.body.access_token as string))
        ).status,
      ).toBe(200);
      // And logging in again still works.
      expect((await login(identity.t, user.email, user.password)).access_token).toBeTruthy();
      // The restart was real: another Redis process (its run id) holds the session now.
      expect(runId()).toMatch(/^\w{40}$/);
      expect(runId()).not.toBe(before);
      expect((await sql(identity.dbUrl, 'select 1 from identity.refresh_token_families where user_id = $1', [user.userId])).length).toBeGreaterThan(0);
    }, 120_000);
  });
});
