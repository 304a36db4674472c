import { Injectable } from '@nestjs/common';
import { DomainError } from '@shared-kernel';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { sameHash, sha256 } from './secrets';

export interface OAuthClient {
  readonly id: string;
  readonly name: string;
  readonly type: 'confidential' | 'public';
  readonly scopes: string[];
  readonly grantTypes: string[];
  readonly redirectUris: string[];
  readonly createdAt: string;
  readonly disabled: boolean;
}

interface ClientRow {
  id: string;
  name: string;
  type: 'confidential' | 'public';
  secret_hash: Buffer | null;
  scopes: string[];
  grant_types: string[];
  redirect_uris: string[];
  created_at: Date;
  disabled_at: Date | null;
}

export const invalidClient = () =>
  new DomainError('unauthorized', 'INVALID_CLIENT', 'Client authentication failed', { extensions: { error: 'invalid_client' } });

/** Registered OAuth clients (secrets stored as SHA-256: they are 256-bit random, see secrets.ts). */
@Injectable()
export class OAuthClients {
  constructor(private readonly uow: UnitOfWork) {}

  async find(id: string): Promise<OAuthClient | null> {
    const row = await this.row(id);
    return row ? view(row) : null;
  }

  /**
   * The client presenting a request at the token endpoint. Confidential clients must
   * prove their secret; a public client (a first-party SPA with PKCE) names itself only.
   */
  async authenticate(id: string | undefined, secret: string | undefined): Promise<OAuthClient> {
    if (!id) throw invalidClient();
    const row = await this.row(id);
    if (!row || row.disabled_at) throw invalidClient();
    if (row.type === 'confidential' && (!secret || !sameHash(sha256(secret), row.secret_hash!))) throw invalidClient();
    if (row.type === 'public' && secret) throw invalidClient();
    return view(row);
  }

  async list(): Promise<OAuthClient[]> {
    const { rows } = await this.uow.query<ClientRow>('select * from identity.oauth_clients order by created_at desc');
    return rows.map(view);
  }

  private async row(id: string): Promise<ClientRow | null> {
    if (id.length > 100) return null;
    const { rows } = await this.uow.query<ClientRow>('select * from identity.oauth_clients where id = $1', [id]);
    return rows[0] ?? null;
  }
}

function view(row: ClientRow): OAuthClient {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    scopes: row.scopes,
    grantTypes: row.grant_types,
    redirectUris: row.redirect_uris,
    createdAt: row.created_at.toISOString(),
    disabled: row.disabled_at !== null,
  };
}
