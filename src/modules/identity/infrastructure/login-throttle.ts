import { Inject, Injectable } from '@nestjs/common';
import { identityConfig, type IdentityConfig } from '../identity.config';
import { RateLimiter } from '@platform/http/rate-limiter';
import { PersonalDataCipher } from './personal-data-cipher';

/**
 * Password-guessing limits (ADR 9), wherever a password is checked (sign-in, password
 * change): failures per account — keyed by the email's blind index, so unknown addresses
 * lock the same way — and per client IP, in sliding windows. At the limit every attempt is
 * 429 LOGIN_LOCKED with Retry-After until failures age out.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly cipher: PersonalDataCipher,
    @Inject(identityConfig.token) private readonly config: IdentityConfig,
  ) {}

  async check(email: string, ip: string | null): Promise<void> {
    const { accountMaxFailures, ipMaxFailures } = this.config.login;
    const { ipKey, accountKey, windowMs } = this.keys(email, ip);
    await this.limiter.check(ipKey, ipMaxFailures, windowMs, 'LOGIN_LOCKED');
    await this.limiter.check(accountKey, accountMaxFailures, windowMs, 'LOGIN_LOCKED');
  }

  async failed(email: string, ip: string | null): Promise<void> {
    const { ipKey, accountKey, windowMs } = this.keys(email, ip);
    await Promise.all([this.limiter.consume(ipKey, Number.MAX_SAFE_INTEGER, windowMs), this.limiter.consume(accountKey, Number.MAX_SAFE_INTEGER, windowMs)]);
  }

  /** The right password clears the account's failures (not the IP's). */
  async succeeded(email: string): Promise<void> {
    await this.limiter.reset(this.keys(email, null).accountKey);
  }

  private keys(email: string, ip: string | null) {
    return {
      ipKey: `login-ip:${ip ?? 'unknown'}`,
      accountKey: `login-account:${this.cipher.emailIndex(email).toString('hex')}`,
      windowMs: this.config.login.failureWindowSeconds * 1000,
    };
  }
}
