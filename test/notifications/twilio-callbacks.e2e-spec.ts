import type { AddressInfo } from 'node:net';
import { newId } from '@shared-kernel';
import { smsProviders, twilioSignature } from '@modules/notifications/channels/sms';
import { accountsContext } from '@modules/accounts/accounts.context';
import { identityContext } from '@modules/identity/identity.context';
import { ledgerContext } from '@modules/ledger/ledger.context';
import { notificationsContext } from '@modules/notifications/notifications.context';
import { paymentsContext } from '@modules/payments/payments.context';
import { notificationsConfig, type NotificationsConfig } from '@modules/notifications/notifications.config';
import { startTestApp, type TestApp } from '../support/app';
import { createTestDatabase, sql } from '../support/database';
import { sidOf, TwilioFake } from '../support/providers/twilio-fake';

/*
 * The callbacks reach the notifications context's own DeliveryReportSink, which moves a
 * message along its status timeline. Each SMS sent here through a provider is recorded as a
 * `sent` message of that provider (as the dispatcher would have left it), so what a callback
 * did is read back from the message's timeline.
 */
interface TimelineReport {
  provider: string;
  providerMessageId: string;
  status: string;
  reason?: string;
}

/** As Twilio is given it: the public URL behind Kong, not the app's own address. */
const PUBLIC_CALLBACK = 'https://api.skyro.test/v1/notifications/callbacks/twilio';

/*
 * Twilio's status callbacks end to end: a message sent through the local Twilio fake carries
 * the public StatusCallback URL; the fake posts the signed callback to the app listening on
 * a port, as Kong would forward it; the verified report reaches the sink. Anything not
 * signed by the account's auth token over that URL and those parameters is 403 and records
 * nothing.
 */
