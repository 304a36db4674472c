import { Inject, Injectable } from '@nestjs/common';
import { errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { DomainError, newId } from '../../shared-kernel';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { KeyRing } from './key-ring';
import { isRole, type Principal, type Role } from './principal';

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

const TOKEN_TYPE = 'at+jwt'; // RFC 9068 access-token JWT
/** Verified tokens remembered, newest kept: a client reuses its token for its whole lifetime. */
const VERIFIED_CACHE_SIZE = 5_000;

export type VerifiedToken = Omit<Principal, 'permissions'> & { readonly jti: string; readonly expiresAt: number; readonly clientId?: string };

/** Issues and verifies the platform's access tokens (EdDSA JWTs, RFC 9068 shaped). */
@Injectable()
export class AccessTokens {
  private readonly verified = new Map<string, VerifiedToken>();

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
      .setProtectedHeader({ alg: 'EdDSA', kid: signing.kid, typ: TOKEN_TYPE })
      .setIssuer(this.config.auth.issuer)
      .setAudience(this.config.auth.audience)
      .setSubject(request.subject)
      .setJti(jti)
      .setIssuedAt()
      .setExpirationTime(`${ttl}s`)
      .sign(signing.privateKey);
    return { token, expiresIn: ttl, jti };
  }

  /**
   * Verifies signature (EdDSA only, key chosen by `kid` from our ring), `typ`, `iss`, `aud`
   * and `exp`. Anything else — `alg: none`, HS256 signed with a public key, an unknown
   * `kid`, an expired or tampered token — is 401 INVALID_TOKEN.
   *
   * A token verified before is recognised by its exact text until it expires, which skips
   * the signature check (jose's WebCrypto verify hops through the libuv pool, the largest
   * and most variable part of the guard's cost); any changed byte is a different token.
   */
  async verify(token: string): Promise<VerifiedToken> {
    const known = this.verified.get(token);
    if (known && known.expiresAt * 1000 > Date.now()) return known;
    const result = await this.verifySignature(token);
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, result);
    return result;
  }

  private async verifySignature(token: string): Promise<VerifiedToken> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(
        token,
        (header) => {
          const key = header.kid ? this.keys.verificationKey(header.kid) : undefined;
          if (!key) throw new joseErrors.JWKSNoMatchingKey();
          return key;
        },
        {
          algorithms: ['EdDSA'],
          issuer: this.config.auth.issuer,
          audience: this.config.auth.audience,
          typ: TOKEN_TYPE,
          requiredClaims: ['sub', 'exp', 'iat', 'jti'],
          clockTolerance: 5,
        },
      ));
    } catch {
      throw new DomainError('unauthorized', 'INVALID_TOKEN', 'The access token is invalid or expired');
    }
    const roles = Array.isArray(payload['roles']) ? (payload['roles'] as unknown[]).filter((r): r is Role => typeof r === 'string' && isRole(r)) : [];
    const scope = typeof payload['scope'] === 'string' ? payload['scope'] : '';
    const sid = typeof payload['sid'] === 'string' ? payload['sid'] : undefined;
    const clientId = typeof payload['client_id'] === 'string' ? payload['client_id'] : undefined;
    return {
      kind: sid ? 'user' : 'client',
      subject: payload.sub!,
      roles,
      scopes: scope ? scope.split(' ') : [],
      sessionId: sid,
      clientId,
      jti: payload.jti!,
      expiresAt: payload.exp!,
    };
  }
}
