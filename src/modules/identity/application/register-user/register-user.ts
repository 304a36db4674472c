import { Injectable } from '@nestjs/common';
import { newId } from '@shared-kernel';
import { pgCode, UnitOfWork } from '@platform/database/unit-of-work';
import { Outbox } from '@platform/messaging/outbox';
import { UserRegistered } from '@modules/identity/contract';
import { canonicalEmail } from '@modules/identity/domain/email-address';
import type { PersonalData } from '@modules/identity/domain/personal-data';
import { AuditLog } from '@modules/identity/infrastructure/audit-log';
import { NotificationRequests } from '@modules/identity/infrastructure/notification-requests';
import { PasswordHasher } from '@modules/identity/infrastructure/password-hasher';
import { PasswordRules } from '@modules/identity/infrastructure/password-rules';
import { UserRecords } from '@modules/identity/infrastructure/user-records';
import type { RequestMeta } from '../request-meta';

export interface Registration {
  readonly email: string;
  readonly password: string;
  readonly name: string;
  readonly phone?: string;
  readonly locale?: string;
}

/**
 * Sign-up. The answer is the same whether or not the email is already registered (no
 * account enumeration): an existing owner gets an "account exists" message instead of a
 * verification link.
 */
@Injectable()
export class RegisterUser {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserRecords,
    private readonly hasher: PasswordHasher,
    private readonly rules: PasswordRules,
    private readonly notifications: NotificationRequests,
    private readonly outbox: Outbox,
    private readonly audit: AuditLog,
  ) {}

  async execute(command: Registration, meta: RequestMeta): Promise<void> {
    this.rules.assertAcceptable(command.password, [command.email, command.name]);
    // Hashing happens outside the transaction: no connection is held for its ~50 ms.
    const passwordHash = await this.hasher.hash(command.password);
    const personal: PersonalData = { email: canonicalEmail(command.email), name: command.name.trim(), ...(command.phone ? { phone: command.phone } : {}) };
    try {
      await this.uow.run(async (tx) => {
        const existing = await this.users.byEmail(tx, command.email);
        if (existing) {
          await this.notifications.request(tx, existing.id, 'account-exists');
          return;
        }
        const id = newId();
        await this.users.insert(tx, { id, personal, passwordHash, locale: command.locale ?? 'en' });
        await this.outbox.append(tx, 'identity', [UserRegistered(id, { userId: id, registeredAt: new Date().toISOString() })]);
        await this.notifications.request(tx, id, 'verify-email');
        await this.audit.append(tx, { type: 'user.registered', actorId: id, subjectId: id, ip: meta.ip });
      });
    } catch (error) {
      // The same email registered at the same instant: the other request won; same answer.
      if (pgCode(error) !== '23505') throw error;
    }
  }
}
