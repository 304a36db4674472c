import { Injectable } from '@nestjs/common';
import { DomainError } from '@shared-kernel';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { AuditLog } from '@modules/identity/infrastructure/audit-log';
import { MfaChallenges } from '@modules/identity/infrastructure/mfa-challenges';
import { SecondFactors } from '@modules/identity/infrastructure/second-factors';
import { SessionTokens, type TokenSet } from '@modules/identity/infrastructure/session-tokens';
import { UserRecords } from '@modules/identity/infrastructure/user-records';
import { assertMaySignIn } from '../login/login';
import type { RequestMeta } from '../request-meta';

/** Second step of an MFA sign-in: the challenge from the password step plus a TOTP or recovery code. */
@Injectable()
export class CompleteMfaLogin {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserRecords,
    private readonly challenges: MfaChallenges,
    private readonly secondFactors: SecondFactors,
    private readonly sessions: SessionTokens,
    private readonly audit: AuditLog,
  ) {}

  async execute(command: { challengeToken: string; code?: string; recoveryCode?: string }, meta: RequestMeta): Promise<TokenSet> {
    const challenge = await this.challenges.get(command.challengeToken);
    if (!challenge) throw new DomainError('unauthorized', 'MFA_CHALLENGE_INVALID', 'The sign-in challenge is invalid or expired; sign in again');
    try {
      const tokens = await this.uow.run(async (tx) => {
        const user = await this.users.byId(tx, challenge.userId);
        if (!user) throw new DomainError('unauthorized', 'MFA_CHALLENGE_INVALID', 'The sign-in challenge is invalid or expired; sign in again');
        assertMaySignIn(user);
        const method = await this.secondFactors.verify(tx, user.id, command);
        const amr = [...challenge.amr, 'mfa', ...(method === 'otp' ? ['otp'] : [])];
        if (method === 'recovery') await this.audit.append(tx, { type: 'mfa.recovery_code_used', actorId: user.id, subjectId: user.id, ip: meta.ip });
        await this.audit.append(tx, { type: 'login.succeeded', actorId: user.id, subjectId: user.id, ip: meta.ip, details: { amr } });
        return this.sessions.start({ userId: user.id, roles: user.roles, amr, secondFactor: true, ...meta }, tx);
      });
      await this.challenges.finish(command.challengeToken);
      return tokens;
    } catch (error) {
      if (error instanceof DomainError && (error.code === 'MFA_CODE_INVALID' || error.code === 'MFA_LOCKED')) {
        await this.audit.record({ type: 'login.mfa_failed', subjectId: challenge.userId, ip: meta.ip, details: { reason: error.code } });
      }
      throw error;
    }
  }
}
