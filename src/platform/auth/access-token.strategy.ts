import type { KeyObject } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import passport from 'passport';
import { Strategy as JwtStrategy, type StrategyOptions, type VerifyCallbackWithRequest } from 'passport-jwt';
import { DomainError } from '@shared-kernel';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ACCESS_TOKEN_TYPE } from './access-tokens';
import { KeyRing, TOKEN_ALGORITHM } from './key-ring';
import { isRole, type Principal, type Role } from './principal';

/** The claims of a verified access token. Users' roles still come from their session (AuthGuard). */
export type VerifiedToken = Omit<Principal, 'permissions'> & { readonly jti: string; readonly expiresAt: number; readonly clientId?: string };

/** Seconds of clock skew tolerated on `exp` and `nbf`. */
const CLOCK_TOLERANCE_SECONDS = 5;
/** Verified tokens remembered, newest kept: a client reuses its token for its whole lifetime. */
const VERIFIED_CACHE_SIZE = 5_000;

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;

/** The token of `Authorization: Bearer <token>`, or null when the header is absent or malformed. */
export function bearerToken(request: Pick<FastifyRequest, 'headers'>): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  return BEARER.exec(header.trim())?.[1] ?? null;
}

export const invalidToken = () => new DomainError('unauthorized', 'INVALID_TOKEN', 'The access token is invalid or expired');

/** passport-jwt's strategy under a name of our choosing (see AccessTokenStrategy). */
class NamedJwtStrategy extends JwtStrategy {
  constructor(options: StrategyOptions & { readonly name: string }, verify: VerifyCallbackWithRequest) {
    super(options as StrategyOptions & { passReqToCallback: true }, verify);
    this.name = options.name;
  }
}

let strategies = 0;

/**
 * Verifies access tokens with passport-jwt (jsonwebtoken underneath), for the auth guard.
 *
 * - The key is chosen by `kid` from our ring only, and only for a header saying
 *   `alg: ES256`, `typ: at+jwt` and no `crit`; jsonwebtoken then checks the signature with
 *   the algorithm allow-list [ES256] (so `alg: none`, HS256 keyed with the public key and
 *   unknown keys all fail), `iss`, `aud`, `exp` and `nbf` with 5 s of clock tolerance.
 * - `validate` requires `sub`, `exp`, `iat` and `jti` (jsonwebtoken checks `exp` only
 *   when present) and maps the claims.
 * - A token verified before is recognised by its exact text until it expires, which skips
 *   the signature check; any changed byte is a different token and is verified in full.
 *
 * Every failure leaves as the same 401 INVALID_TOKEN (see AuthGuard.handleRequest): why a
 * token was refused is not told to whoever sent it.
 *
 * Passport keeps strategies in one process-wide registry by name, so each instance
 * registers under a name of its own: two apps in one process (tests, a rotation between
 * "pods") never verify with each other's keys.
 */
@Injectable()
export class AccessTokenStrategy extends PassportStrategy(NamedJwtStrategy) implements OnModuleDestroy {
  private readonly verified = new Map<string, VerifiedToken>();

  constructor(keys: KeyRing, @Inject(APP_CONFIG) config: AppConfig) {
    super({
      name: `skyro-access-token-${++strategies}`,
      jwtFromRequest: bearerToken,
      secretOrKeyProvider: (_request, rawToken, done) => {
        const key = verificationKeyFor(keys, rawToken);
        // jsonwebtoken 9 takes the KeyObject as it is (@types/passport-jwt only names
        // strings and buffers, which it would parse again on every verification).
        if (key) done(null, key as unknown as Buffer);
        else done(new Error('no acceptable key for this token header'));
      },
      algorithms: [TOKEN_ALGORITHM],
      issuer: config.auth.issuer,
      audience: config.auth.audience,
      ignoreExpiration: false,
      jsonWebTokenOptions: { clockTolerance: CLOCK_TOLERANCE_SECONDS },
      passReqToCallback: true,
    });
  }

