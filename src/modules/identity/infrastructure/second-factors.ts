import { createHmac, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Secret, TOTP } from 'otpauth';
import { DomainError } from '@shared-kernel';
import type { Tx } from '@platform/database/unit-of-work';
import { RateLimiter } from '@platform/http/rate-limiter';
import { identityConfig, type IdentityConfig } from '../identity.config';
import { IDENTITY_KEYS } from './identity.tokens';
import type { IdentityKeys } from './identity-keys';
import { UserRecords } from './user-records';

export const TOTP_SECRET = 'totp-secret';
const RECOVERY_CODES = 10;
const BASE32 = 'ABCDEFGHJKMNPQRSTVWXYZ23456789'.split('');

export function totpFor(secret: string, label: string): TOTP {
  return new TOTP({ issuer: 'Skyro', label, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
}

/**
 * TOTP (RFC 6238) and recovery-code checks shared by MFA sign-in and step-up. A TOTP code
 * is accepted once (the last used time step is kept) within ±1 step; recovery codes are
 * single use and stored as a keyed hash. Failures count per user: after 5 in 15 minutes,
 * 429 MFA_LOCKED, so six digits cannot be guessed online.
 */
@Injectable()
export class SecondFactors {
  constructor(
    private readonly users: UserRecords,
    private readonly limiter: RateLimiter,
    @Inject(IDENTITY_KEYS) private readonly keys: IdentityKeys,
    @Inject(identityConfig.token) private readonly config: IdentityConfig,
  ) {}

  async methods(tx: Tx, userId: string): Promise<string[]> {
    const { rows } = await tx.query<{ totp: boolean; recovery: boolean }>(
      `select exists (select 1 from identity.totp_factors where user_id = $1 and confirmed_at is not null) as totp,
              exists (select 1 from identity.recovery_codes where user_id = $1 and used_at is null) as recovery`,
      [userId],
    );
    return rows[0]?.totp ? ['totp', ...(rows[0].recovery ? ['recovery_code'] : [])] : [];
  }

  /** Checks a TOTP code or a recovery code; returns the RFC 8176 method used, or throws. */
  async verify(tx: Tx, userId: string, input: { code?: string; recoveryCode?: string }): Promise<'otp' | 'recovery'> {
    const key = `mfa-failures:${userId}`;
    const windowMs = this.config.login.failureWindowSeconds * 1000;
    await this.limiter.check(key, 5, windowMs, 'MFA_LOCKED');
    const ok =
      input.code !== undefined
        ? await this.checkTotp(tx, userId, input.code)
        : input.recoveryCode !== undefined
          ? await this.useRecoveryCode(tx, userId, input.recoveryCode)
          : false;
    if (!ok) {
      await this.limiter.consume(key, 5, windowMs, 'MFA_LOCKED');
      throw new DomainError('unauthorized', 'MFA_CODE_INVALID', 'The code is wrong, expired or already used');
    }
    await this.limiter.reset(key);
    return input.code !== undefined ? 'otp' : 'recovery';
  }

  /** Replaces the user's recovery codes; returns the new ones (shown once). */
  async newRecoveryCodes(tx: Tx, userId: string): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODES }, () => {
      const chars = [...randomBytes(12)].map((b) => BASE32[b % BASE32.length]).join('');
      return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
    });
    await tx.query('delete from identity.recovery_codes where user_id = $1', [userId]);
    await tx.query('insert into identity.recovery_codes (user_id, code_hash) select $1, unnest($2::bytea[])', [
      userId,
      codes.map((c) => this.codeHash(userId, c)),
    ]);
    return codes;
  }

  private async checkTotp(tx: Tx, userId: string, code: string): Promise<boolean> {
    const { rows } = await tx.query<{ secret: Buffer; last_used_step: string }>(
      'select secret, last_used_step from identity.totp_factors where user_id = $1 and confirmed_at is not null for update',
      [userId],
    );
    const factor = rows[0];
    if (!factor) return false;
    const secret = await this.users.unseal(tx, userId, TOTP_SECRET, factor.secret);
    if (!secret) return false;
    const step = acceptedStep(secret, code);
    if (step === null || step <= Number(factor.last_used_step)) return false;
    await tx.query('update identity.totp_factors set last_used_step = $2 where user_id = $1', [userId, step]);
    return true;
  }

  private async useRecoveryCode(tx: Tx, userId: string, code: string): Promise<boolean> {
    const { rowCount } = await tx.query('update identity.recovery_codes set used_at = now() where user_id = $1 and code_hash = $2 and used_at is null', [
      userId,
      this.codeHash(userId, code),
    ]);
    return rowCount === 1;
  }

  private codeHash(userId: string, code: string): Buffer {
    const normalized = code.toUpperCase().replace(/[^A-Z0-9]/g, '');
    return createHmac('sha256', this.keys.blindIndexKey).update(`recovery:${userId}:${normalized}`).digest();
  }
}

/** The time step a code belongs to (±1 step of clock drift), or null. */
export function acceptedStep(secret: string, code: string, now = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totpFor(secret, 'x').validate({ token: code, timestamp: now, window: 1 });
  return delta === null ? null : Math.floor(now / 30_000) + delta;
}
