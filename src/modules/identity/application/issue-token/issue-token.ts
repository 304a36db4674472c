import { Inject, Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import { DomainError } from '@shared-kernel';
import { AccessTokens } from '@platform/auth/access-tokens';
import { KeyRing, TOKEN_ALGORITHM } from '@platform/auth/key-ring';
import { APP_CONFIG, type AppConfig } from '@platform/config/app-config';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { pkceMatches } from '@modules/identity/domain/pkce';
import { AuditLog } from '@modules/identity/infrastructure/audit-log';
import { OAuthClients, type OAuthClient } from '@modules/identity/infrastructure/oauth-clients';
import { sha256 } from '@modules/identity/infrastructure/secrets';
import { invalidGrant, SessionTokens } from '@modules/identity/infrastructure/session-tokens';
import { UserRecords } from '@modules/identity/infrastructure/user-records';
import { assertMaySignIn } from '../login/login';
import type { RequestMeta } from '../request-meta';

export interface GrantRequest {
  readonly grantType: 'refresh_token' | 'client_credentials' | 'authorization_code';
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly refreshToken?: string;
  readonly scope?: string;
  readonly code?: string;
  readonly redirectUri?: string;
  readonly codeVerifier?: string;
}

export interface TokenResult {
  readonly accessToken: string;
  readonly expiresIn: number;
  readonly refreshToken?: string;
  readonly scope: string;
  readonly idToken?: string;
}

const CLIENT_TOKEN_TTL_SECONDS = 900;

const unauthorizedClient = () =>
  new DomainError('validation', 'UNAUTHORIZED_CLIENT', 'This client may not use this grant type', { extensions: { error: 'unauthorized_client' } });

/** The OAuth 2.0 token endpoint (RFC 6749 §3.2): refresh, client credentials, authorization code + PKCE. */
@Injectable()
export class IssueToken {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clients: OAuthClients,
    private readonly sessions: SessionTokens,
    private readonly accessTokens: AccessTokens,
    private readonly users: UserRecords,
    private readonly audit: AuditLog,
    private readonly keys: KeyRing,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(request: GrantRequest, meta: RequestMeta): Promise<TokenResult> {
    switch (request.grantType) {
      case 'refresh_token':
        return this.refresh(request);
      case 'client_credentials':
        return this.clientCredentials(request, meta);
      case 'authorization_code':
        return this.authorizationCode(request, meta);
    }
  }

  private async refresh(request: GrantRequest): Promise<TokenResult> {
    if (!request.refreshToken) throw missing('refresh_token');
    // Tokens of first-party sessions carry no client; those issued through a client need it.
    const client = request.clientId ? await this.clients.authenticate(request.clientId, request.clientSecret) : null;
    const tokens = await this.sessions.refresh(request.refreshToken, client?.id ?? null);
    return { accessToken: tokens.accessToken, expiresIn: tokens.expiresIn, refreshToken: tokens.refreshToken, scope: tokens.scopes.join(' ') };
  }

  private async clientCredentials(request: GrantRequest, meta: RequestMeta): Promise<TokenResult> {
    const client = await this.clients.authenticate(request.clientId, request.clientSecret);
    if (client.type !== 'confidential' || !client.grantTypes.includes('client_credentials')) throw unauthorizedClient();
    const scopes = grantedScopes(client, request.scope);
    const token = await this.accessTokens.issue({ subject: client.id, clientId: client.id, scopes, ttlSeconds: CLIENT_TOKEN_TTL_SECONDS });
    await this.audit.record({
      type: 'oauth.token_issued',
      actorId: client.id,
      subjectId: client.id,
      ip: meta.ip,
      details: { grant: 'client_credentials', scopes },
    });
    return { accessToken: token.token, expiresIn: token.expiresIn, scope: scopes.join(' ') };
  }

  private async authorizationCode(request: GrantRequest, meta: RequestMeta): Promise<TokenResult> {
    if (!request.code) throw missing('code');
    if (!request.redirectUri) throw missing('redirect_uri');
    if (!request.codeVerifier) throw missing('code_verifier');
    const client = await this.clients.authenticate(request.clientId, request.clientSecret);
    if (!client.grantTypes.includes('authorization_code')) throw unauthorizedClient();
    // Single use: the first redemption marks it, in its own transaction, so a failed attempt
    // (wrong verifier or redirect URI) burns the code too (RFC 6749 §4.1.2, §10.5).
    const { rows } = await this.uow.query<{
      user_id: string;
      redirect_uri: string;
      code_challenge: string;
      scopes: string[];
      nonce: string | null;
      amr: string[];
      auth_time: Date;
    }>(
      `update identity.authorization_codes set used_at = now()
       where code_hash = $1 and client_id = $2 and used_at is null and expires_at > now()
       returning user_id, redirect_uri, code_challenge, scopes, nonce, amr, auth_time`,
      [sha256(request.code), client.id],
    );
    const code = rows[0];
    if (!code || code.redirect_uri !== request.redirectUri || !pkceMatches(request.codeVerifier, code.code_challenge)) throw invalidGrant();
    return this.uow.run(async (tx) => {
      const user = await this.users.byId(tx, code.user_id);
      if (!user) throw invalidGrant();
      assertMaySignIn(user);
      await this.audit.append(tx, {
        type: 'oauth.token_issued',
        actorId: client.id,
        subjectId: user.id,
        ip: meta.ip,
        details: { grant: 'authorization_code', scopes: code.scopes },
      });
      const tokens = await this.sessions.start(
        {
          userId: user.id,
          roles: user.roles,
          amr: code.amr,
          secondFactor: code.amr.includes('mfa'),
          ip: meta.ip,
          userAgent: meta.userAgent,
          clientId: client.id,
          scopes: code.scopes,
        },
        tx,
      );
      const idToken = code.scopes.includes('openid') ? await this.idToken(user.id, client.id, code) : undefined;
      return {
        accessToken: tokens.accessToken,
        expiresIn: tokens.expiresIn,
        refreshToken: tokens.refreshToken,
        scope: code.scopes.join(' '),
        ...(idToken ? { idToken } : {}),
      };
    });
  }

  /** OIDC ID token: who signed in, for the client (aud = client id), not for APIs. */
  private async idToken(userId: string, clientId: string, code: { nonce: string | null; amr: string[]; auth_time: Date }): Promise<string> {
    const signing = this.keys.signing!;
    return new SignJWT({ amr: code.amr, auth_time: Math.floor(code.auth_time.getTime() / 1000), ...(code.nonce ? { nonce: code.nonce } : {}) })
      .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: signing.kid, typ: 'JWT' })
      .setIssuer(this.config.auth.issuer)
      .setAudience(clientId)
      .setSubject(userId)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(signing.privateKey);
  }
}

/** The requested scopes, all of which the client must hold; none requested means all of them. */
export function grantedScopes(client: OAuthClient, requested: string | undefined): string[] {
  if (!requested?.trim()) return client.scopes;
  const scopes = [...new Set(requested.trim().split(/\s+/))];
  const unknown = scopes.filter((s) => !client.scopes.includes(s));
  if (unknown.length)
    throw new DomainError('validation', 'INVALID_SCOPE', `Scopes not granted to this client: ${unknown.join(', ')}`, {
      extensions: { error: 'invalid_scope' },
    });
  return scopes;
}

function missing(parameter: string): DomainError {
  return new DomainError('validation', 'INVALID_REQUEST', `${parameter} is required for this grant type`, {
    errors: [{ field: parameter, message: `${parameter} is required for this grant type` }],
    extensions: { error: 'invalid_request' },
  });
}