  /** passport-jwt's authenticate, unless this exact token was verified before and has not expired. */
  override authenticate(request: Parameters<JwtStrategy['authenticate']>[0], options?: unknown): void {
    const token = bearerToken(request);
    const known = token === null ? undefined : this.verified.get(token);
    if (known) {
      if (known.expiresAt * 1000 > Date.now()) return this.success(known);
      this.verified.delete(token!);
    }
    super.authenticate(request, options);
  }

  /** Called by passport-jwt once jsonwebtoken has verified the token. */
  validate(request: FastifyRequest, payload: unknown): VerifiedToken {
    const claims = toVerifiedToken(payload);
    const token = bearerToken(request);
    if (token !== null) {
      if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, claims);
    }
    return claims;
  }

  /**
   * The same verification outside an HTTP request (the realtime gateway's first message):
   * passport-jwt runs on a request-shaped object carrying only this token, so the keys,
   * header checks, claims and the verified-token cache are exactly the guard's. Rejects
   * with INVALID_TOKEN for any refusal.
   */
  verify(token: string): Promise<VerifiedToken> {
    return new Promise((resolve, reject) => {
      // What passport's own middleware does: a per-call object over the strategy with its verdict hooks.
      const attempt = Object.create(this) as this & { success(user: unknown): void; fail(): void; error(error: unknown): void };
      attempt.success = (user) => (user ? resolve(user as VerifiedToken) : reject(invalidToken()));
      attempt.fail = () => reject(invalidToken());
      attempt.error = (error) => reject(error instanceof DomainError ? error : invalidToken());
      attempt.authenticate({ headers: { authorization: `Bearer ${token}` } } as Parameters<JwtStrategy['authenticate']>[0]);
    });
  }

  onModuleDestroy(): void {
    passport.unuse(this.name);
  }
}

/** The ring's key for this token, if its header is one we accept; nothing else is looked at. */
function verificationKeyFor(keys: KeyRing, rawToken: unknown): KeyObject | undefined {
  if (typeof rawToken !== 'string') return undefined;
  const dot = rawToken.indexOf('.');
  if (dot <= 0) return undefined;
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(rawToken.slice(0, dot), 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return undefined;
  const { alg, typ, kid } = header as Record<string, unknown>;
  if (alg !== TOKEN_ALGORITHM || typeof typ !== 'string' || normalizeTyp(typ) !== ACCESS_TOKEN_TYPE) return undefined;
  // We understand no critical header parameter, so any is a refusal (RFC 7515 §4.1.11).
  if (Object.hasOwn(header, 'crit') || typeof kid !== 'string') return undefined;
  return keys.verificationKey(kid);
}

/** As jose compares `typ`: case-insensitive, `application/` optional (RFC 7515 §4.1.9). */
function normalizeTyp(typ: string): string {
  return typ.toLowerCase().replace(/^application\//, '');
}

function toVerifiedToken(payload: unknown): VerifiedToken {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw invalidToken();
  const claims = payload as Record<string, unknown>;
  const { sub, jti, exp, iat } = claims;
  if (typeof sub !== 'string' || !sub || typeof jti !== 'string' || !jti || !isNumericDate(exp) || !isNumericDate(iat)) throw invalidToken();
  const roles = Array.isArray(claims['roles']) ? (claims['roles'] as unknown[]).filter((r): r is Role => typeof r === 'string' && isRole(r)) : [];
  const scope = typeof claims['scope'] === 'string' ? claims['scope'] : '';
  const sid = typeof claims['sid'] === 'string' ? claims['sid'] : undefined;
  const clientId = typeof claims['client_id'] === 'string' ? claims['client_id'] : undefined;
  return {
    kind: sid ? 'user' : 'client',
    subject: sub,
    roles,
    scopes: scope ? scope.split(' ') : [],
    sessionId: sid,
    clientId,
    jti,
    expiresAt: exp,
  };
}

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
