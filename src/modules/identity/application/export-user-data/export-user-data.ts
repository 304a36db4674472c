import { Injectable } from '@nestjs/common';
import { SessionStore } from '@platform/auth/sessions';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { AuditLog, type AuditRow } from '@modules/identity/infrastructure/audit-log';
import type { RequestMeta } from '../request-meta';
import { GetProfile, type Profile } from '../get-profile/get-profile';

export interface UserDataExport {
  readonly exportedAt: string;
  readonly profile: Profile;
  readonly sessions: Array<{ id: string; createdAt: string; lastSeenAt: string; ip: string | null; userAgent: string | null }>;
  readonly passkeys: Array<{ id: string; name: string; createdAt: string; lastUsedAt: string | null }>;
  readonly oauthGrants: Array<{ clientId: string; scopes: string[]; createdAt: string; revoked: boolean }>;
  readonly securityEvents: AuditRow[];
}

/** GDPR Art. 15/20: everything identity holds about the user, as JSON. */
@Injectable()
export class ExportUserData {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly profiles: GetProfile,
    private readonly sessions: SessionStore,
    private readonly audit: AuditLog,
  ) {}

  async execute(userId: string, meta: RequestMeta): Promise<UserDataExport> {
    const profile = await this.profiles.execute(userId);
    const { rows: passkeys } = await this.uow.query<{ id: string; name: string; created_at: Date; last_used_at: Date | null }>(
      'select id, name, created_at, last_used_at from identity.webauthn_credentials where user_id = $1 order by created_at',
      [userId],
    );
    const { rows: grants } = await this.uow.query<{ client_id: string; scopes: string[]; created_at: Date; revoked_at: Date | null }>(
      'select client_id, scopes, created_at, revoked_at from identity.refresh_token_families where user_id = $1 and client_id is not null order by created_at',
      [userId],
    );
    const securityEvents = await this.audit.query({ subjectId: userId, limit: 10_000 });
    await this.audit.record({ type: 'user.exported', actorId: userId, subjectId: userId, ip: meta.ip });
    return {
      exportedAt: new Date().toISOString(),
      profile,
      sessions: (await this.sessions.listForUser(userId)).map((s) => ({
        id: s.id,
        createdAt: new Date(s.createdAt).toISOString(),
        lastSeenAt: new Date(s.lastSeenAt).toISOString(),
        ip: s.ip,
        userAgent: s.userAgent,
      })),
      passkeys: passkeys.map((p) => ({ id: p.id, name: p.name, createdAt: p.created_at.toISOString(), lastUsedAt: p.last_used_at?.toISOString() ?? null })),
      oauthGrants: grants.map((g) => ({ clientId: g.client_id, scopes: g.scopes, createdAt: g.created_at.toISOString(), revoked: g.revoked_at !== null })),
      securityEvents,
    };
  }
}
