import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { twilioSignature } from '@modules/notifications/channels/sms';
import { recordSecrets } from '../run-logs';
import { answerScripted, close, listen, Script, sendJson } from './local-server';

/*
 * A local Twilio Programmable Messaging API (POST /2010-04-01/Accounts/{Sid}/Messages.json)
 * speaking Twilio's wire format: HTTP Basic auth with the account SID and auth token or an
 * API key SID and secret, form bodies, 201 with the message resource, Twilio's error JSON
 * ({code, message, more_info, status}) for bad credentials, missing parameters and Twilio's
 * magic test numbers, and scripted answers (429 with Retry-After, 5xx, garbage, no answer).
 * It keeps each message's StatusCallback and can post a signed status callback to the app.
 */

export interface TwilioAccount {
  readonly accountSid: string;
  readonly authToken: string;
  readonly apiKey?: { readonly sid: string; readonly secret: string };
}

export interface ReceivedMessage {
  readonly sid: string;
  readonly accountSid: string;
  /** Who authenticated: the account SID or the API key SID. */
  readonly username: string;
  readonly form: Readonly<Record<string, string>>;
}

/** Twilio's magic numbers for test credentials (https://www.twilio.com/docs/iam/test-credentials): the error each To gets. */
const MAGIC_TO: Record<string, { code: number; message: string }> = {
  '+15005550001': { code: 21211, message: "The 'To' number +15005550001 is not a valid phone number." },
  '+15005550002': { code: 21612, message: "The 'To' phone number: +15005550002, is not currently reachable using the 'From' phone number via SMS." },
  '+15005550003': { code: 21408, message: 'Permission to send an SMS has not been enabled for the region indicated by the To number: +15005550003.' },
  '+15005550004': { code: 21610, message: 'Attempt to send to unsubscribed recipient' },
  '+15005550009': { code: 21614, message: "'To' number +15005550009 is not a valid mobile number" },
};

export const sidOf = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

export class TwilioFake {
  readonly script = new Script();
  readonly received: ReceivedMessage[] = [];
  private server?: Server;
  url = '';

  constructor(private readonly accounts: readonly TwilioAccount[]) {
    recordSecrets(accounts.flatMap((a) => [a.authToken, ...(a.apiKey ? [a.apiKey.secret] : [])]));
  }

  async start(): Promise<this> {
    const { server, url } = await listen((req, res, body) => {
      const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !match) return sendJson(res, 404, twilioError(20404, 'The requested resource was not found', 404));
      const account = this.authenticate(req.headers.authorization);
      if (!account) return sendJson(res, 401, twilioError(20003, 'Authenticate', 401), { 'www-authenticate': 'Basic realm="Twilio API"' });
      if (account.account.accountSid !== match[1]) return sendJson(res, 404, twilioError(20404, 'The requested resource was not found', 404));
      if (answerScripted(this.script, res)) return;
      if (!/^application\/x-www-form-urlencoded\b/.test(req.headers['content-type'] ?? '')) {
        return sendJson(res, 400, twilioError(21602, 'Message body is required.', 400));
      }
      const form = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
      recordSecrets([form['To'] ?? '', form['Body'] ?? '']);
      if (!form['To']) return sendJson(res, 400, twilioError(21604, "A 'To' phone number is required.", 400));
      if (!form['Body']) return sendJson(res, 400, twilioError(21602, 'Message body is required.', 400));
      if (!form['From'] && !form['MessagingServiceSid']) return sendJson(res, 400, twilioError(21603, "A 'From' phone number is required.", 400));
      if (form['Body'].length > 1600) return sendJson(res, 400, twilioError(21617, 'The concatenated message body exceeds the 1600 character limit.', 400));
      const magic = MAGIC_TO[form['To']];
      if (magic) return sendJson(res, 400, twilioError(magic.code, magic.message, 400));
      const sid = sidOf('SM');
      this.received.push({ sid, accountSid: account.account.accountSid, username: account.username, form });
      sendJson(res, 201, {
        sid,
        account_sid: account.account.accountSid,
        to: form['To'],
        from: form['From'] ?? null,
        messaging_service_sid: form['MessagingServiceSid'] ?? null,
        body: form['Body'],
        status: 'queued',
        num_segments: String(Math.ceil(form['Body'].length / 153)),
        direction: 'outbound-api',
        api_version: '2010-04-01',
        date_created: new Date().toUTCString(),
        error_code: null,
        error_message: null,
        uri: `/2010-04-01/Accounts/${account.account.accountSid}/Messages/${sid}.json`,
      });
    });
    this.server = server;
    this.url = url;
    return this;
  }

  async close(): Promise<void> {
    if (this.server) await close(this.server);
  }

  /**
   * Posts Twilio's status callback for a message it accepted: to `deliverTo` (the app's own
   * address; Kong's in production) at the path of the message's StatusCallback, signed over
   * the StatusCallback URL itself, as Twilio signs the URL it was given. `signWith` overrides
   * the auth token (a forger's), `tamper` changes a parameter after signing.
   */
  async sendStatus(
    sid: string,
    status: string,
    options: { deliverTo: string; errorCode?: number; signWith?: string; tamper?: Record<string, string>; signature?: string | null },
  ): Promise<{ status: number; contentType: string | null; body: string }> {
    const message = this.received.find((m) => m.sid === sid);
    if (!message) throw new Error(`twilio fake: no message ${sid}`);
    const callback = message.form['StatusCallback'];
    if (!callback) throw new Error(`twilio fake: message ${sid} has no StatusCallback`);
    const account = this.accounts.find((a) => a.accountSid === message.accountSid)!;
    const params: Record<string, string> = {
      ApiVersion: '2010-04-01',
      AccountSid: message.accountSid,
      MessageSid: sid,
      SmsSid: sid,
      MessageStatus: status,
      SmsStatus: status,
      To: message.form['To']!,
      ...(message.form['From'] ? { From: message.form['From'] } : {}),
      ...(message.form['MessagingServiceSid'] ? { MessagingServiceSid: message.form['MessagingServiceSid'] } : {}),
      ...(options.errorCode !== undefined ? { ErrorCode: String(options.errorCode) } : {}),
    };
    const signature = options.signature === undefined ? twilioSignature(options.signWith ?? account.authToken, callback, params) : options.signature;
    const target = new URL(callback);
    const response = await fetch(`${options.deliverTo}${target.pathname}${target.search}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        'user-agent': 'TwilioProxy/1.1',
        'i-twilio-idempotency-token': sidOf(''),
        ...(signature === null ? {} : { 'x-twilio-signature': signature }),
      },
      body: new URLSearchParams({ ...params, ...options.tamper }).toString(),
    });
    return { status: response.status, contentType: response.headers.get('content-type'), body: await response.text() };
  }

  private authenticate(header: string | undefined): { account: TwilioAccount; username: string } | undefined {
    const [scheme, credentials = ''] = (header ?? '').split(' ', 2);
    if (scheme !== 'Basic') return undefined;
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const [username, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
    for (const account of this.accounts) {
      if (username === account.accountSid && password === account.authToken) return { account, username };
      if (account.apiKey && username === account.apiKey.sid && password === account.apiKey.secret) return { account, username };
    }
    return undefined;
  }
}

export function twilioError(code: number, message: string, status: number) {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}
