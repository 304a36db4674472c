import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard as PassportAuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '@shared-kernel';
import { AccessTokenStrategy, bearerToken, invalidToken, type VerifiedToken } from './access-token.strategy';
import { IS_PUBLIC, REQUIRED_PERMISSIONS, STEP_UP_MAX_AGE } from './decorators';
import { Permissions } from './permissions';
import { hasPermission, type Principal } from './principal';
import { SessionStore } from './sessions';

export type AuthenticatedRequest = FastifyRequest & {
  /** Who is calling: set once the token, its session, permissions and step-up all passed. */
  principal?: Principal;
  /** The verified token's own claims (passport's result); users' roles come from the session. */
  accessToken?: VerifiedToken;
};

/**
 * Global guard: every route needs a valid access token unless marked @Public().
 * The token is verified by passport-jwt (AccessTokenStrategy, through @nestjs/passport).
 * Users' tokens must belong to a live session (one cache read), whose roles apply, so a
 * revoked session or a changed role takes effect at once. Then permissions and step-up.
 * Other contexts than HTTP (RPC) pass untouched.
 */
@Injectable()
export class AuthGuard extends PassportAuthGuard() implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    strategy: AccessTokenStrategy,
    private readonly sessions: SessionStore,
    private readonly permissions: Permissions,
  ) {
    super({ defaultStrategy: strategy.name, property: 'accessToken', session: false });
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (bearerToken(request) === null) throw new DomainError('unauthorized', 'AUTHENTICATION_REQUIRED', 'Send an access token: Authorization: Bearer <token>');

    await super.canActivate(context);
    const claims = request.accessToken!;
    let roles = claims.roles;
    let secondFactorAt: number | null = null;
    if (claims.kind === 'user') {
      const session = await this.sessions.get(claims.sessionId!);
      if (!session || session.userId !== claims.subject) {
        throw new DomainError('unauthorized', 'SESSION_REVOKED', 'The session of this token has ended; log in again');
      }
      roles = session.roles;
      secondFactorAt = session.secondFactorAt;
      void this.sessions.touch(session, request.ip).catch(() => undefined);
    }
    const principal: Principal = { ...claims, roles, permissions: this.permissions.of(roles, claims.scopes) };
    request.principal = principal;

    const permissions = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_PERMISSIONS, targets) ?? [];
    const missing = permissions.filter((p) => !hasPermission(principal, p));
    if (missing.length) throw new DomainError('forbidden', 'PERMISSION_DENIED', `Missing permission: ${missing.join(', ')}`);

    const stepUpSeconds = this.reflector.getAllAndOverride<number | undefined>(STEP_UP_MAX_AGE, targets);
    if (stepUpSeconds !== undefined) {
      if (principal.kind !== 'user') throw new DomainError('forbidden', 'USER_REQUIRED', 'This operation needs a user, not a service client');
      if (secondFactorAt === null || Date.now() - secondFactorAt > stepUpSeconds * 1000) {
        throw new DomainError('unauthorized', 'STEP_UP_REQUIRED', `Confirm with a second factor (within the last ${stepUpSeconds} s) first`, {
          extensions: { maxAgeSeconds: stepUpSeconds },
        });
      }
    }
    return true;
  }

  /**
   * Passport's verdict. A refusal (bad signature, key, header or claims, expired...) is
   * INVALID_TOKEN without saying which; our own DomainErrors pass as they are; anything
   * else is a fault of ours, not of the token, and stays a 500.
   */
  override handleRequest<TUser = VerifiedToken>(error: unknown, user: unknown): TUser {
    if (error) throw error instanceof Error ? error : new Error('authentication failed', { cause: error });
    if (!user) throw invalidToken();
    return user as TUser;
  }
}
