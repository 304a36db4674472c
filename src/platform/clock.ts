import { Injectable } from '@nestjs/common';

/**
 * The time the business rules see (hold expiry, interest days, statement periods).
 * Injected rather than read from Date.now(), so tests can move time instead of waiting.
 */
@Injectable()
export class Clock {
  now(): number {
    return Date.now();
  }
}
