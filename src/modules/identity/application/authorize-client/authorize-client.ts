import { Injectable } from '@nestjs/common';
import { DomainError } from '@shared-kernel';
import type { Principal } from '@platform/auth/principal';
import { SessionStore } from '@platform/auth/sessions';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { AuditLog } from '@modules/identity/infrastructure/audit-log';
import { OAuthClients } from '@modules/identity/infrastructure/oauth-clients';
import { newSecret, sha256 } from '@modules/identity/infrastructure/secrets';
import { grantedScopes } from '../issue-token/issue-token';
import type { RequestMeta } from '../request-meta';

export interface AuthorizationRequest {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly codeChallenge: string;
  readonly scope?: string;
  readonly state?: string;
  readonly nonce?: string;
}

const CODE_TTL_SECONDS = 60;

/**
 * Authorization endpoint for first-party web apps (code + PKCE S256, RFC 7636): the
 * signed-in user (their bearer token) gets a one-minute, single-use code bound to the
 * client, the exact registered redirect URI and the PKCE challenge. The app's back end
 * or SPA redeems it at the token endpoint with the verifier.
 */
@Injectable()
export class AuthorizeClient {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clients: OAuthClients,
    private readonly sessions: SessionStore,
    private readonly audit: AuditLog,
  ) {}

  async execute(principal: Principal, request: AuthorizationRequest, meta: RequestMeta): Promise<{ redirectTo: string; code: string; state?: string }> {
    if (principal.kind !== 'user') throw new DomainError('forbidden', 'USER_REQUIRED', 'Only a signed-in user can authorize a client');
    const client = await this.clients.find(request.clientId);
    // An unknown client or redirect URI is never redirected to (RFC 6749 §4.1.2.1).
    if (!client || client.disabled || !client.grantTypes.includes('authorization_code')) {
      throw new DomainError('validation', 'UNKNOWN_CLIENT', 'Unknown or disabled client', { extensions: { error: 'invalid_client' } });
    }
    if (!client.redirectUris.includes(request.redirectUri)) {
      throw new DomainError('validation', 'INVALID_REDIRECT_URI', 'redirect_uri is not registered for this client', {
        errors: [{ field: 'redirect_uri', message: 'must exactly match a registered redirect URI' }],
      });
    }
    const scopes = grantedScopes(client, request.scope);
    const session = principal.sessionId ? await this.sessions.get(principal.sessionId) : null;
    const code = newSecret('skr_ac');
    await this.uow.run(async (tx) => {
      const { rows } = await tx.query<{ amr: string[]; created_at: Date }>('select amr, created_at from identity.refresh_token_families where id = $1', [
        principal.sessionId,
      ]);
      await tx.query(
        `insert into identity.authorization_codes (code_hash, client_id, user_id, redirect_uri, code_challenge, scopes, nonce, amr, auth_time, expires_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, now() + $10 * interval '1 second')`,
        [
          sha256(code),
          client.id,
          principal.subject,
          request.redirectUri,
          request.codeChallenge,
          scopes,
          request.nonce ?? null,
          rows[0]?.amr ?? ['pwd'],
          new Date(session?.createdAt ?? Date.now()),
          CODE_TTL_SECONDS,
        ],
      );
      await this.audit.append(tx, {
        type: 'oauth.code_issued',
        actorId: principal.subject,
        subjectId: principal.subject,
        ip: meta.ip,
        details: { clientId: client.id, scopes },
      });
    });
    const target = new URL(request.redirectUri);
    target.searchParams.set('code', code);
    if (request.state) target.searchParams.set('state', request.state);
    return { redirectTo: target.toString(), code, ...(request.state ? { state: request.state } : {}) };
  }
}
