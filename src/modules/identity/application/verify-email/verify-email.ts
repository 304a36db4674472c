import { Injectable } from '@nestjs/common';
import { DomainError } from '@shared-kernel';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { Outbox } from '@platform/messaging/outbox';
import { UserVerified } from '@modules/identity/contract';
import { AuditLog } from '@modules/identity/infrastructure/audit-log';
import { NotificationRequests } from '@modules/identity/infrastructure/notification-requests';
import { UserRecords } from '@modules/identity/infrastructure/user-records';
import type { RequestMeta } from '../request-meta';

/** Email verification: redeeming the emailed token makes the pending account active. */
@Injectable()
export class VerifyEmail {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserRecords,
    private readonly notifications: NotificationRequests,
    private readonly outbox: Outbox,
    private readonly audit: AuditLog,
  ) {}

  async execute(token: string, meta: RequestMeta): Promise<{ status: 'active' }> {
    return this.uow.run(async (tx) => {
      const userId = await this.notifications.consume(tx, 'verify_email', token);
      const user = userId ? await this.users.byId(tx, userId, true) : null;
      if (!user || user.status !== 'pending') {
        throw new DomainError('validation', 'TOKEN_INVALID', 'The verification link is invalid, expired or already used');
      }
      await tx.query(`update identity.users set status = 'active', email_verified_at = now(), updated_at = now() where id = $1`, [user.id]);
      await this.outbox.append(tx, 'identity', [UserVerified(user.id, { userId: user.id, verifiedAt: new Date().toISOString() })]);
      await this.audit.append(tx, { type: 'user.email_verified', actorId: user.id, subjectId: user.id, ip: meta.ip });
      return { status: 'active' as const };
    });
  }

  /** A new link for a still-pending account (the old one stops working); same answer for any address. */
  async resend(email: string): Promise<void> {
    await this.uow.run(async (tx) => {
      const user = await this.users.byEmail(tx, email);
      if (user?.status === 'pending') await this.notifications.request(tx, user.id, 'verify-email');
    });
  }
}
