import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Bearer secrets (refresh tokens, one-time tokens, client secrets, codes): 256 random
 * bits, URL-safe, with a prefix that says what they are (secret scanners match on it).
 * They are high-entropy, so a plain SHA-256 is the right stored form: nothing to brute-force,
 * and a lookup by hash stays an index hit.
 */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
