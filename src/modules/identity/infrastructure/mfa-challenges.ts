import { Injectable } from '@nestjs/common';
import { Cache } from '@platform/cache/cache';
import { newSecret, sha256 } from './secrets';

export interface MfaChallenge {
  readonly userId: string;
  /** Methods already passed (pwd). */
  readonly amr: readonly string[];
}

const TTL_MS = 5 * 60_000;

/** The half-finished sign-in between the password and the second factor: single use, five minutes. */
@Injectable()
export class MfaChallenges {
  constructor(private readonly cache: Cache) {}

  async create(challenge: MfaChallenge): Promise<{ token: string; expiresIn: number }> {
    const token = newSecret('skr_mfa');
    await this.cache.set(key(token), JSON.stringify(challenge), TTL_MS);
    return { token, expiresIn: TTL_MS / 1000 };
  }

  async get(token: string): Promise<MfaChallenge | null> {
    const raw = await this.cache.get(key(token));
    return raw ? (JSON.parse(raw) as MfaChallenge) : null;
  }

  async finish(token: string): Promise<void> {
    await this.cache.delete(key(token));
  }
}

const key = (token: string) => `mfa-challenge:${sha256(token).toString('hex')}`;
