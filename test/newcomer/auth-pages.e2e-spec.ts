import type { Browser } from 'playwright-core';
import { identityContext } from '@modules/identity/identity.context';
import { contextSchemaSql } from '@platform/database/context-schema';
import { startTestApp, type TestApp } from '../support/app';
import { createTestDatabase, sql } from '../support/database';
import { mailTo, PASSWORD, testMailbox, uniqueEmail } from '../identity/support';
import { launchChromium, pageProblems } from './browser';

/*
 * The pages identity's emails link to, in a real headless Chromium against a listening app on
 * the real PostgreSQL: the token comes from the fragment, the page posts it to the JSON API,
 * and the person sees the outcome. The tokens come from identity's NotificationRequested
 * events (the test mailbox of test/identity/support.ts), as the notifications context reads them.
 */
describe('the /auth pages of the emails (verify email, reset password) in Chromium', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let t: TestApp;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    await sql(db.url, contextSchemaSql('test_mailbox').join(';\n'));
    t = await startTestApp({
      contexts: [identityContext, testMailbox],
      databaseUrl: db.url,
      listen: true,
      env: { IDENTITY_ARGON2_MEMORY_KIB: '8192', IDENTITY_ARGON2_ITERATIONS: '1' },
    });
    const address = t.app.getHttpServer().address() as { port: number };
    base = `http://127.0.0.1:${address.port}`;
    browser = await launchChromium();
  }, 15 * 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await db?.drop();
  });

  const register = async () => {
    const email = uniqueEmail('page');
    expect((await t.http().post('/v1/auth/register').send({ email, password: PASSWORD, name: 'Page Person' })).status).toBe(202);
    const mail = await mailTo(email, 'verify-email');
    return { email, token: String(mail.variables['token']) };
  };

  it('serves both pages without an access token, under a CSP that allows only their own script and style, and takes no query', async () => {
    for (const path of ['/auth/verify-email', '/auth/reset-password']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toMatch(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/]+=*'; style-src 'sha256-[A-Za-z0-9+/]+=*'; connect-src 'self';/);
      expect(csp).not.toContain('unsafe');
      const html = await res.text();
      expect(html).not.toMatch(/\s(src|href)=|\son[a-z]+=|https?:\/\//); // no external resource, no inline handler
      const refused = await fetch(`${base}${path}?token=skr_ve_0123456789abcdef`);
      expect(refused.status).toBe(400);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });

  it('verifies the email from the link: "Email verified", the token gone from the address bar, sign-in works; the link works once', async () => {
    const { email, token } = await register();
    expect((await t.http().post('/v1/auth/login').send({ email, password: PASSWORD })).body.code).toBe('EMAIL_NOT_VERIFIED');
    const page = await browser.newPage();
    const problems = pageProblems(page);
    await page.goto(`${base}/auth/verify-email#token=${encodeURIComponent(token)}`);
    await page.waitForSelector('main[data-state="done"]');
    expect(await page.textContent('h1')).toBe('Email verified');
    expect(page.url()).toBe(`${base}/auth/verify-email`);
    expect(problems).toEqual([]);
    const signIn = await t.http().post('/v1/auth/login').send({ email, password: PASSWORD });
    expect([signIn.status, signIn.body.status]).toEqual([200, 'authenticated']);

    await page.goto(`${base}/auth/verify-email#token=${encodeURIComponent(token)}`);
    await page.waitForSelector('main[data-state="failed"]');
    expect(await page.textContent('h1')).toBe('This link no longer works');
    await page.goto(`${base}/auth/verify-email`);
    await page.waitForSelector('main[data-state="failed"]');
    expect(await page.textContent('h1')).toBe('This link is incomplete');
    await page.close();
  });

  it('resets the password with the form: a weak one is refused with the reason, a good one signs in, the old one no longer', async () => {
    const { email, token } = await register();
    expect((await t.http().post('/v1/auth/verify-email').send({ token })).status).toBe(200);
    expect((await t.http().post('/v1/auth/password-reset/request').send({ email })).status).toBe(202);
    const reset = String((await mailTo(email, 'password-reset')).variables['token']);
    const page = await browser.newPage();
    const problems = pageProblems(page);
    await page.goto(`${base}/auth/reset-password#token=${encodeURIComponent(reset)}`);
    expect(page.url()).toBe(`${base}/auth/reset-password`);

    await page.fill('#password', 'password1234');
    await page.fill('#confirm', 'password1234');
    await page.click('#submit');
    await page.waitForSelector('h1:text-is("Choose another password")');
    expect(await page.isVisible('#reset')).toBe(true);

    await page.fill('#password', 'Fresh-Harbour-Lantern-2026');
    await page.fill('#confirm', 'Fresh-Harbour-Lantern-2027');
    await page.click('#submit');
    await page.waitForSelector('#detail:text-is("The two passwords differ.")');

    await page.fill('#confirm', 'Fresh-Harbour-Lantern-2026');
    await page.click('#submit');
    await page.waitForSelector('main[data-state="done"]');
    expect(await page.textContent('h1')).toBe('Password changed');
    expect(problems).toEqual(['400 /v1/auth/password-reset/confirm']); // the weak password, nothing else
    await page.close();
    expect((await t.http().post('/v1/auth/login').send({ email, password: 'Fresh-Harbour-Lantern-2026' })).status).toBe(200);
    expect((await t.http().post('/v1/auth/login').send({ email, password: PASSWORD })).status).toBe(401);
  });
});
