import { Inject, Injectable } from '@nestjs/common';
import { SignJWT, type JWTPayload } from 'jose';
import { newId } from '@shared-kernel';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { KeyRing, TOKEN_ALGORITHM } from './key-ring';
import type { Role } from './principal';

export interface AccessTokenRequest {
  readonly subject: string;
  readonly roles?: readonly Role[];
  readonly scopes?: readonly string[];
  /** Users only: the login session the token belongs to. */
  readonly sessionId?: string;
  /** The OAuth client the token was issued to. */
  readonly clientId?: string;
  /** Authentication methods (RFC 8176): pwd, otp, hwk... */
  readonly amr?: readonly string[];
  readonly ttlSeconds?: number;
}

export interface IssuedAccessToken {
  readonly token: string;
  readonly expiresIn: number;
  readonly jti: string;
}

/** RFC 9068 access-token JWT; ID tokens are `JWT`, so one is never taken for the other. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

/**
 * Issues the platform's access tokens (ES256 JWTs, RFC 9068 shaped), signed with jose by
 * the ring's first key. They are verified by the auth guard, through passport-jwt
 * (AccessTokenStrategy).
 */
@Injectable()
export class AccessTokens {
  constructor(
    private readonly keys: KeyRing,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async issue(request: AccessTokenRequest): Promise<IssuedAccessToken> {
    const signing = this.keys.signing;
    if (!signing) throw new Error('this process has no signing key (verify-only)');
    const ttl = request.ttlSeconds ?? this.config.auth.accessTokenTtlSeconds;
    const jti = newId();
    const claims: JWTPayload = {
      roles: request.roles ?? [],
      scope: (request.scopes ?? []).join(' '),
      ...(request.sessionId ? { sid: request.sessionId } : {}),
      ...(request.clientId ? { client_id: request.clientId } : {}),
      ...(request.amr ? { amr: request.amr } : {}),
    };
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: signing.kid, typ: ACCESS_TOKEN_TYPE })
      .setIssuer(this.config.auth.issuer)
      .setAudience(this.config.auth.audience)
      .setSubject(request.subject)
      .setJti(jti)
      .setIssuedAt()
      .setExpirationTime(`${ttl}s`)
      .sign(signing.privateKey);
    return { token, expiresIn: ttl, jti };
  }
}
