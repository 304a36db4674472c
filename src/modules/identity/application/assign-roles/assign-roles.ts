import { Injectable } from '@nestjs/common';
import { UnprocessableError } from '@shared-kernel';
import type { Role } from '@platform/auth/principal';
import { SessionStore } from '@platform/auth/sessions';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { Outbox } from '@platform/messaging/outbox';
import { UserRolesChanged } from '@modules/identity/contract';
import { AuditLog } from '@modules/identity/infrastructure/audit-log';
import { userNotFound, UserRecords } from '@modules/identity/infrastructure/user-records';
import type { RequestMeta } from '../request-meta';

/** Admin sets a user's roles; every live session of the user gets them at once. */
@Injectable()
export class AssignRoles {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserRecords,
    private readonly sessions: SessionStore,
    private readonly outbox: Outbox,
    private readonly audit: AuditLog,
  ) {}

  async execute(adminId: string, userId: string, roles: readonly Role[], meta: RequestMeta): Promise<{ roles: Role[] }> {
    // Separation of duties: nobody grants themselves anything (or locks themselves out).
    if (adminId === userId) throw new UnprocessableError('CANNOT_CHANGE_OWN_ROLES', 'Another admin must change your roles');
    const next = [...new Set(roles)].sort();
    await this.uow.run(async (tx) => {
      const user = await this.users.byId(tx, userId, true);
      if (!user || user.status === 'closed') throw userNotFound();
      await tx.query('update identity.users set roles = $2, updated_at = now() where id = $1', [userId, next]);
      await this.outbox.append(tx, 'identity', [UserRolesChanged(userId, { userId, roles: next, by: adminId })]);
      await this.audit.append(tx, { type: 'user.roles_changed', actorId: adminId, subjectId: userId, ip: meta.ip, details: { from: user.roles, to: next } });
    });
    await this.sessions.updateRoles(userId, next);
    return { roles: next };
  }
}
