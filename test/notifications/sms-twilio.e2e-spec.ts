import { newId } from '@shared-kernel';
import type { OutboundMessage } from '@modules/notifications/channels/channel-provider';
import { smsProviders, TwilioSmsProvider } from '@modules/notifications/channels/sms';
import { notificationsConfig } from '@modules/notifications/notifications.config';
import { close, listen } from '../support/providers/local-server';
import { settingsOf } from '../support/providers/settings';
import { sidOf, twilioError, TwilioFake } from '../support/providers/twilio-fake';

const sms = (to: string, text = 'Your Skyro code is 493817'): OutboundMessage => ({ messageId: newId(), channel: 'sms', to, text });
const TO = '+4915112345678';

/*
 * The Twilio SMS provider against a local server speaking Twilio's REST API: every answer
 * class Twilio gives (201, its error JSON for recipient and account errors, 429 and 5xx with
 * Retry-After, bodies that are not Twilio's, no answer at all) becomes the outcome the
 * dispatcher acts on.
 */
describe('SMS through Twilio', () => {
  const primary = { accountSid: sidOf('AC'), authToken: 'primary-auth-token-0001' };
  const secondary = { accountSid: sidOf('AC'), authToken: 'secondary-auth-token-02', apiKey: { sid: sidOf('SK'), secret: 'secondary-key-secret-03' } };
  const messagingService = sidOf('MG');
  let twilio: TwilioFake;
  let providers: ReturnType<typeof smsProviders>;

  beforeAll(async () => {
    twilio = await new TwilioFake([primary, secondary]).start();
    providers = smsProviders(
      settingsOf({
        NOTIFICATIONS_SMS_PRIMARY_ACCOUNT_SID: primary.accountSid,
        NOTIFICATIONS_SMS_PRIMARY_AUTH_TOKEN: primary.authToken,
        NOTIFICATIONS_SMS_PRIMARY_FROM: '+15017122661',
        NOTIFICATIONS_SMS_PRIMARY_BASE_URL: twilio.url,
        NOTIFICATIONS_SMS_SECONDARY_ACCOUNT_SID: secondary.accountSid,
        NOTIFICATIONS_SMS_SECONDARY_API_KEY_SID: secondary.apiKey.sid,
        NOTIFICATIONS_SMS_SECONDARY_API_KEY_SECRET: secondary.apiKey.secret,
        NOTIFICATIONS_SMS_SECONDARY_MESSAGING_SERVICE_SID: messagingService,
        NOTIFICATIONS_SMS_SECONDARY_BASE_URL: twilio.url,
        NOTIFICATIONS_SMS_STATUS_CALLBACK_URL: 'https://api.skyro.test/v1/notifications/callbacks/twilio',
      }),
    );
  });
  afterEach(() => twilio.script.clear());
  afterAll(() => twilio?.close());
  const [first, second] = [() => providers[0]!, () => providers[1]!];

  it('has the primary, then the secondary account, in failover order', () => {
    expect(providers.map((p) => [p.name, p.channel])).toEqual([
      ['twilio-primary', 'sms'],
      ['twilio-secondary', 'sms'],
    ]);
    expect(smsProviders(settingsOf({}))).toEqual([]);
  });

  it('sends with Basic auth of the account (From) or of an API key (MessagingServiceSid), with the StatusCallback, and answers the SID', async () => {
    const viaAccount = await first().send(sms(TO));
    const viaKey = await second().send(sms(TO, 'Second'));
    expect(viaAccount).toEqual({ kind: 'accepted', providerMessageId: expect.stringMatching(/^SM[0-9a-f]{32}$/), latencyMs: expect.any(Number) });
    expect(viaKey).toMatchObject({ kind: 'accepted' });
    const [a, b] = twilio.received.slice(-2);
    expect(a).toEqual({
      sid: (viaAccount as { providerMessageId: string }).providerMessageId,
      accountSid: primary.accountSid,
      username: primary.accountSid,
      form: { To: TO, Body: 'Your Skyro code is 493817', From: '+15017122661', StatusCallback: 'https://api.skyro.test/v1/notifications/callbacks/twilio' },
    });
    expect(b).toMatchObject({
      accountSid: secondary.accountSid,
      username: secondary.apiKey.sid,
      form: { MessagingServiceSid: messagingService, Body: 'Second' },
    });
    expect(b!.form).not.toHaveProperty('From');
  });

  it("is permanent for Twilio's recipient errors, naming the code and never the number", async () => {
    const cases: Array<[string, number]> = [
      ['+15005550001', 21211],
      ['+15005550002', 21612],
      ['+15005550003', 21408],
      ['+15005550004', 21610],
      ['+15005550009', 21614],
    ];
    for (const [to, code] of cases) {
      const outcome = await first().send(sms(to));
      expect(outcome).toEqual({ kind: 'permanent', reason: expect.stringContaining(`twilio ${code}:`), latencyMs: expect.any(Number) });
      expect((outcome as { reason: string }).reason).not.toContain(to.slice(1));
    }
    expect(await first().send(sms(TO, 'x'.repeat(1601)))).toMatchObject({ kind: 'permanent', reason: 'message longer than 1600 characters' });
    expect(await first().send(sms('004915112345678'))).toMatchObject({ kind: 'permanent', reason: 'recipient is not an E.164 phone number' });
  });

  it('is transient for 429 and 5xx, with the Retry-After Twilio gave (seconds or an HTTP date)', async () => {
    twilio.script.push(
      { status: 429, headers: { 'content-type': 'application/json', 'retry-after': '7' }, body: JSON.stringify(twilioError(20429, 'Too Many Requests', 429)) },
      {
        status: 503,
        headers: { 'content-type': 'application/json', 'retry-after': new Date(Date.now() + 120_000).toUTCString() },
        body: JSON.stringify(twilioError(20503, 'Service unavailable', 503)),
      },
      { status: 500, headers: { 'content-type': 'application/json' }, body: JSON.stringify(twilioError(20500, 'Internal Server Error', 500)) },
      {
        status: 400,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(twilioError(21611, "This 'From' number has exceeded the maximum number of queued messages", 400)),
      },
    );
    const limited = await first().send(sms(TO));
    expect(limited).toEqual({ kind: 'transient', reason: 'twilio 20429: too many requests (HTTP 429)', retryAfterMs: 7000, latencyMs: expect.any(Number) });
    const unavailable = await first().send(sms(TO));
    expect(unavailable).toMatchObject({ kind: 'transient', reason: 'twilio 20503: Twilio unavailable (HTTP 503)' });
    expect((unavailable as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(60_000);
    expect((unavailable as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(120_000);
    const internal = await first().send(sms(TO));
    expect(internal).toMatchObject({ kind: 'transient', reason: 'twilio 20500: Twilio internal error (HTTP 500)' });
    expect(internal).not.toHaveProperty('retryAfterMs');
    expect(await first().send(sms(TO))).toMatchObject({ kind: 'transient', reason: 'twilio 21611: From number queue full (HTTP 400)' });
  });

  it('is transient for wrong credentials (the account is at fault, not the message: the secondary may take it)', async () => {
    const wrong = new TwilioSmsProvider(
      {
        name: 'twilio-primary',
        accountSid: primary.accountSid,
        username: primary.accountSid,
        password: 'not-the-auth-token',
        baseUrl: twilio.url,
        from: '+15017122661',
      },
      { timeoutMs: 10_000 },
    );
    expect(await wrong.send(sms(TO))).toMatchObject({ kind: 'transient', reason: 'twilio 20003: authentication failed (HTTP 401)' });
  });

  it('is transient, with a clear reason, for bodies that are not Twilio’s: an HTML error page, a 201 without a SID, an unknown 4xx body', async () => {
    twilio.script.push(
      { status: 502, headers: { 'content-type': 'text/html' }, body: '<html><body>Bad gateway</body></html>' },
      { status: 201, headers: { 'content-type': 'application/json' }, body: '{"sid": 12' },
      { status: 400, headers: { 'content-type': 'text/plain' }, body: 'nope' },
    );
    expect(await first().send(sms(TO))).toMatchObject({ kind: 'transient', reason: 'twilio HTTP 502' });
    expect(await first().send(sms(TO))).toMatchObject({
      kind: 'transient',
      reason: 'twilio answered 201 without a message SID (unreadable body; the message may have been sent)',
    });
    expect(await first().send(sms(TO))).toMatchObject({ kind: 'transient', reason: 'twilio answered 400 with an unreadable body' });
  });

  it('is transient when Twilio does not answer in time, or cannot be reached', async () => {
    const account = {
      name: 'twilio-primary' as const,
      accountSid: primary.accountSid,
      username: primary.accountSid,
      password: primary.authToken,
      from: '+15017122661',
    };
    twilio.script.push({ hang: true });
    const slow = new TwilioSmsProvider({ ...account, baseUrl: twilio.url }, { timeoutMs: 300 });
    expect(await slow.send(sms(TO))).toMatchObject({ kind: 'transient', reason: 'twilio timeout: no answer within 300 ms (the message may have been sent)' });

    const { server, url } = await listen(() => undefined);
    await close(server);
    const gone = new TwilioSmsProvider({ ...account, baseUrl: url }, { timeoutMs: 5_000 });
    expect(await gone.send(sms(TO))).toMatchObject({ kind: 'transient', reason: 'twilio network: ECONNREFUSED (the message may have been sent)' });
  });

  it('refuses incomplete or mistyped account settings at boot, naming the variable', () => {
    const sidA = sidOf('AC');
    expect(() => settingsOf({ NOTIFICATIONS_SMS_PRIMARY_ACCOUNT_SID: sidA, NOTIFICATIONS_SMS_PRIMARY_FROM: '+15017122661' })).toThrow(
      'Invalid configuration: NOTIFICATIONS_SMS_PRIMARY_AUTH_TOKEN (or an API key) is required with NOTIFICATIONS_SMS_PRIMARY_ACCOUNT_SID',
    );
    expect(() => settingsOf({ NOTIFICATIONS_SMS_SECONDARY_ACCOUNT_SID: sidA, NOTIFICATIONS_SMS_SECONDARY_AUTH_TOKEN: 'a-long-token' })).toThrow(
      'Invalid configuration: NOTIFICATIONS_SMS_SECONDARY_FROM or NOTIFICATIONS_SMS_SECONDARY_MESSAGING_SERVICE_SID is required with NOTIFICATIONS_SMS_SECONDARY_ACCOUNT_SID',
    );
    expect(() => settingsOf({ NOTIFICATIONS_SMS_PRIMARY_AUTH_TOKEN: 'a-long-token' })).toThrow('NOTIFICATIONS_SMS_PRIMARY_ACCOUNT_SID is required');
    expect(() =>
      settingsOf(
        {
          NOTIFICATIONS_SMS_PRIMARY_ACCOUNT_SID: sidA,
          NOTIFICATIONS_SMS_PRIMARY_AUTH_TOKEN: 'a-long-token',
          NOTIFICATIONS_SMS_PRIMARY_FROM: '+15017122661',
          NOTIFICATIONS_SMS_PRIMARY_BASE_URL: 'http://127.0.0.1:1',
        },
        'production',
      ),
    ).toThrow('Invalid configuration: NOTIFICATIONS_SMS_PRIMARY_BASE_URL must be an https URL in production');
    expect(notificationsConfig.variables.safeParse({ NOTIFICATIONS_SMS_PRIMARY_ACCOUNT_SID: 'AC123' }).success).toBe(false);
  });
});
