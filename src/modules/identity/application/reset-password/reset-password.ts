import { Injectable } from '@nestjs/common';
import { DomainError } from '@shared-kernel';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { AuditLog } from '@modules/identity/infrastructure/audit-log';
import { NotificationRequests } from '@modules/identity/infrastructure/notification-requests';
import { PasswordReplacement } from '@modules/identity/infrastructure/password-replacement';
import { UserRecords } from '@modules/identity/infrastructure/user-records';
import type { RequestMeta } from '../request-meta';

/** Forgotten password: a one-time link by email, then a new password that ends every session. */
@Injectable()
export class ResetPassword {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserRecords,
    private readonly replacement: PasswordReplacement,
    private readonly notifications: NotificationRequests,
    private readonly audit: AuditLog,
  ) {}

  /** Same answer whether or not the email is known (no account enumeration). */
  async request(email: string, meta: RequestMeta): Promise<void> {
    await this.uow.run(async (tx) => {
      const user = await this.users.byEmail(tx, email);
      // Pending accounts verify their email first; locked ones are staff business.
      if (user?.status !== 'active') return;
      await this.notifications.request(tx, user.id, 'password-reset');
      await this.audit.append(tx, { type: 'password.reset_requested', subjectId: user.id, ip: meta.ip });
    });
  }

  async confirm(token: string, newPassword: string, meta: RequestMeta): Promise<void> {
    // The policy needs the user's email and name; the token is consumed only with a valid password.
    const userId = await this.peek(token);
    const user = userId ? await this.users.byId(this.uow, userId) : null;
    const personal = user ? await this.users.personalData(this.uow, user) : null;
    if (!user || !personal) throw tokenInvalid();
    const hash = await this.replacement.prepare(newPassword, personal);
    await this.uow.run(async (tx) => {
      if ((await this.notifications.consume(tx, 'password_reset', token)) !== user.id) throw tokenInvalid();
      await this.replacement.apply(tx, user.id, hash, { type: 'password.reset', ip: meta.ip });
    });
  }

  private async peek(token: string): Promise<string | null> {
    const { rows } = await this.uow.query<{ user_id: string }>(
      `select user_id from identity.one_time_tokens where token_hash = sha256(convert_to($1, 'UTF8')) and purpose = 'password_reset' and used_at is null and expires_at > now()`,
      [token],
    );
    return rows[0]?.user_id ?? null;
  }
}

const tokenInvalid = () => new DomainError('validation', 'TOKEN_INVALID', 'The reset link is invalid, expired or already used');
