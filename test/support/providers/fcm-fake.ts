import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import type { Server } from 'node:http';
import { jwtVerify } from 'jose';
import { recordSecrets } from '../run-logs';
import { answerScripted, close, listen, Script, sendJson } from './local-server';

/*
 * A local Google OAuth token endpoint and FCM HTTP v1 API. The token endpoint takes the
 * RFC 7523 grant (grant_type jwt-bearer) and verifies the RS256 assertion with the service
 * account's public key (issuer, audience = its own URL, scope, lifetime at most an hour);
 * messages:send takes only bearer tokens it issued and not revoked, and answers like FCM:
 * {name} on success, {error: {code, message, status, details: [FcmError {errorCode}]}} on
 * failure (UNREGISTERED for tokens it was told are gone, INVALID_ARGUMENT with a
 * BadRequest field violation for malformed ones, 503 UNAVAILABLE for tokens it was told are
 * unavailable), scripted answers otherwise.
 */

export interface FcmSend {
  readonly bearer: string;
  readonly body: { message: { token: string; notification?: { title?: string; body?: string }; data?: Record<string, string> } };
}

const FCM_ERROR = 'type.googleapis.com/google.firebase.fcm.v1.FcmError';

export function fcmError(status: number, code: string, message: string, extra: unknown[] = []) {
  return {
    error: { code: status, message, status: code === 'UNREGISTERED' ? 'NOT_FOUND' : code, details: [{ '@type': FCM_ERROR, errorCode: code }, ...extra] },
  };
}

export class FcmFake {
  readonly script = new Script();
  /** Scripted answers of the token endpoint. */
  readonly tokenScript = new Script();
  readonly sends: FcmSend[] = [];
  tokenExchanges = 0;
  readonly unregistered = new Set<string>();
  readonly malformed = new Set<string>();
  /** Tokens answered 503 UNAVAILABLE (a transient failure for that device only). */
  readonly unavailable = new Set<string>();
  readonly serviceAccount: { client_email: string; private_key: string; private_key_id: string; token_uri: string };
  private readonly publicKey: KeyObject;
  private readonly issued = new Set<string>();
  private server?: Server;
  url = '';

  constructor(readonly projectId = 'skyro-test-project') {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.publicKey = publicKey;
    this.serviceAccount = {
      client_email: `notifications@${projectId}.iam.gserviceaccount.com`,
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      private_key_id: randomBytes(20).toString('hex'),
      token_uri: '',
    };
  }

  async start(): Promise<this> {
    const { server, url } = await listen(async (req, res, body) => {
      if (req.method === 'POST' && req.url === '/token') return this.token(req.headers['content-type'], body, res);
      const send = /^\/v1\/projects\/([^/]+)\/messages:send$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !send) return sendJson(res, 404, { error: { code: 404, message: 'Not Found', status: 'NOT_FOUND' } });
      const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!bearer || !this.issued.has(bearer)) {
        return sendJson(res, 401, {
          error: { code: 401, message: 'Request had invalid authentication credentials. Expected OAuth 2 access token.', status: 'UNAUTHENTICATED' },
        });
      }
      if (send[1] !== this.projectId) return sendJson(res, 403, { error: { code: 403, message: 'Permission denied', status: 'PERMISSION_DENIED' } });
      if (answerScripted(this.script, res)) return;
      let parsed: FcmSend['body'];
      try {
        parsed = JSON.parse(body.toString('utf8')) as FcmSend['body'];
      } catch {
        return sendJson(res, 400, { error: { code: 400, message: 'Invalid JSON payload received.', status: 'INVALID_ARGUMENT' } });
      }
      const token = parsed?.message?.token;
      if (typeof token !== 'string') return sendJson(res, 400, fcmError(400, 'INVALID_ARGUMENT', 'Recipient of the message is not set.'));
      recordSecrets([token, parsed.message.notification?.body ?? '', parsed.message.notification?.title ?? '']);
      this.sends.push({ bearer, body: parsed });
      if (this.unregistered.has(token)) return sendJson(res, 404, fcmError(404, 'UNREGISTERED', 'Requested entity was not found.'));
      if (this.unavailable.has(token)) return sendJson(res, 503, fcmError(503, 'UNAVAILABLE', 'The service is currently unavailable.'));
      if (this.malformed.has(token)) {
        return sendJson(
          res,
          400,
          fcmError(400, 'INVALID_ARGUMENT', 'The registration token is not a valid FCM registration token', [
            { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'message.token', description: 'Invalid registration token' }] },
          ]),
        );
      }
      sendJson(res, 200, { name: `projects/${this.projectId}/messages/0:${Date.now()}%${randomBytes(8).toString('hex')}` });
    });
    this.server = server;
    this.url = url;
    this.serviceAccount.token_uri = `${url}/token`;
    recordSecrets([this.serviceAccount.private_key]);
    return this;
  }

  /** Every access token issued so far stops working (as when Google revokes them). */
  revokeTokens(): void {
    this.issued.clear();
  }

  async close(): Promise<void> {
    if (this.server) await close(this.server);
  }

  private async token(contentType: string | undefined, body: Buffer, res: import('node:http').ServerResponse): Promise<void> {
    this.tokenExchanges++;
    if (answerScripted(this.tokenScript, res)) return;
    if (!/^application\/x-www-form-urlencoded\b/.test(contentType ?? '')) return sendJson(res, 400, { error: 'invalid_request' });
    const form = new URLSearchParams(body.toString('utf8'));
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return sendJson(res, 400, { error: 'unsupported_grant_type' });
    try {
      const { payload, protectedHeader } = await jwtVerify(form.get('assertion') ?? '', this.publicKey, {
        algorithms: ['RS256'],
        issuer: this.serviceAccount.client_email,
        audience: this.serviceAccount.token_uri,
        maxTokenAge: '1h',
      });
      if (protectedHeader.kid !== this.serviceAccount.private_key_id) throw new Error('kid');
      if (typeof payload.exp !== 'number' || payload.exp - (payload.iat ?? 0) > 3600) throw new Error('lifetime');
      if (!String(payload['scope']).split(' ').includes('https://www.googleapis.com/auth/firebase.messaging')) throw new Error('scope');
    } catch {
      return sendJson(res, 400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
    }
    const accessToken = `ya29.${randomBytes(32).toString('base64url')}`;
    this.issued.add(accessToken);
    recordSecrets([accessToken]);
    sendJson(res, 200, { access_token: accessToken, expires_in: 3599, token_type: 'Bearer' });
  }
}
