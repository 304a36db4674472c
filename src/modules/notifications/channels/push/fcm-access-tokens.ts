import { createPrivateKey, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import type { FcmConfig } from '@modules/notifications/notifications.config';
import { jsonOf, post } from '../provider-http';

const SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
/** A token is replaced this long before Google says it expires, so none expires in flight. */
const EXPIRY_MARGIN_MS = 5 * 60 * 1000;

export class AccessTokenError extends Error {
  override readonly name = 'AccessTokenError';
}

/**
 * OAuth 2.0 access tokens for FCM from a service account (RFC 7523, as Google's token
 * endpoint takes it): an RS256 JWT assertion signed with the account's private key,
 * exchanged at its token_uri. The token is cached until shortly before it expires; callers
 * that need one at the same time share one exchange.
 */
export class FcmAccessTokens {
  private readonly key: KeyObject;
  private cached?: { readonly token: string; readonly refreshAt: number };
  private pending?: Promise<string>;

  constructor(
    private readonly config: FcmConfig,
    private readonly timeoutMs: number,
  ) {
    this.key = createPrivateKey(config.privateKeyPem);
  }

  /** A valid token; `replacing` a token the API refused gets a new one (unless another caller already replaced it). */
  async get(replacing?: string): Promise<string> {
    if (this.cached && this.cached.token !== replacing && Date.now() < this.cached.refreshAt) return this.cached.token;
    this.pending ??= this.exchange().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async exchange(): Promise<string> {
    const assertion = await new SignJWT({ scope: SCOPE })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...(this.config.privateKeyId ? { kid: this.config.privateKeyId } : {}) })
      .setIssuer(this.config.clientEmail)
      .setSubject(this.config.clientEmail)
      .setAudience(this.config.tokenUri)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(this.key);
    const answer = await post(
      this.config.tokenUri,
      {
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
      },
      this.timeoutMs,
    );
    if (answer.kind === 'failure') throw new AccessTokenError(`fcm oauth ${answer.reason}: ${answer.detail}`);
    const body = jsonOf(answer.text) as { access_token?: unknown; expires_in?: unknown; error?: unknown } | undefined;
    if (answer.status !== 200 || !body || typeof body.access_token !== 'string' || body.access_token.length === 0) {
      const error = body && typeof body.error === 'string' && /^[a-z_]{1,40}$/.test(body.error) ? ` ${body.error}` : '';
      throw new AccessTokenError(`fcm oauth answered ${answer.status}${error}${body ? '' : ' with an unreadable body'}`);
    }
    const expiresInMs = (typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600) * 1000;
    this.cached = { token: body.access_token, refreshAt: Date.now() + Math.max(expiresInMs - EXPIRY_MARGIN_MS, expiresInMs / 2) };
    return body.access_token;
  }
}
