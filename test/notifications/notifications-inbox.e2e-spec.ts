import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId } from '@shared-kernel';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { bearer, clientToken, loginAs } from '../support/auth';
import { createTestDatabase, sql } from '../support/database';
import { signUp, type SignedUp } from '../identity/support';
import { FAST_IDENTITY, messageState, NOTIFICATION_TEST_CONTEXTS, prepareProbeSchemas, probeEvents, send, settled } from './notification-support';

/*
 * The in-app inbox, preferences, quiet hours, channel fallback, staff views and the
 * development mailbox (no SMTP configured, as `npm start` runs), through HTTP against the
 * real PostgreSQL and Redis, with users signed up through identity and money moved
 * through accounts and the ledger.
 */
describe('notifications: inbox, preferences, development mailbox', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let t: TestApp;
  const mailboxDir = mkdtempSync(join(tmpdir(), 'skyro-mailbox-test-'));
  let alice: SignedUp;
  let bob: SignedUp;

  beforeAll(async () => {
    db = await createTestDatabase();
    await prepareProbeSchemas(db.url);
    t = await startTestApp({
      contexts: NOTIFICATION_TEST_CONTEXTS,
      databaseUrl: db.url,
      redis: true,
      listen: true,
      env: {
        ...FAST_IDENTITY,
        NOTIFICATIONS_MAILBOX_DIR: mailboxDir,
        NOTIFICATIONS_DISPATCH_INTERVAL_MS: '100',
        ACCOUNTS_CURRENCIES: 'EUR',
        ACCOUNTS_CHECKING_OVERDRAFT_LIMIT: '500000',
        ACCOUNTS_CHECKING_MAX_OVERDRAFT: '500000',
      },
    });
    alice = await signUp(t, { name: 'Alice Inbox' });
    bob = await signUp(t, { name: 'Bob Other' });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await db?.drop();
    rmSync(mailboxDir, { recursive: true, force: true });
  });

  const as = (user: SignedUp) => bearer(user.accessToken);
  const news = (user: SignedUp, headline: string, channels: Array<'email' | 'in_app'> = ['in_app']) =>
    send(t, { userId: user.userId, template: 'product-news', variables: { headline, body: `About ${headline}` }, channels });

  it('shows email in the development mailbox: a list newest first linking each message, and each message’s HTML with its link', async () => {
    const list = await t.http().get('/dev/mailbox');
    expect(list.status).toBe(200);
    expect(list.headers['content-type']).toMatch(/^text\/html/);
    const links = [...list.text.matchAll(/<a href="\/dev\/mailbox\/([0-9a-f-]{36})">([^<]*)<\/a>/g)];
    expect(links.length).toBeGreaterThanOrEqual(2);
    expect(links[0]![2]).toBe('Confirm your email address');
    // Newest first: Bob signed up after Alice.
    expect(list.text.indexOf(bob.email)).toBeLessThan(list.text.indexOf(alice.email));
    const page = await t.http().get(`/dev/mailbox/${links[0]![1]}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const port = (t.app.getHttpServer().address() as { port: number }).port;
    expect(page.text).toMatch(new RegExp(`<a href="http://127\\.0\\.0\\.1:${port}/auth/verify-email#token=[^"]+">`));
    expect((await t.http().get(`/dev/mailbox/${newId()}`)).status).toBe(404);
    // Not part of the API document.
    expect(JSON.stringify((await t.http().get('/openapi.json')).body.paths ?? {})).not.toContain('/dev/mailbox');
  });

  it('turns a balance change into an in-app item with the amount in the currency’s exponent, and emits InboxItemAddedV1 (ids only)', async () => {
    const open = async (user: SignedUp) =>
      (await t.http().post('/v1/accounts').set(as(user)).send({ product: 'checking', currency: 'EUR' })).body as { id: string };
    const from = await open(alice);
    const to = await open(bob);
    const moved = await t.http().post(`/v1/accounts/${from.id}/transfers`).set(as(alice)).send({ id: newId(), toAccountId: to.id, amount: '123456' });
    expect(moved.status).toBe(201);
    const inbox = await eventually(
      async () => (await t.http().get('/v1/notifications').set(as(alice))).body as { items: Array<{ id: string; title: string; body: string }> },
      (b) => b.items.some((i) => i.title === 'Balance updated'),
    );
    const item = inbox.items.find((i) => i.title === 'Balance updated')!;
    expect(item.body).toMatch(/^Your balance is now -1,234\.56 EUR \(/);
    const [added] = await eventually(
      () => probeEvents(db.url, 'notifications.inbox-item-added.v1', alice.userId),
      (e) => e.some((x) => (x.envelope.data as { itemId: string }).itemId === item.id),
    );
    expect(Object.keys(added!.envelope.data as object).sort()).toEqual(['category', 'createdAt', 'itemId', 'userId']);
    // Bob's side: money in, his own item; the push message of the same event had no device to go to.
    const bobs = await eventually(
      async () => (await t.http().get('/v1/notifications').set(as(bob))).body as { items: Array<{ body: string }> },
      (b) => b.items.length > 0,
    );
    expect(bobs.items[0]!.body).toMatch(/1,234\.56 EUR/);
    const [push] = await sql<{ status: string; failure_code: string | null; id: string }>(
      db.url,
      "select id, status, failure_code from notifications.messages where user_id = $1 and channel = 'push'",
      [alice.userId],
    );
    expect(push).toBeDefined();
    expect((await settled(db.url, push!.id)).status).toBe('suppressed');
  });

  it('pages the inbox by cursor, counts unread, marks read and archives (repeatably)', async () => {
    const user = await signUp(t, { name: 'Carla Cursor' });
    const sent = [];
    for (const headline of ['one', 'two', 'three', 'four', 'five']) sent.push((await news(user, headline)).messages[0]!.id);
    for (const id of sent) await settled(db.url, id);
    const page1 = await t.http().get('/v1/notifications?limit=2').set(as(user));
    expect(page1.status).toBe(200);
    expect(page1.body.items.map((i: { title: string }) => i.title)).toEqual(['five', 'four']);
    expect(page1.body.unreadCount).toBe(5);
    const page2 = await t.http().get(`/v1/notifications?limit=2&cursor=${page1.body.nextCursor}`).set(as(user));
    expect(page2.body.items.map((i: { title: string }) => i.title)).toEqual(['three', 'two']);
    const page3 = await t.http().get(`/v1/notifications?limit=2&cursor=${page2.body.nextCursor}`).set(as(user));
    expect(page3.body).toMatchObject({ items: [expect.objectContaining({ title: 'one' })], nextCursor: null });

    const read = await t.http().post(`/v1/notifications/${sent[0]}/read`).set(as(user));
    expect(read.status).toBe(200);
    expect(read.body.readAt).not.toBeNull();
    const again = await t.http().post(`/v1/notifications/${sent[0]}/read`).set(as(user));
    expect(again.body.readAt).toBe(read.body.readAt);
    expect((await t.http().get('/v1/notifications/unread-count').set(as(user))).body).toEqual({ unreadCount: 4 });
    expect((await t.http().post(`/v1/notifications/${sent[1]}/archive`).set(as(user))).body.archivedAt).not.toBeNull();
    expect((await t.http().get('/v1/notifications/unread-count').set(as(user))).body).toEqual({ unreadCount: 3 });
    const active = await t.http().get('/v1/notifications').set(as(user));
    expect(active.body.items.map((i: { id: string }) => i.id)).not.toContain(sent[1]);
    const archived = await t.http().get('/v1/notifications?filter=archived').set(as(user));
    expect(archived.body.items.map((i: { id: string }) => i.id)).toEqual([sent[1]]);
    const unread = await t.http().get('/v1/notifications?filter=unread').set(as(user));
    expect(unread.body.items).toHaveLength(3);
    // Each in-app message's timeline: queued → delivered.
    const mine = await t.http().get(`/v1/notifications/${sent[0]}`).set(as(user));
    expect(mine.body.timeline.map((e: { status: string }) => e.status)).toEqual(['queued', 'delivered']);
    expect((await t.http().get('/v1/notifications?cursor=0').set(as(user))).status).toBe(400);
  });

  it("never shows one user's notifications to another (404), and needs a signed-in user", async () => {
    const [mine] = (await news(alice, 'private')).messages;
    await settled(db.url, mine!.id);
    expect((await t.http().get(`/v1/notifications/${mine!.id}`).set(as(alice))).status).toBe(200);
    const peek = await t.http().get(`/v1/notifications/${mine!.id}`).set(as(bob));
    expect(peek.status).toBe(404);
    expect(peek.body.code).toBe('NOTIFICATION_NOT_FOUND');
    expect((await t.http().post(`/v1/notifications/${mine!.id}/read`).set(as(bob))).status).toBe(404);
    expect((await t.http().post(`/v1/notifications/${mine!.id}/archive`).set(as(bob))).status).toBe(404);
    const bobs = await t.http().get('/v1/notifications?filter=all&limit=100').set(as(bob));
    expect(bobs.body.items.map((i: { id: string }) => i.id)).not.toContain(mine!.id);
    expect((await t.http().get(`/v1/notifications/${mine!.id}`).set(as(alice))).body.readAt).toBeUndefined();
    const service = bearer(await clientToken(t.app, 'notifications-service', []));
    expect((await t.http().get('/v1/notifications').set(service)).status).toBe(403);
    expect((await t.http().get('/v1/notifications')).status).toBe(401);
    expect((await t.http().get(`/v1/admin/notifications?userId=${alice.userId}`).set(as(bob))).status).toBe(403);
  });

  it('lets staff with notifications:read see a user’s messages and timelines', async () => {
    const { token } = await loginAs(t.app, newId(), ['support']);
    const staff = bearer(token);
    const list = await t.http().get(`/v1/admin/notifications?userId=${alice.userId}&limit=2`).set(staff);
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(2);
    expect(list.body.items.every((m: { userId: string }) => m.userId === alice.userId)).toBe(true);
    const next = await t.http().get(`/v1/admin/notifications?userId=${alice.userId}&limit=200&cursor=${list.body.nextCursor}`).set(staff);
    expect(next.body.items.map((m: { id: string }) => m.id)).not.toContain(list.body.items[0].id);
    const verify = [...list.body.items, ...next.body.items].find((m: { template: string }) => m.template === 'verify-email');
    const one = await t.http().get(`/v1/admin/notifications/${verify.id}`).set(staff);
    expect(one.body).toMatchObject({ status: 'delivered', channel: 'email', templateVersion: 1 });
    expect(one.body.timeline.map((e: { status: string }) => e.status)).toEqual(['queued', 'sent', 'delivered']);
    expect(one.body.attempts).toEqual([expect.objectContaining({ provider: 'dev-mailbox', outcome: 'accepted', attempt: 1 })]);
    expect((await t.http().get(`/v1/notifications/${verify.id}`).set(staff)).status).toBe(200);
    expect((await t.http().get('/v1/admin/notifications').set(staff)).status).toBe(400);
  });

  it('keeps preferences: marketing email can be muted, security and legal cannot; the time zone must exist', async () => {
    const initial = await t.http().get('/v1/notifications/preferences').set(as(bob));
    expect(initial.body).toMatchObject({ timeZone: 'UTC', quietHours: null, mutedChannels: { marketing: [], security: [] } });
    expect(initial.body.categories).toEqual(
      expect.arrayContaining([
        { category: 'security', canOptOut: false },
        { category: 'marketing', canOptOut: true },
      ]),
    );
    const put = (body: object) => t.http().put('/v1/notifications/preferences').set(as(bob)).send(body);
    const muted = await put({ timeZone: 'Europe/Berlin', quietHours: null, mutedChannels: { marketing: ['email'] } });
    expect(muted.status).toBe(200);
    expect(muted.body.mutedChannels.marketing).toEqual(['email']);
    const refused = await put({ timeZone: 'UTC', quietHours: null, mutedChannels: { security: ['email'] } });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('NOTIFICATION_CATEGORY_CANNOT_BE_MUTED');
    expect((await put({ timeZone: 'Mars/Olympus', quietHours: null, mutedChannels: {} })).body.errors).toEqual([
      expect.objectContaining({ field: 'timeZone' }),
    ]);
    expect((await t.http().get('/v1/notifications/preferences').set(as(bob))).body.timeZone).toBe('Europe/Berlin');

    const { messages } = await news(bob, 'Spring offers', ['email', 'in_app']);
    const email = messages.find((m) => m.channel === 'email')!;
    const inApp = messages.find((m) => m.channel === 'in_app')!;
    expect(email.status).toBe('suppressed');
    expect((await settled(db.url, inApp.id)).status).toBe('delivered');
    const timeline = (await t.http().get(`/v1/notifications/${email.id}`).set(as(bob))).body.timeline;
    expect(timeline).toEqual([
      expect.objectContaining({ status: 'queued' }),
      expect.objectContaining({ status: 'suppressed', reason: 'MUTED_BY_PREFERENCES' }),
    ]);
    const list = await t.http().get('/dev/mailbox');
    expect(list.text).not.toContain('Spring offers');
  });

  it('holds SMS and push back during quiet hours in the user’s time zone, until the window ends', async () => {
    const user = await signUp(t, { name: 'Quinn Quiet', phone: '+4915112345678' });
    const now = new Date();
    const hhmm = (d: Date) => d.toISOString().slice(11, 16);
    const end = new Date(now.getTime() + 2 * 3600_000);
    const prefs = await t
      .http()
      .put('/v1/notifications/preferences')
      .set(as(user))
      .send({ timeZone: 'UTC', quietHours: { start: hhmm(new Date(now.getTime() - 3600_000)), end: hhmm(end) }, mutedChannels: {} });
    expect(prefs.status).toBe(200);
    const variables = { accountId: newId(), currency: 'EUR', balance: '100', asOf: now.toISOString() };
    const [sms] = (await send(t, { userId: user.userId, template: 'balance-changed', variables, channels: ['sms'] })).messages;
    const held = await eventually(
      () => sql<{ reason: string }>(db.url, 'select reason from notifications.message_timeline where message_id = $1 order by id', [sms!.id]),
      (rows) => rows.some((r) => r.reason === 'QUIET_HOURS'),
    );
    expect(held.map((r) => r.reason)).toEqual([null, 'QUIET_HOURS']);
    const state = await messageState(db.url, sms!.id);
    expect(state.status).toBe('queued');
    expect(hhmm(state.next_attempt_at!)).toBe(hhmm(end));
    expect(state.next_attempt_at!.getTime()).toBeGreaterThan(now.getTime());
  });

  it('falls back from push to email when push cannot be delivered (transactional), recording which push it stands in for', async () => {
    await sql(db.url, "insert into notifications.device_tokens (id, user_id, platform, token) values ($1, $2, 'fcm', $3)", [
      newId(),
      alice.userId,
      `device-${newId()}`,
    ]);
    const variables = { accountId: newId(), currency: 'EUR', balance: '4200', asOf: new Date().toISOString() };
    const [push] = (await send(t, { userId: alice.userId, template: 'balance-changed', variables, channels: ['push'] })).messages;
    // No push provider is configured in this app: the push fails for good, and the request goes out by email instead.
    expect(await settled(db.url, push!.id)).toMatchObject({ status: 'failed', failure_code: 'NO_PROVIDER' });
    const [fallback] = await eventually(
      () => sql<{ id: string; channel: string }>(db.url, 'select id, channel from notifications.messages where fallback_of = $1', [push!.id]),
      (rows) => rows.length > 0,
    );
    expect(fallback!.channel).toBe('email');
    expect((await settled(db.url, fallback!.id)).status).toBe('delivered');
    const page = await t.http().get(`/dev/mailbox/${fallback!.id}`);
    expect(page.text).toContain('42.00 EUR');
    const view = await t.http().get(`/v1/notifications/${fallback!.id}`).set(as(alice));
    expect(view.body).toMatchObject({ fallbackOf: push!.id, channel: 'email', template: 'balance-changed' });
  });
});
