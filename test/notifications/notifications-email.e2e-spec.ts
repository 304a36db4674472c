import { randomBytes } from 'node:crypto';
import { EventTransport } from '@platform/messaging/event-transport';
import { Scheduler } from '@platform/jobs/scheduler';
import { newId } from '@shared-kernel';
import { DELIVERY_REPORT_SINK, type DeliveryReport, type DeliveryReportSink } from '@modules/notifications/channels/delivery-report';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { loginAs } from '../support/auth';
import { createTestDatabase, sql } from '../support/database';
import { mailTo, uniqueEmail, PASSWORD } from '../identity/support';
import { attemptsOf, FAST_IDENTITY, messageState, NOTIFICATION_TEST_CONTEXTS, prepareProbeSchemas, probeEvents, send, settled } from './notification-support';
import { SmtpTestServer } from './smtp-test-server';

/*
 * Email end to end: identity's requests and other messages go out through nodemailer to two
 * real SMTP servers on 127.0.0.1 (smtp-server), read back and parsed with mailparser; the
 * primary failing (4xx: transient, 5xx: permanent) moves the message to the secondary;
 * retries wait with backoff in the database and survive a restart.
 */
describe('notifications: email over SMTP', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let t: TestApp;
  const primary = new SmtpTestServer();
  const secondary = new SmtpTestServer();
  // Identity's keys outlive one app here (the restart below must still decrypt the recipient's address).
  const keys = { IDENTITY_PII_KEYS: JSON.stringify({ k1: randomBytes(32).toString('base64') }), IDENTITY_BLIND_INDEX_KEY: randomBytes(32).toString('base64') };
  const env = () => ({
    ...FAST_IDENTITY,
    ...keys,
    NOTIFICATIONS_SMTP_URL: primary.url,
    NOTIFICATIONS_SMTP_SECONDARY_URL: secondary.url,
    NOTIFICATIONS_DISPATCH_INTERVAL_MS: '100',
    NOTIFICATIONS_RETRY_BASE_MS: '200',
    NOTIFICATIONS_RETRY_MAX_MS: '2000',
    NOTIFICATIONS_MAX_ATTEMPTS: '10',
    // The circuit would take the primary out of the order after a few failures; these tests want every attempt to start there.
    NOTIFICATIONS_CIRCUIT_FAILURES: '1000',
  });
  const start = () => startTestApp({ contexts: NOTIFICATION_TEST_CONTEXTS, databaseUrl: db.url, listen: true, env: env() });
  let user: { email: string; userId: string };

  beforeAll(async () => {
    await Promise.all([primary.start(), secondary.start()]);
    db = await createTestDatabase();
    await prepareProbeSchemas(db.url);
    t = await start();
    const email = uniqueEmail('mail');
    expect((await t.http().post('/v1/auth/register').send({ email, password: PASSWORD, name: 'Mia Mail' })).status).toBe(202);
    user = { email, userId: (await mailTo(email, 'verify-email')).userId };
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await db?.drop();
    await Promise.all([primary.stop(), secondary.stop()]);
  });

  beforeEach(() => {
    primary.mode = 'accept';
    secondary.mode = 'accept';
  });

  const port = () => (t.app.getHttpServer().address() as { port: number }).port;
  const received = (server: SmtpTestServer, email: string, count = 1) =>
    eventually(
      async () => server.to(email),
      (m) => m.length >= count,
    );

  it('emails the verification link on registration: subject, recipient, HTML and text parts, the link in the fragment that verifies', async () => {
    const [mail] = await received(primary, user.email);
    expect(mail).toMatchObject({ to: [user.email], subject: 'Confirm your email address' });
    const link = new RegExp(`http://127\\.0\\.0\\.1:${port()}/auth/verify-email#token=([^"\\s<]+)`);
    const inHtml = link.exec(mail!.html);
    const inText = link.exec(mail!.text);
    expect(inHtml?.[1]).toBeDefined();
    expect(inText?.[1]).toBe(inHtml?.[1]);
    expect(mail!.html).toContain('Hello Mia Mail,');
    expect(mail!.text).toContain('Hello Mia Mail,');
    // The link's token is the real one: it verifies the address.
    const token = decodeURIComponent(inHtml![1]!.replace(/&amp;/g, '&'));
    expect((await t.http().post('/v1/auth/verify-email').send({ token })).status).toBe(200);
    // The message records the template version and locale it used; its timeline went queued → sent.
    const [message] = await sql<{ id: string; template_version: number; locale: string; provider: string }>(
      db.url,
      "select id, template_version, locale, provider from notifications.messages where user_id = $1 and template_key = 'verify-email'",
      [user.userId],
    );
    expect(message).toMatchObject({ template_version: 1, locale: 'en', provider: 'smtp-primary' });
    expect(mail!.skyroMessageId).toBe(message!.id);
  });

  it('writes in the user’s language (de)', async () => {
    const email = uniqueEmail('de');
    expect((await t.http().post('/v1/auth/register').send({ email, password: PASSWORD, name: 'Jonas', locale: 'de-DE' })).status).toBe(202);
    const [mail] = await received(primary, email);
    expect(mail!.subject).toBe('Bestätige deine E-Mail-Adresse');
    expect(mail!.text).toContain('Hallo Jonas,');
    expect(mail!.text).toMatch(/\/auth\/verify-email#token=/);
  });

  it('sends nothing twice for a redelivered event, nor for the same request under a new event id', async () => {
    const email = uniqueEmail('again');
    expect((await t.http().post('/v1/auth/register').send({ email, password: PASSWORD, name: 'Ada Again' })).status).toBe(202);
    const { userId } = await mailTo(email, 'verify-email');
    await received(primary, email);
    const [request] = await probeEvents(db.url, 'identity.notification-requested.v1', userId);
    const envelope = request!.envelope;
    const transport = t.app.get(EventTransport);
    const publish = (e: object) => transport.publish([{ id: '0', topic: 'notifications.dispatch', aggregateId: userId, payload: JSON.stringify(e) }]);
    await publish(envelope); // the same event again: the inbox drops it
    await publish({ ...envelope, id: newId() }); // a new event for the same notification id: the request id drops it
    await t.app.get(Scheduler).runNow('notifications.dispatch');
    const messages = await sql(db.url, 'select id from notifications.messages where user_id = $1', [userId]);
    expect(messages).toHaveLength(1);
    expect(await sql(db.url, "select 1 from notifications.messages where status = 'queued' and user_id = $1", [userId])).toHaveLength(0);
    expect(primary.to(email)).toHaveLength(1);
    expect(secondary.to(email)).toHaveLength(0);
  });

  it('records a template that fails to render as failed with an error event, sends nothing, and renders the newest active version', async () => {
    await sql(
      db.url,
      `insert into notifications.templates (key, version, category, channels) values ('e2e-versioned', 1, 'transactional', '{email}'), ('e2e-versioned', 2, 'transactional', '{email}');
       insert into notifications.template_texts (key, version, locale, channel, subject, html, text) values
         ('e2e-versioned', 1, 'en', 'email', 'Version one', '<p>One for {{ name }}</p>', 'One for {{ name }}'),
         ('e2e-versioned', 2, 'en', 'email', 'Version two', '<p>{{ name | no_such_filter }}</p>', 'Two for {{ missing_variable }}')`,
    );
    const broken = (await send(t, { userId: user.userId, template: 'e2e-versioned' })).messages[0]!;
    const failed = await settled(db.url, broken.id);
    expect(failed).toMatchObject({ status: 'failed', failure_code: 'TEMPLATE_RENDER_FAILED', template_version: 2 });
    const [event] = await eventually(
      () => probeEvents(db.url, 'notifications.notification-failed.v1', broken.id),
      (e) => e.length > 0,
    );
    expect(event!.envelope.data).toEqual({
      messageId: broken.id,
      userId: user.userId,
      template: 'e2e-versioned',
      channel: 'email',
      code: 'TEMPLATE_RENDER_FAILED',
      failedAt: expect.any(String),
    });
    expect(JSON.stringify(event!.envelope)).not.toContain(user.email);
    expect([...primary.received, ...secondary.received].filter((m) => m.skyroMessageId === broken.id)).toHaveLength(0);
    expect((await attemptsOf(db.url, broken.id)).length).toBe(0);

    // Version 2 withdrawn: the next message renders version 1 and says so.
    await sql(db.url, "update notifications.templates set active = false where key = 'e2e-versioned' and version = 2");
    const good = (await send(t, { userId: user.userId, template: 'e2e-versioned' })).messages[0]!;
    expect(await settled(db.url, good.id)).toMatchObject({ status: 'sent', template_version: 1 });
    const mail = (
      await eventually(
        async () => primary.received.filter((m) => m.skyroMessageId === good.id),
        (m) => m.length > 0,
      )
    )[0]!;
    expect(mail.subject).toBe('Version one');
    expect(mail.text).toBe('One for Mia Mail');
  });

  it('refuses an unknown template before storing anything (422)', async () => {
    await expect(send(t, { userId: user.userId, template: 'no-such-template' })).rejects.toMatchObject({ code: 'NOTIFICATION_TEMPLATE_UNKNOWN' });
  });

  it('fails over to the secondary when the primary answers 4xx (transient) or 5xx (permanent), recording every attempt', async () => {
    primary.mode = 451;
    const busy = (await send(t, { userId: user.userId, template: 'product-news', variables: { headline: 'Busy', body: 'b' }, channels: ['email'] }))
      .messages[0]!;
    expect(await settled(db.url, busy.id)).toMatchObject({ status: 'sent', provider: 'smtp-secondary' });
    expect((await attemptsOf(db.url, busy.id)).map(({ provider, outcome, reason }) => ({ provider, outcome, reason }))).toEqual([
      { provider: 'smtp-primary', outcome: 'transient', reason: 'SMTP_451' },
      { provider: 'smtp-secondary', outcome: 'accepted', reason: null },
    ]);

    primary.mode = 550;
    const rejected = (await send(t, { userId: user.userId, template: 'product-news', variables: { headline: 'Rejected', body: 'b' }, channels: ['email'] }))
      .messages[0]!;
    expect(await settled(db.url, rejected.id)).toMatchObject({ status: 'sent', provider: 'smtp-secondary' });
    expect((await attemptsOf(db.url, rejected.id)).map((a) => `${a.provider}:${a.outcome}:${a.reason}`)).toEqual([
      'smtp-primary:permanent:SMTP_550',
      'smtp-secondary:accepted:null',
    ]);
    const subjects = secondary.to(user.email).map((m) => m.subject);
    expect(subjects).toEqual(expect.arrayContaining(['Busy', 'Rejected']));
    expect(primary.to(user.email).filter((m) => ['Busy', 'Rejected'].includes(m.subject))).toHaveLength(0);

    // Both refuse for good: failed at once (no retry), with the error event.
    secondary.mode = 550;
    const bounced = (await send(t, { userId: user.userId, template: 'product-news', variables: { headline: 'Nowhere', body: 'b' }, channels: ['email'] }))
      .messages[0]!;
    expect(await settled(db.url, bounced.id)).toMatchObject({ status: 'failed', failure_code: 'SMTP_550', attempts: 1 });
    await eventually(
      () => probeEvents(db.url, 'notifications.notification-failed.v1', bounced.id),
      (e) => e.length === 1,
    );
  });

  it('applies provider delivery reports to the timeline idempotently: forward only, repeats change nothing, unknown ids are ignored', async () => {
    const sink = t.app.get<DeliveryReportSink>(DELIVERY_REPORT_SINK);
    const message = (await send(t, { userId: user.userId, template: 'product-news', variables: { headline: 'Tracked', body: 'b' }, channels: ['email'] }))
      .messages[0]!;
    await settled(db.url, message.id);
    const [row] = await sql<{ provider: string; provider_message_id: string }>(
      db.url,
      'select provider, provider_message_id from notifications.messages where id = $1',
      [message.id],
    );
    const report = (status: DeliveryReport['status'], providerMessageId = row!.provider_message_id) =>
      sink.record({ provider: row!.provider, providerMessageId, status, at: new Date() });
    await report('delivered');
    await report('delivered');
    await report('failed'); // after delivery: too late to fail
    await report('delivered', '<unknown@elsewhere>');
    await report('bounced'); // a late bounce is real for email
    await report('bounced');
    const { staffToken } = await staffOf(t);
    const view = await t
      .http()
      .get(`/v1/admin/notifications/${message.id}`)
      .set({ authorization: `Bearer ${staffToken}` });
    expect(view.body.status).toBe('bounced');
    expect(view.body.failureCode).toBe('BOUNCED');
    expect(view.body.timeline.map((e: { status: string }) => e.status)).toEqual(['queued', 'sent', 'delivered', 'bounced']);
    await eventually(
      () => probeEvents(db.url, 'notifications.notification-failed.v1', message.id),
      (e) => e.length === 1,
    );
  });

  it('retries transient failures with growing backoff kept in the database, across a restart of the app', async () => {
    primary.mode = 451;
    secondary.mode = 451;
    const message = (await send(t, { userId: user.userId, template: 'product-news', variables: { headline: 'Patience', body: 'b' }, channels: ['email'] }))
      .messages[0]!;
    // Two rounds of attempts at both providers, then the app goes away with the next try scheduled.
    await eventually(
      () => attemptsOf(db.url, message.id),
      (a) => a.some((x) => x.attempt === 2 && x.provider === 'smtp-secondary'),
    );
    await t.close();
    const pending = await messageState(db.url, message.id);
    expect(pending.status).toBe('queued');
    expect(pending.next_attempt_at).not.toBeNull();
    expect(pending.attempts).toBeGreaterThanOrEqual(2);

    primary.mode = 'accept';
    t = await start();
    const final = await settled(db.url, message.id);
    expect(final).toMatchObject({ status: 'sent', provider: 'smtp-primary' });
    const attempts = await attemptsOf(db.url, message.id);
    const rounds = [...new Set(attempts.map((a) => a.attempt))];
    expect(rounds.length).toBeGreaterThanOrEqual(3);
    expect(attempts.filter((a) => a.outcome === 'accepted')).toEqual([
      expect.objectContaining({ provider: 'smtp-primary', attempt: rounds[rounds.length - 1] }),
    ]);
    expect(attempts.filter((a) => a.outcome === 'transient').every((a) => a.reason === 'SMTP_451')).toBe(true);
    // Each retry waited at least half its exponential delay (base 200 ms · 2^(n-1), full jitter): never sooner.
    const firstOf = (round: number) => attempts.find((a) => a.attempt === round)!.at.getTime();
    for (let n = 1; n < rounds.length; n++) expect(firstOf(n + 1) - firstOf(n)).toBeGreaterThanOrEqual((200 * 2 ** (n - 1)) / 2 - 5);
    const mails = await received(primary, user.email);
    expect(mails.filter((m) => m.skyroMessageId === message.id)).toHaveLength(1);
  }, 60_000);
});

async function staffOf(t: TestApp): Promise<{ staffToken: string }> {
  return { staffToken: (await loginAs(t.app, newId(), ['support'])).token };
}
