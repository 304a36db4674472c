import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { AuditLog } from '@modules/identity/infrastructure/audit-log';
import { LoginThrottle } from '@modules/identity/infrastructure/login-throttle';
import { PasswordHasher } from '@modules/identity/infrastructure/password-hasher';
import { PasswordReplacement } from '@modules/identity/infrastructure/password-replacement';
import { userNotFound, UserRecords } from '@modules/identity/infrastructure/user-records';
import { invalidCredentials } from '../login/login';
import type { RequestMeta } from '../request-meta';

/**
 * Changes the password (current one required, under the sign-in lockout: a stolen access
 * token must not become a password-guessing oracle); every other session of the user ends.
 */
@Injectable()
export class ChangePassword {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserRecords,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly replacement: PasswordReplacement,
    private readonly audit: AuditLog,
  ) {}

  async execute(userId: string, sessionId: string | undefined, command: { currentPassword: string; newPassword: string }, meta: RequestMeta): Promise<void> {
    const user = await this.users.byId(this.uow, userId);
    const personal = user ? await this.users.personalData(this.uow, user) : null;
    if (!user?.password_hash || !personal) throw userNotFound();
    await this.throttle.check(personal.email, meta.ip);
    if (!(await this.hasher.verify(user.password_hash, command.currentPassword))) {
      await this.throttle.failed(personal.email, meta.ip);
      await this.audit.record({ type: 'login.failed', subjectId: userId, ip: meta.ip, details: { reason: 'wrong_current_password' } });
      throw invalidCredentials();
    }
    await this.throttle.succeeded(personal.email);
    const hash = await this.replacement.prepare(command.newPassword, personal);
    await this.uow.run((tx) => this.replacement.apply(tx, userId, hash, { type: 'password.changed', keepSessionId: sessionId, ip: meta.ip }));
  }
}