describe('Twilio status callbacks', () => {
  const primary = { accountSid: sidOf('AC'), authToken: 'callback-primary-token-1' };
  const secondary = { accountSid: sidOf('AC'), authToken: 'callback-secondary-token-2' };
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let twilio: TwilioFake;
  let t: TestApp;
  let app: string;
  let config: NotificationsConfig;

  beforeAll(async () => {
    db = await createTestDatabase();
    twilio = await new TwilioFake([primary, secondary]).start();
    t = await startTestApp({
      contexts: [identityContext, ledgerContext, accountsContext, paymentsContext, notificationsContext],
      databaseUrl: db.url,
      listen: true,
      env: {
        NOTIFICATIONS_SMS_PRIMARY_ACCOUNT_SID: primary.accountSid,
        NOTIFICATIONS_SMS_PRIMARY_AUTH_TOKEN: primary.authToken,
        NOTIFICATIONS_SMS_PRIMARY_FROM: '+15017122661',
        NOTIFICATIONS_SMS_PRIMARY_BASE_URL: twilio.url,
        NOTIFICATIONS_SMS_SECONDARY_ACCOUNT_SID: secondary.accountSid,
        NOTIFICATIONS_SMS_SECONDARY_AUTH_TOKEN: secondary.authToken,
        NOTIFICATIONS_SMS_SECONDARY_FROM: '+15017122662',
        NOTIFICATIONS_SMS_SECONDARY_BASE_URL: twilio.url,
        NOTIFICATIONS_SMS_STATUS_CALLBACK_URL: PUBLIC_CALLBACK,
      },
    });
    app = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    config = t.app.get<NotificationsConfig>(notificationsConfig.token);
  });
  afterAll(async () => {
    await t?.close();
    await twilio?.close();
    await db?.drop();
  });
  let seeded: string[] = [];
  beforeEach(() => (seeded = []));

  /** A `sent` SMS of this provider with Twilio's id, as the dispatcher leaves one it handed over. */
  const recordSent = async (provider: string, providerMessageId: string): Promise<void> => {
    const [requestId, messageId, userId] = [newId(), newId(), newId()];
    await sql(db.url, "insert into notifications.requests (id, user_id, template_key, fingerprint) values ($1, $2, 'test-sms', 'test')", [requestId, userId]);
    await sql(
      db.url,
      `insert into notifications.messages (id, request_id, user_id, template_key, category, channel, status, provider, provider_message_id)
       values ($1, $2, $3, 'test-sms', 'security', 'sms', 'sent', $4, $5)`,
      [messageId, requestId, userId, provider, providerMessageId],
    );
    seeded.push(messageId);
  };
  /** What the callbacks moved: the timeline entries of this test's messages, oldest first. */
  const reports = async (): Promise<TimelineReport[]> =>
    (
      await sql<{ provider: string; provider_message_id: string; status: string; reason: string | null }>(
        db.url,
        `select t.provider, m.provider_message_id, t.status, t.reason from notifications.message_timeline t
           join notifications.messages m on m.id = t.message_id where t.message_id = any($1::uuid[]) order by t.id`,
        [seeded],
      )
    ).map((r) => ({ provider: r.provider, providerMessageId: r.provider_message_id, status: r.status, ...(r.reason ? { reason: r.reason } : {}) }));

  const sendThrough = async (index: number) => {
    const outcome = await smsProviders(config)[index]!.send({ messageId: newId(), channel: 'sms', to: '+4915112345678', text: 'Your code is 118822' });
    if (outcome.kind !== 'accepted') throw new Error(`not accepted: ${JSON.stringify(outcome)}`);
    await recordSent(index === 0 ? 'twilio-primary' : 'twilio-secondary', outcome.providerMessageId);
    return outcome.providerMessageId;
  };

  it('records sent, delivered and undelivered (with the error code) from the account that sent the message', async () => {
    const sid = await sendThrough(0);
    expect((await twilio.sendStatus(sid, 'sent', { deliverTo: app })).status).toBe(204);
    expect((await twilio.sendStatus(sid, 'delivered', { deliverTo: app })).status).toBe(204);
    const other = await sendThrough(1);
    expect((await twilio.sendStatus(other, 'undelivered', { deliverTo: app, errorCode: 30003 })).status).toBe(204);
    // `sent` for a message already sent moves nothing; delivered and undelivered do
    expect(await reports()).toEqual([
      { provider: 'twilio-primary', providerMessageId: sid, status: 'delivered' },
      { provider: 'twilio-secondary', providerMessageId: other, status: 'failed', reason: 'twilio 30003: unreachable handset' },
    ]);
  });

  it('acknowledges the statuses before sent without recording them', async () => {
    const sid = await sendThrough(0);
    for (const status of ['queued', 'sending', 'accepted']) expect((await twilio.sendStatus(sid, status, { deliverTo: app })).status).toBe(204);
    expect(await reports()).toEqual([]);
  });

  it('refuses with 403 problem+json, recording nothing: another token, a changed parameter, no signature, or the other account’s token', async () => {
    const sid = await sendThrough(0);
    const attempts = [
      await twilio.sendStatus(sid, 'delivered', { deliverTo: app, signWith: 'forger-auth-token-000' }),
      await twilio.sendStatus(sid, 'delivered', { deliverTo: app, tamper: { MessageStatus: 'failed' } }),
      await twilio.sendStatus(sid, 'delivered', { deliverTo: app, tamper: { ErrorCode: '30003' } }),
      await twilio.sendStatus(sid, 'delivered', { deliverTo: app, signature: null }),
      await twilio.sendStatus(sid, 'delivered', { deliverTo: app, signature: 'x'.repeat(28) }),
      await twilio.sendStatus(sid, 'delivered', { deliverTo: app, signWith: secondary.authToken }),
    ];
    for (const answer of attempts) {
      expect(answer.status).toBe(403);
      expect(answer.contentType).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(answer.body)).toMatchObject({ status: 403, code: 'TWILIO_SIGNATURE_INVALID' });
      expect(answer.body).not.toContain(primary.authToken);
    }
    expect(await reports()).toEqual([]);
  });

  it('verifies over the configured public URL, not the address the request reached', async () => {
    // Signed over the app's own address (what a caller who bypassed Kong would sign): refused.
    const sid = await sendThrough(0);
    const params = { AccountSid: primary.accountSid, MessageSid: sid, MessageStatus: 'delivered' };
    const response = await fetch(`${app}/v1/notifications/callbacks/twilio`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(primary.authToken, `${app}/v1/notifications/callbacks/twilio`, params),
      },
      body: new URLSearchParams(params).toString(),
    });
    expect(response.status).toBe(403);
    // The same parameters signed over the public URL (with the default port spelled out, as Twilio sometimes signs it): recorded.
    const signed = await fetch(`${app}/v1/notifications/callbacks/twilio`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(primary.authToken, 'https://api.skyro.test:443/v1/notifications/callbacks/twilio', params),
      },
      body: new URLSearchParams(params).toString(),
    });
    expect(signed.status).toBe(204);
    expect(await reports()).toEqual([{ provider: 'twilio-primary', providerMessageId: sid, status: 'delivered' }]);
  });

  it('refuses malformed callbacks with 400 naming the field, and forms on routes that do not take them with 415', async () => {
    const post = (body: string, path = '/v1/notifications/callbacks/twilio') =>
      t.http().post(path).set('content-type', 'application/x-www-form-urlencoded').set('x-twilio-signature', 'sig').send(body);
    const badSid = await post(`AccountSid=${primary.accountSid}&MessageSid=SM123&MessageStatus=delivered`);
    expect([badSid.status, badSid.body.errors?.[0]?.field]).toEqual([400, 'MessageSid']);
    const badStatus = await post(`AccountSid=${primary.accountSid}&MessageSid=${sidOf('SM')}&MessageStatus=exploded`);
    expect([badStatus.status, badStatus.body.errors?.[0]?.field]).toEqual([400, 'MessageStatus']);
    const repeated = await post(`AccountSid=${primary.accountSid}&MessageSid=${sidOf('SM')}&MessageSid=${sidOf('SM')}&MessageStatus=sent`);
    expect([repeated.status, repeated.body.errors?.[0]?.field]).toEqual([400, 'MessageSid']);
    const many = await post(Array.from({ length: 200 }, (_, i) => `p${i}=1`).join('&'));
    expect([many.status, many.body.code]).toEqual([400, 'FORM_TOO_LARGE']);
    const elsewhere = await post('platform=fcm', '/v1/notifications/devices');
    expect([elsewhere.status, elsewhere.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    expect(await reports()).toEqual([]);
  });
});
