import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../../../platform/database/unit-of-work';
import { AuditLog } from '../../infrastructure/audit-log';
import { NotificationRequests } from '../../infrastructure/notification-requests';
import { PasswordHasher } from '../../infrastructure/password-hasher';
import { PasswordRules } from '../../infrastructure/password-rules';
import { SessionTokens } from '../../infrastructure/session-tokens';
import { userNotFound, UserRecords } from '../../infrastructure/user-records';
import { invalidCredentials } from '../login/login.handler';
import type { RequestMeta } from '../request-meta';

/** Changes the password (current one required); every other session of the user ends. */
@Injectable()
export class ChangePasswordHandler {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserRecords,
    private readonly hasher: PasswordHasher,
    private readonly rules: PasswordRules,
    private readonly tokens: SessionTokens,
    private readonly notifications: NotificationRequests,
    private readonly audit: AuditLog,
  ) {}

  async execute(userId: string, sessionId: string | undefined, command: { currentPassword: string; newPassword: string }, meta: RequestMeta): Promise<void> {
    const user = await this.users.byId(this.uow, userId);
    const personal = user ? await this.users.personalData(this.uow, user) : null;
    if (!user?.password_hash || !personal) throw userNotFound();
    if (!(await this.hasher.verify(user.password_hash, command.currentPassword))) {
      await this.audit.record({ type: 'login.failed', subjectId: userId, ip: meta.ip, details: { reason: 'wrong_current_password' } });
      throw invalidCredentials();
    }
    this.rules.assertAcceptable(command.newPassword, [personal.email, personal.name], 'newPassword');
    const hash = await this.hasher.hash(command.newPassword);
    await this.uow.run(async (tx) => {
      await tx.query('update identity.users set password_hash = $2, updated_at = now() where id = $1', [userId, hash]);
      await this.tokens.revokeAllSessions(tx, userId, 'password_changed', sessionId);
      await this.notifications.request(tx, userId, 'password-changed');
      await this.audit.append(tx, { type: 'password.changed', actorId: userId, subjectId: userId, ip: meta.ip });
    });
  }
}
