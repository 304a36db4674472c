import { bearer, signUp, startIdentityApp, uniqueEmail, PASSWORD, type IdentityTestApp } from './support';

describe('identity: lockout and rate limits (Redis sliding windows)', () => {
  let app: IdentityTestApp;
  beforeAll(async () => {
    app = await startIdentityApp({
      env: {
        TRUST_PROXY: 'true',
        IDENTITY_LOGIN_ACCOUNT_MAX_FAILURES: '3',
        IDENTITY_LOGIN_IP_MAX_FAILURES: '6',
        IDENTITY_PUBLIC_IP_LIMIT_PER_MINUTE: '5',
      },
    });
  });
  afterAll(() => app?.close());
  const http = () => app.t.http();
  let ipCounter = 0;
  // Every test comes from its own client address (the app trusts X-Forwarded-For here).
  const newIp = () => `198.51.100.${++ipCounter}`;
  const attempt = (ip: string, email: string, password: string) => http().post('/v1/auth/login').set('x-forwarded-for', ip).send({ email, password });

  it('locks an account after repeated failures, from any address, with 429 and Retry-After; even the right password waits', async () => {
    const user = await signUp(app.t);
    for (let i = 0; i < 3; i++) expect((await attempt(newIp(), user.email, `Wrong-Password-${i}-x`)).status).toBe(401);
    const locked = await attempt(newIp(), user.email, user.password);
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('LOGIN_LOCKED');
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect(locked.body.retryAfterSeconds).toBe(retryAfter);
  });

  it('locks unknown addresses the same way (no account enumeration through lockouts)', async () => {
    const email = uniqueEmail();
    for (let i = 0; i < 3; i++) expect((await attempt(newIp(), email, PASSWORD)).status).toBe(401);
    expect((await attempt(newIp(), email, PASSWORD)).status).toBe(429);
  });

  it('locks a client address that fails across many accounts', async () => {
    const ip = newIp();
    for (let i = 0; i < 6; i++) expect((await attempt(ip, uniqueEmail(), PASSWORD)).status).toBe(401);
    const user = await signUp(app.t);
    const blocked = await attempt(ip, user.email, user.password);
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('LOGIN_LOCKED');
    expect((await attempt(newIp(), user.email, user.password)).status).toBe(200);
  });

  it("clears the account's failures after a success", async () => {
    const user = await signUp(app.t);
    for (let i = 0; i < 2; i++) await attempt(newIp(), user.email, 'Wrong-Password-abc');
    expect((await attempt(newIp(), user.email, user.password)).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await attempt(newIp(), user.email, 'Wrong-Password-abc')).status).toBe(401);
    expect((await attempt(newIp(), user.email, user.password)).status).toBe(200);
  });

  it('counts wrong current passwords on a password change too (a stolen token is no guessing oracle)', async () => {
    const user = await signUp(app.t);
    const change = (current: string) =>
      http()
        .post('/v1/users/me/password')
        .set('x-forwarded-for', newIp())
        .set(bearer(user.accessToken))
        .send({ currentPassword: current, newPassword: 'Fresh-Granite-Orchid-31' });
    for (let i = 0; i < 3; i++) expect((await change(`Guess-Number-${i}-abc`)).status).toBe(401);
    const locked = await change(user.password);
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('LOGIN_LOCKED');
    // The same account is locked for sign-in as well.
    expect((await attempt(newIp(), user.email, user.password)).status).toBe(429);
  });

  it('limits public endpoints per client address', async () => {
    const ip = newIp();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await http().post('/v1/auth/password-reset/request').set('x-forwarded-for', ip).send({ email: uniqueEmail() })).status);
    }
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
    expect((await http().post('/v1/auth/password-reset/request').set('x-forwarded-for', newIp()).send({ email: uniqueEmail() })).status).toBe(202);
  });
});

describe('identity: argon2 concurrency is bounded', () => {
  let app: IdentityTestApp;
  beforeAll(async () => {
    app = await startIdentityApp({
      env: { IDENTITY_ARGON2_WORKERS: '1', IDENTITY_ARGON2_MAX_QUEUE: '1', IDENTITY_ARGON2_MEMORY_KIB: '65536', IDENTITY_ARGON2_ITERATIONS: '3' },
    });
  });
  afterAll(() => app?.close());

  it('answers 503 AUTH_BUSY with Retry-After at once when the hashing queue is full, never a 500', async () => {
    const email = uniqueEmail();
    const results = await Promise.all(Array.from({ length: 8 }, () => app.t.http().post('/v1/auth/login').send({ email, password: PASSWORD })));
    const statuses = results.map((r) => r.status).sort();
    // One hashes, one waits; the others are turned away without waiting.
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThanOrEqual(2);
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 401 || s === 503)).toBe(true);
    const busy = results.find((r) => r.status === 503)!;
    expect(busy.body.code).toBe('AUTH_BUSY');
    expect(busy.headers['retry-after']).toBe('1');
  });
});
