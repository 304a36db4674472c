import { Injectable } from '@nestjs/common';
import { DomainError } from '../../shared-kernel';
import { Cache } from '../cache/cache';

/** Sliding-window rate limits in the shared cache; over the limit is 429 with Retry-After. */
@Injectable()
export class RateLimiter {
  constructor(private readonly cache: Cache) {}

  /** Records a hit on `key`; throws RATE_LIMITED when the window already holds `limit` hits. */
  async consume(key: string, limit: number, windowMs: number, code = 'RATE_LIMITED'): Promise<void> {
    const now = Date.now();
    const { count, oldestMs } = await this.cache.hit(`rate:${key}`, windowMs, now);
    if (count > limit) {
      const retryAfterSeconds = Math.max(1, Math.ceil((oldestMs + windowMs - now) / 1000));
      throw new DomainError('rate_limited', code, `Too many attempts; retry in ${retryAfterSeconds} s`, { retryAfterSeconds });
    }
  }

}
