import { Injectable } from '@nestjs/common';
import { DomainError } from '@shared-kernel';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { Outbox } from '@platform/messaging/outbox';
import { UserClosed } from '@modules/identity/contract';
import { AuditLog } from '@modules/identity/infrastructure/audit-log';
import { SessionTokens } from '@modules/identity/infrastructure/session-tokens';
import { userNotFound, UserRecords } from '@modules/identity/infrastructure/user-records';
import type { RequestMeta } from '../request-meta';

/**
 * Closes an account and erases its personal data (GDPR Art. 17) by crypto-shredding:
 * the user's wrapped data key is destroyed, so the stored ciphertexts (profile, TOTP
 * seed, pending tokens) can never be decrypted again, and the email blind index is
 * cleared. The user id, status and audit trail stay: ledger history and other contexts
 * keep referring to it.
 */
@Injectable()
export class CloseAccount {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserRecords,
    private readonly tokens: SessionTokens,
    private readonly outbox: Outbox,
    private readonly audit: AuditLog,
  ) {}

  async execute(actorId: string, userId: string, meta: RequestMeta): Promise<void> {
    await this.uow.run(async (tx) => {
      const user = await this.users.byId(tx, userId, true);
      if (!user) throw userNotFound();
      if (user.status === 'closed') throw new DomainError('conflict', 'USER_ALREADY_CLOSED', 'This account is already closed');
      await tx.query(`update identity.user_keys set wrapped_key = null, destroyed_at = now() where user_id = $1`, [userId]);
      await tx.query(
        `update identity.users set status = 'closed', closed_at = now(), updated_at = now(), email_index = null, password_hash = null where id = $1`,
        [userId],
      );
      for (const table of ['totp_factors', 'recovery_codes', 'webauthn_credentials'])
        await tx.query(`delete from identity.${table} where user_id = $1`, [userId]);
      await tx.query('update identity.one_time_tokens set used_at = coalesce(used_at, now()), delivery = null where user_id = $1', [userId]);
      await this.tokens.revokeAllSessions(tx, userId, 'account_closed');
      const closedAt = new Date().toISOString();
      await this.outbox.append(tx, 'identity', [UserClosed(userId, { userId, closedAt, erased: true })]);
      await this.audit.append(tx, { type: 'user.closed', actorId, subjectId: userId, ip: meta.ip, details: { erased: true } });
    });
  }
}
