import { Injectable } from '@nestjs/common';
import { DomainError } from '@shared-kernel';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { AuditLog } from '@modules/identity/infrastructure/audit-log';
import { MfaChallenges } from '@modules/identity/infrastructure/mfa-challenges';
import { PasswordHasher } from '@modules/identity/infrastructure/password-hasher';
import { LoginThrottle } from '@modules/identity/infrastructure/login-throttle';
import { SecondFactors } from '@modules/identity/infrastructure/second-factors';
import { SessionTokens, type TokenSet } from '@modules/identity/infrastructure/session-tokens';
import { UserRecords, type UserRow } from '@modules/identity/infrastructure/user-records';
import type { RequestMeta } from '../request-meta';

export type LoginResult =
  | { readonly status: 'authenticated'; readonly tokens: TokenSet }
  | { readonly status: 'mfa_required'; readonly challenge: { token: string; expiresIn: number; methods: string[] } };

export const invalidCredentials = () => new DomainError('unauthorized', 'INVALID_CREDENTIALS', 'The email or password is wrong');

/**
 * Password sign-in, under the lockout (LoginThrottle). Unknown accounts cost the same
 * argon2 time as known ones. Status is disclosed only after the right password.
 */
@Injectable()
export class Login {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserRecords,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly secondFactors: SecondFactors,
    private readonly challenges: MfaChallenges,
    private readonly sessions: SessionTokens,
    private readonly audit: AuditLog,
  ) {}

  async execute(command: { email: string; password: string }, meta: RequestMeta): Promise<LoginResult> {
    const user = await this.users.byEmail(this.uow, command.email);
    try {
      await this.throttle.check(command.email, meta.ip);
    } catch (error) {
      await this.audit.record({ type: 'login.locked_out', subjectId: user?.id ?? null, ip: meta.ip });
      throw error;
    }

    const ok = user?.password_hash ? await this.hasher.verify(user.password_hash, command.password) : await this.hasher.verifyDecoy(command.password);
    if (!ok || !user) {
      await this.throttle.failed(command.email, meta.ip);
      await this.audit.record({
        type: 'login.failed',
        subjectId: user?.id ?? null,
        ip: meta.ip,
        details: { reason: user ? 'wrong_password' : 'unknown_account' },
      });
      throw invalidCredentials();
    }
    await this.throttle.succeeded(command.email);
    assertMaySignIn(user);
    if (this.hasher.needsRehash(user.password_hash!)) {
      const rehashed = await this.hasher.hash(command.password);
      await this.uow.query('update identity.users set password_hash = $2 where id = $1', [user.id, rehashed]);
    }

    return this.uow.run(async (tx) => {
      const methods = await this.secondFactors.methods(tx, user.id);
      if (methods.length > 0) {
        const challenge = await this.challenges.create({ userId: user.id, amr: ['pwd'] });
        return { status: 'mfa_required' as const, challenge: { ...challenge, methods } };
      }
      await this.audit.append(tx, { type: 'login.succeeded', actorId: user.id, subjectId: user.id, ip: meta.ip, details: { amr: ['pwd'] } });
      const tokens = await this.sessions.start({ userId: user.id, roles: user.roles, amr: ['pwd'], secondFactor: false, ...meta }, tx);
      return { status: 'authenticated' as const, tokens };
    });
  }
}

/** Only active accounts get sessions; the others learn why (after proving the password). */
export function assertMaySignIn(user: UserRow): void {
  if (user.status === 'active') return;
  if (user.status === 'pending') throw new DomainError('forbidden', 'EMAIL_NOT_VERIFIED', 'Verify your email address first');
  if (user.status === 'closed') throw invalidCredentials();
  throw new DomainError('forbidden', 'ACCOUNT_LOCKED', 'This account is locked; contact support');
}
