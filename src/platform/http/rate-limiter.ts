import { Injectable } from '@nestjs/common';
import { DomainError } from '@shared-kernel';
import { Cache } from '../cache/cache';

/** Sliding-window rate limits in the shared cache; over the limit is 429 with Retry-After. */
@Injectable()
export class RateLimiter {
  constructor(private readonly cache: Cache) {}

  /** Records a hit on `key`; throws RATE_LIMITED when the window already holds `limit` hits. */
  async consume(key: string, limit: number, windowMs: number, code = 'RATE_LIMITED'): Promise<void> {
    const now = Date.now();
    const { count, oldestMs } = await this.cache.hit(`rate:${key}`, windowMs, now);
    if (count > limit) throw limited(code, oldestMs + windowMs - now);
  }

  /**
   * Throws when `key` already holds `limit` hits, without recording one: lockouts count
   * only failures (recorded with `consume`), yet must also stop the attempts in between.
   */
  async check(key: string, limit: number, windowMs: number, code = 'RATE_LIMITED'): Promise<void> {
    const now = Date.now();
    const { count, oldestMs } = await this.cache.peekWindow(`rate:${key}`, windowMs, now);
    if (count >= limit) throw limited(code, oldestMs + windowMs - now);
  }

  /** Forgets the hits on `key` (e.g. an account's failed logins after a success). */
  async reset(key: string): Promise<void> {
    await this.cache.delete(`rate:${key}`);
  }
}

function limited(code: string, waitMs: number): DomainError {
  const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new DomainError('rate_limited', code, `Too many attempts; retry in ${retryAfterSeconds} s`, { retryAfterSeconds });
}
