import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@platform/database/unit-of-work';
import type { PersonalData } from '@modules/identity/domain/personal-data';
import type { UserStatus } from '@modules/identity/domain/user-status';
import { AuditLog } from '@modules/identity/infrastructure/audit-log';
import { SecondFactors } from '@modules/identity/infrastructure/second-factors';
import { userNotFound, UserRecords } from '@modules/identity/infrastructure/user-records';
import type { RequestMeta } from '../request-meta';

export interface Profile {
  readonly id: string;
  readonly status: UserStatus;
  readonly roles: string[];
  readonly emailVerified: boolean;
  /** Null once the user was erased. */
  readonly personalData: PersonalData | null;
  readonly preferences: { readonly locale: string; readonly notificationChannels: string[] };
  readonly mfa: { readonly methods: string[]; readonly passkeys: number };
  readonly createdAt: string;
}

/** A user's profile, decrypted (the user themself, or staff with users:read). */
@Injectable()
export class GetProfile {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserRecords,
    private readonly secondFactors: SecondFactors,
    private readonly audit: AuditLog,
  ) {}

  /** Staff reading someone's personal data: allowed by permission, and always on record. */
  async executeForStaff(actorId: string, userId: string, meta: RequestMeta): Promise<Profile> {
    const profile = await this.execute(userId);
    await this.audit.record({ type: 'user.viewed', actorId, subjectId: userId, ip: meta.ip });
    return profile;
  }

  async execute(userId: string): Promise<Profile> {
    return this.uow.run(async (tx) => {
      const user = await this.users.byId(tx, userId);
      if (!user) throw userNotFound();
      const { rows } = await tx.query<{ n: string }>('select count(*) as n from identity.webauthn_credentials where user_id = $1', [userId]);
      return {
        id: user.id,
        status: user.status,
        roles: user.roles,
        emailVerified: user.email_verified_at !== null,
        personalData: await this.users.personalData(tx, user),
        preferences: { locale: user.locale, notificationChannels: user.channels },
        mfa: { methods: await this.secondFactors.methods(tx, userId), passkeys: Number(rows[0]!.n) },
        createdAt: user.created_at.toISOString(),
      };
    });
  }
}
