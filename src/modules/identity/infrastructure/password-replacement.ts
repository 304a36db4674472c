import { Injectable } from '@nestjs/common';
import type { Tx } from '@platform/database/unit-of-work';
import type { PersonalData } from '../domain/personal-data';
import { AuditLog } from './audit-log';
import { NotificationRequests } from './notification-requests';
import { PasswordHasher } from './password-hasher';
import { PasswordRules } from './password-rules';
import { SessionTokens } from './session-tokens';

/** Setting a new password, the same way for a change and a reset. */
@Injectable()
export class PasswordReplacement {
  constructor(
    private readonly hasher: PasswordHasher,
    private readonly rules: PasswordRules,
    private readonly tokens: SessionTokens,
    private readonly notifications: NotificationRequests,
    private readonly audit: AuditLog,
  ) {}

  /** The policy, then the hash: outside any transaction (no connection held while hashing). */
  async prepare(newPassword: string, personal: PersonalData): Promise<string> {
    this.rules.assertAcceptable(newPassword, [personal.email, personal.name], 'newPassword');
    return this.hasher.hash(newPassword);
  }

  /** Stores it, ends the user's sessions (but `keepSessionId`), tells the user, records it. */
  async apply(
    tx: Tx,
    userId: string,
    hash: string,
    how: { type: 'password.changed' | 'password.reset'; keepSessionId?: string; ip: string | null },
  ): Promise<void> {
    await tx.query('update identity.users set password_hash = $2, updated_at = now() where id = $1', [userId, hash]);
    await this.tokens.revokeAllSessions(tx, userId, how.type === 'password.reset' ? 'password_reset' : 'password_changed', how.keepSessionId);
    await this.notifications.request(tx, userId, 'password-changed');
    await this.audit.append(tx, { type: how.type, actorId: userId, subjectId: userId, ip: how.ip });
  }
}
