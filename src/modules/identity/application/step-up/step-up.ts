import { Injectable } from '@nestjs/common';
import { DomainError } from '@shared-kernel';
import { SessionStore } from '@platform/auth/sessions';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { AuditLog } from '@modules/identity/infrastructure/audit-log';
import { SecondFactors } from '@modules/identity/infrastructure/second-factors';
import type { RequestMeta } from '../request-meta';

/**
 * Step-up: a second factor now, for this session. Routes marked @RequiresStepUp(n)
 * (platform guard) accept the session for n seconds after it.
 */
@Injectable()
export class StepUp {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly secondFactors: SecondFactors,
    private readonly sessions: SessionStore,
    private readonly audit: AuditLog,
  ) {}

  async execute(userId: string, sessionId: string, input: { code?: string; recoveryCode?: string }, meta: RequestMeta): Promise<{ secondFactorAt: string }> {
    try {
      await this.uow.run(async (tx) => {
        if ((await this.secondFactors.methods(tx, userId)).length === 0) {
          throw new DomainError('unprocessable', 'MFA_NOT_ENROLLED', 'Set up an authenticator app (or a passkey) first');
        }
        const method = await this.secondFactors.verify(tx, userId, input);
        await this.audit.append(tx, { type: 'mfa.step_up', actorId: userId, subjectId: userId, ip: meta.ip, details: { method, sessionId } });
      });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'MFA_CODE_INVALID')
        await this.audit.record({ type: 'login.mfa_failed', subjectId: userId, ip: meta.ip, details: { reason: 'step_up' } });
      throw error;
    }
    return this.record(sessionId);
  }

  async record(sessionId: string): Promise<{ secondFactorAt: string }> {
    const at = Date.now();
    await this.sessions.recordSecondFactor(sessionId, at);
    return { secondFactorAt: new Date(at).toISOString() };
  }
}
