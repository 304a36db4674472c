import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { Outbox } from '@platform/messaging/outbox';
import { UserProfileChanged } from '@modules/identity/contract';
import { applyProfileChange, type PersonalData } from '@modules/identity/domain/personal-data';
import { AuditLog } from '@modules/identity/infrastructure/audit-log';
import { userNotFound, UserRecords } from '@modules/identity/infrastructure/user-records';
import type { RequestMeta } from '../request-meta';

export interface ProfileChange extends Partial<Omit<PersonalData, 'email'>> {
  readonly preferences?: { readonly locale?: string; readonly notificationChannels?: string[] };
}

/** Changes a user's own profile and preferences; the event and audit name the fields, never the values. */
@Injectable()
export class UpdateProfile {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserRecords,
    private readonly outbox: Outbox,
    private readonly audit: AuditLog,
  ) {}

  async execute(userId: string, change: ProfileChange, meta: RequestMeta): Promise<void> {
    await this.uow.run(async (tx) => {
      const user = await this.users.byId(tx, userId, true);
      const current = user ? await this.users.personalData(tx, user) : null;
      if (!user || !current) throw userNotFound();
      const { preferences, ...personal } = change;
      const { next, changed } = applyProfileChange(current, personal);
      if (changed.length) await this.users.savePersonalData(tx, userId, next);
      if (preferences?.locale !== undefined && preferences.locale !== user.locale) {
        await tx.query('update identity.users set locale = $2, updated_at = now() where id = $1', [userId, preferences.locale]);
        changed.push('preferences.locale');
      }
      const channels = preferences?.notificationChannels ? [...new Set(preferences.notificationChannels)].sort() : undefined;
      if (channels && channels.join() !== [...user.channels].sort().join()) {
        await tx.query('update identity.users set channels = $2, updated_at = now() where id = $1', [userId, channels]);
        changed.push('preferences.notificationChannels');
      }
      if (changed.length === 0) return;
      await this.outbox.append(tx, 'identity', [UserProfileChanged(userId, { userId, fields: changed })]);
      await this.audit.append(tx, { type: 'user.profile_changed', actorId: userId, subjectId: userId, ip: meta.ip, details: { fields: changed } });
    });
  }
}
