import { Injectable } from '@nestjs/common';
import { UnprocessableError } from '@shared-kernel';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { Outbox } from '@platform/messaging/outbox';
import { UserLocked, UserUnlocked } from '@modules/identity/contract';
import { canChangeStatus, type AdminSettableStatus } from '@modules/identity/domain/user-status';
import { AuditLog } from '@modules/identity/infrastructure/audit-log';
import { SessionTokens } from '@modules/identity/infrastructure/session-tokens';
import { userNotFound, UserRecords } from '@modules/identity/infrastructure/user-records';
import type { RequestMeta } from '../request-meta';

/** Staff lock, disable or reactivate an account; locking ends its sessions at once. */
@Injectable()
export class ChangeUserStatus {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserRecords,
    private readonly tokens: SessionTokens,
    private readonly outbox: Outbox,
    private readonly audit: AuditLog,
  ) {}

  async execute(actorId: string, userId: string, status: AdminSettableStatus, meta: RequestMeta): Promise<{ status: AdminSettableStatus }> {
    if (actorId === userId) throw new UnprocessableError('CANNOT_CHANGE_OWN_STATUS', 'Another member of staff must change your status');
    await this.uow.run(async (tx) => {
      const user = await this.users.byId(tx, userId, true);
      if (!user) throw userNotFound();
      if (!canChangeStatus(user.status, status)) {
        throw new UnprocessableError('STATUS_TRANSITION_NOT_ALLOWED', `An account that is ${user.status} cannot become ${status}`);
      }
      await this.users.setStatus(tx, userId, status);
      if (status === 'active') {
        await this.outbox.append(tx, 'identity', [UserUnlocked(userId, { userId, by: actorId })]);
      } else {
        await this.tokens.revokeAllSessions(tx, userId, `account_${status}`);
        await this.outbox.append(tx, 'identity', [UserLocked(userId, { userId, status, by: actorId })]);
      }
      await this.audit.append(tx, { type: 'user.status_changed', actorId, subjectId: userId, ip: meta.ip, details: { from: user.status, to: status } });
    });
    return { status };
  }
}
