import { Injectable } from '@nestjs/common';
import { DomainError } from '@shared-kernel';
import { SessionStore } from '@platform/auth/sessions';
import { UnitOfWork } from '@platform/database/unit-of-work';

export const RECENT_SECONDS = 300;

/**
 * For operations that would let a stolen access token take over or destroy an account
 * (adding a passkey or authenticator, exporting or erasing personal data): a user with a
 * second factor must have used it in the last five minutes (step-up); a user without one
 * must have signed in with their password in the last five minutes. Unlike the platform's
 * @RequiresStepUp, this never locks out users who have no second factor (GDPR rights
 * must stay exercisable).
 */
@Injectable()
export class RecentAuthentication {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly sessions: SessionStore,
  ) {}

  async assert(userId: string, sessionId: string): Promise<void> {
    const session = await this.sessions.get(sessionId);
    const { rows } = await this.uow.query<{ mfa: boolean }>(
      `select exists (select 1 from identity.totp_factors where user_id = $1 and confirmed_at is not null)
           or exists (select 1 from identity.webauthn_credentials where user_id = $1) as mfa`,
      [userId],
    );
    const cutoff = Date.now() - RECENT_SECONDS * 1000;
    if (rows[0]?.mfa) {
      if (session?.secondFactorAt && session.secondFactorAt >= cutoff) return;
      throw new DomainError('unauthorized', 'STEP_UP_REQUIRED', `Confirm with a second factor (within the last ${RECENT_SECONDS} s) first`, {
        extensions: { maxAgeSeconds: RECENT_SECONDS },
      });
    }
    if (session && (session.createdAt >= cutoff || (session.secondFactorAt ?? 0) >= cutoff)) return;
    throw new DomainError('unauthorized', 'REAUTHENTICATION_REQUIRED', `Sign in again (within the last ${RECENT_SECONDS} s) first`, {
      extensions: { maxAgeSeconds: RECENT_SECONDS },
    });
  }
}
