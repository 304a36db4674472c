import { createPrivateKey, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import type { ApnsConfig } from '@modules/notifications/notifications.config';

/** Apple answers 429 TooManyProviderTokenUpdates to a new token within 20 minutes of the last. */
export const MIN_TOKEN_AGE_MS = 20 * 60 * 1000;

/**
 * APNs provider authentication tokens: an ES256 JWT (header kid = the key id, claims iss =
 * the team id and iat), reused for `tokenRefreshSeconds` (20 to 59 minutes: Apple refuses
 * tokens older than an hour and refreshes more often than every 20 minutes).
 */
export class ApnsProviderTokens {
  private readonly key: KeyObject;
  private cached?: { readonly token: string; readonly issuedAt: number };

  constructor(
    private readonly config: ApnsConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.key = createPrivateKey(config.privateKeyPem);
  }

  /** The current token; `expired` (APNs said ExpiredProviderToken for it) gets a new one unless the current one is younger than 20 minutes. */
  async get(expired?: string): Promise<string> {
    const now = this.now();
    const age = this.cached ? now - this.cached.issuedAt : Infinity;
    const replace = age >= this.config.tokenRefreshSeconds * 1000 || (expired !== undefined && expired === this.cached?.token && age >= MIN_TOKEN_AGE_MS);
    if (this.cached && !replace) return this.cached.token;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: this.config.keyId })
      .setIssuer(this.config.teamId)
      .setIssuedAt(Math.floor(now / 1000))
      .sign(this.key);
    this.cached = { token, issuedAt: now };
    return token;
  }
}
