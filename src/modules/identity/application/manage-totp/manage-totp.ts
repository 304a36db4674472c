import { Injectable } from '@nestjs/common';
import { Secret } from 'otpauth';
import { ConflictError, DomainError } from '@shared-kernel';
import { SessionStore } from '@platform/auth/sessions';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { AuditLog } from '@modules/identity/infrastructure/audit-log';
import { acceptedStep, SecondFactors, TOTP_SECRET, totpFor } from '@modules/identity/infrastructure/second-factors';
import { userNotFound, UserRecords } from '@modules/identity/infrastructure/user-records';
import type { RequestMeta } from '../request-meta';

/**
 * TOTP enrolment: a new secret (encrypted under the user's data key) and its otpauth://
 * URI for a QR code; confirming with a first code activates it and returns ten recovery
 * codes, shown once. Removal and new recovery codes need a recent second factor (step-up).
 */
@Injectable()
export class ManageTotp {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserRecords,
    private readonly secondFactors: SecondFactors,
    private readonly sessions: SessionStore,
    private readonly audit: AuditLog,
  ) {}

  async enrol(userId: string): Promise<{ secret: string; otpauthUri: string }> {
    return this.uow.run(async (tx) => {
      const user = await this.users.byId(tx, userId, true);
      const personal = user ? await this.users.personalData(tx, user) : null;
      if (!user || !personal) throw userNotFound();
      const { rows } = await tx.query<{ confirmed_at: Date | null }>('select confirmed_at from identity.totp_factors where user_id = $1', [userId]);
      if (rows[0]?.confirmed_at) throw new ConflictError('MFA_ALREADY_ENROLLED', 'An authenticator app is already set up; remove it first');
      const secret = new Secret({ size: 20 }).base32;
      await tx.query(
        `insert into identity.totp_factors (user_id, secret) values ($1, $2)
         on conflict (user_id) do update set secret = excluded.secret, created_at = now(), last_used_step = 0`,
        [userId, await this.users.seal(tx, userId, TOTP_SECRET, secret)],
      );
      return { secret, otpauthUri: totpFor(secret, personal.email).toString() };
    });
  }

  async confirm(userId: string, sessionId: string | undefined, code: string, meta: RequestMeta): Promise<{ recoveryCodes: string[] }> {
    const codes = await this.uow.run(async (tx) => {
      const { rows } = await tx.query<{ secret: Buffer; confirmed_at: Date | null }>(
        'select secret, confirmed_at from identity.totp_factors where user_id = $1 for update',
        [userId],
      );
      const factor = rows[0];
      if (!factor || factor.confirmed_at) throw new ConflictError('MFA_NOT_PENDING', 'Start the enrolment first');
      const secret = await this.users.unseal(tx, userId, TOTP_SECRET, factor.secret);
      const step = secret ? acceptedStep(secret, code) : null;
      if (step === null)
        throw new DomainError('validation', 'MFA_CODE_MISMATCH', 'The code does not match; check the device clock and try again', {
          errors: [{ field: 'code', message: 'code does not match' }],
        });
      await tx.query('update identity.totp_factors set confirmed_at = now(), last_used_step = $2 where user_id = $1', [userId, step]);
      const recoveryCodes = await this.secondFactors.newRecoveryCodes(tx, userId);
      await this.audit.append(tx, { type: 'mfa.totp_enrolled', actorId: userId, subjectId: userId, ip: meta.ip });
      return recoveryCodes;
    });
    if (sessionId) await this.sessions.recordSecondFactor(sessionId);
    return { recoveryCodes: codes };
  }

  async remove(userId: string, meta: RequestMeta): Promise<void> {
    await this.uow.run(async (tx) => {
      const { rowCount } = await tx.query('delete from identity.totp_factors where user_id = $1', [userId]);
      if (rowCount === 0) throw new DomainError('unprocessable', 'MFA_NOT_ENROLLED', 'No authenticator app is set up');
      await tx.query('delete from identity.recovery_codes where user_id = $1', [userId]);
      await this.audit.append(tx, { type: 'mfa.totp_removed', actorId: userId, subjectId: userId, ip: meta.ip });
    });
  }

  async regenerateRecoveryCodes(userId: string, meta: RequestMeta): Promise<{ recoveryCodes: string[] }> {
    return this.uow.run(async (tx) => {
      if (!(await this.secondFactors.methods(tx, userId)).includes('totp'))
        throw new DomainError('unprocessable', 'MFA_NOT_ENROLLED', 'No authenticator app is set up');
      const recoveryCodes = await this.secondFactors.newRecoveryCodes(tx, userId);
      await this.audit.append(tx, { type: 'mfa.recovery_codes_generated', actorId: userId, subjectId: userId, ip: meta.ip });
      return { recoveryCodes };
    });
  }
}
