import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { freePort } from '@platform/net/free-port';
import { startChildApp, type ChildApp } from '../support/child-app';
import { createTestDatabase } from '../support/database';
import { recordSecrets } from '../support/run-logs';
import { launchChromium, pageProblems } from './browser';

/*
 * Issue 9, part 3: with nothing configured for email, sign-up can be finished in a browser.
 * The real entry point (src/main.ts) runs as `npm start` would, in development with no SMTP:
 * its email goes to the development mailbox under the data directory. A person registers
 * through the API, opens /dev/mailbox in Chromium, opens the verification message, clicks its
 * link, sees "Email verified" on /auth/verify-email, and then signs in.
 * (The database is the run's PostgreSQL instead of the embedded one, to keep the file fast;
 * test/newcomer/clone-and-start.e2e-spec.ts starts the embedded default itself.)
 */
describe('sign-up finished from the development mailbox, in Chromium', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'skyro-mailbox-'));
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let app: ChildApp;
  let browser: Browser;

  beforeAll(async () => {
    db = await createTestDatabase();
    const port = await freePort();
    app = await startChildApp({
      NODE_ENV: 'development',
      DATABASE_URL: db.url,
      EMBEDDED_DATA_DIR: dataDir,
      PORT: String(port),
      AUTH_ISSUER: `http://127.0.0.1:${port}`,
      IDENTITY_ARGON2_MEMORY_KIB: '8192',
      IDENTITY_ARGON2_ITERATIONS: '1',
    });
    browser = await launchChromium();
  }, 15 * 60_000);
  afterAll(async () => {
    await browser?.close();
    if (app) {
      app.child.kill('SIGTERM');
      await app.exited();
    }
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('registers (202), verifies through the mailbox link ("Email verified"), then signs in (200)', async () => {
    const email = `newcomer.${Date.now().toString(36)}@example.com`;
    const password = 'Violet-Harbour-Lantern-42';
    recordSecrets([email, password]);
    const post = (path: string, body: unknown) =>
      fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('/v1/auth/register', { email, password, name: 'New Comer' })).status).toBe(202);

    const page = await browser.newPage();
    const problems = pageProblems(page);
    // Delivery is asynchronous (outbox, dispatcher): reload the mailbox until the message is listed.
    const deadline = Date.now() + 30_000;
    let message = page.locator('a[href^="/dev/mailbox/"]').first();
    for (;;) {
      await page.goto(`${app.url}/dev/mailbox`);
      message = page.locator('a[href^="/dev/mailbox/"]').first();
      if ((await message.count()) > 0 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(await page.textContent('body')).toContain(email);
    await message.click();
    await page.waitForURL(/\/dev\/mailbox\/[^/]+$/);

    const link = page.locator('a[href*="/auth/verify-email#token="]').first();
    expect(await link.getAttribute('href')).toMatch(new RegExp(`^${app.url}/auth/verify-email#token=[^&]+$`));
    await link.click();
    await page.waitForURL(`${app.url}/auth/verify-email`);
    await page.waitForSelector('main[data-state="done"]');
    expect(await page.textContent('h1')).toBe('Email verified');
    expect(problems).toEqual([]);
    await page.close();

    const signIn = await post('/v1/auth/login', { email, password });
    expect(signIn.status).toBe(200);
    const body = (await signIn.json()) as { status: string; tokens: { access_token: string } };
    recordSecrets([body.tokens.access_token]);
    expect(body.status).toBe('authenticated');
  });
});
