import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { AuditLog } from '@modules/identity/infrastructure/audit-log';
import type { OAuthClient } from '@modules/identity/infrastructure/oauth-clients';
import { newSecret, sha256 } from '@modules/identity/infrastructure/secrets';
import type { RequestMeta } from '../request-meta';

export interface NewClient {
  readonly name: string;
  readonly type: 'confidential' | 'public';
  readonly scopes: string[];
  readonly grantTypes: Array<'client_credentials' | 'authorization_code'>;
  readonly redirectUris: string[];
}

/** Admin registers an OAuth client; a confidential client's secret is returned once and stored hashed. */
@Injectable()
export class RegisterClient {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly audit: AuditLog,
  ) {}

  async execute(adminId: string, command: NewClient, meta: RequestMeta): Promise<{ client: OAuthClient; clientSecret?: string }> {
    const id = `cl_${randomBytes(12).toString('base64url')}`;
    const secret = command.type === 'confidential' ? newSecret('skr_cs') : undefined;
    const { rows } = await this.uow.run(async (tx) => {
      const inserted = await tx.query<{ created_at: Date }>(
        `insert into identity.oauth_clients (id, name, type, secret_hash, scopes, grant_types, redirect_uris, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning created_at`,
        [
          id,
          command.name,
          command.type,
          secret ? sha256(secret) : null,
          [...new Set(command.scopes)],
          [...new Set(command.grantTypes)],
          command.redirectUris,
          adminId,
        ],
      );
      await this.audit.append(tx, {
        type: 'oauth.client_created',
        actorId: adminId,
        subjectId: id,
        ip: meta.ip,
        details: { type: command.type, scopes: command.scopes, grantTypes: command.grantTypes },
      });
      return inserted;
    });
    const client: OAuthClient = {
      id,
      name: command.name,
      type: command.type,
      scopes: [...new Set(command.scopes)],
      grantTypes: [...new Set(command.grantTypes)],
      redirectUris: command.redirectUris,
      createdAt: rows[0]!.created_at.toISOString(),
      disabled: false,
    };
    return { client, ...(secret ? { clientSecret: secret } : {}) };
  }
}
