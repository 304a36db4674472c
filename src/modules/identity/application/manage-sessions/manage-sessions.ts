import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@shared-kernel';
import { assertCanAccess } from '@platform/auth/ownership';
import type { Principal } from '@platform/auth/principal';
import { SessionStore, type Session } from '@platform/auth/sessions';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { AuditLog } from '@modules/identity/infrastructure/audit-log';
import { SessionTokens } from '@modules/identity/infrastructure/session-tokens';
import type { RequestMeta } from '../request-meta';

const sessionNotFound = () => new NotFoundError('SESSION_NOT_FOUND', 'No such session');

/** A user's own sessions: list (device, IP, last seen), end one, end all ("log out everywhere"). */
@Injectable()
export class ManageSessions {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly store: SessionStore,
    private readonly tokens: SessionTokens,
    private readonly audit: AuditLog,
  ) {}

  list(userId: string): Promise<Session[]> {
    return this.store.listForUser(userId);
  }

  /** Ends one session: the owner's, or anyone's for staff holding sessions:revoke. */
  async revoke(principal: Principal, sessionId: string, meta: RequestMeta): Promise<void> {
    const session = await this.store.get(sessionId);
    if (!session) throw sessionNotFound();
    assertCanAccess(principal, session.userId, 'sessions:revoke', sessionNotFound);
    await this.uow.run(async (tx) => {
      await this.tokens.revokeSessions(tx, [sessionId], principal.subject === session.userId ? 'user_logout' : 'staff_revoked');
      await this.audit.append(tx, { type: 'session.revoked', actorId: principal.subject, subjectId: session.userId, ip: meta.ip, details: { sessionId } });
    });
  }

  /** Ends every session of the user, the current one included. */
  async revokeAll(principal: Principal, userId: string, meta: RequestMeta): Promise<number> {
    return this.uow.run(async (tx) => {
      const ended = await this.tokens.revokeAllSessions(tx, userId, principal.subject === userId ? 'user_logout_all' : 'staff_revoked');
      await this.audit.append(tx, {
        type: 'session.revoked_all',
        actorId: principal.subject,
        subjectId: userId,
        ip: meta.ip,
        details: { sessions: ended.length },
      });
      return ended.length;
    });
  }
}
