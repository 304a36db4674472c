import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@shared-kernel';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { AuditLog } from '@modules/identity/infrastructure/audit-log';
import { SessionTokens } from '@modules/identity/infrastructure/session-tokens';
import type { RequestMeta } from '../request-meta';

/**
 * Admin disables a client: no new tokens, and every session started through it ends.
 * (Its client-credential access tokens live out their 15 minutes: they carry no session.)
 */
@Injectable()
export class DisableClient {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly audit: AuditLog,
    private readonly sessions: SessionTokens,
  ) {}

  async execute(adminId: string, clientId: string, meta: RequestMeta): Promise<void> {
    await this.uow.run(async (tx) => {
      const { rowCount } = await tx.query('update identity.oauth_clients set disabled_at = now() where id = $1 and disabled_at is null', [clientId]);
      if (rowCount === 0) throw new NotFoundError('CLIENT_NOT_FOUND', 'No such active client');
      const { rows } = await tx.query<{ id: string }>('select id from identity.refresh_token_families where client_id = $1 and revoked_at is null', [clientId]);
      await this.sessions.revokeSessions(
        tx,
        rows.map((r) => r.id),
        'client_disabled',
      );
      await this.audit.append(tx, { type: 'oauth.client_disabled', actorId: adminId, subjectId: clientId, ip: meta.ip });
    });
  }
}
