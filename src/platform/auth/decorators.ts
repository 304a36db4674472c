import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiProblems } from '../http/api-problems.decorator';
import type { Principal } from './principal';

export const IS_PUBLIC = Symbol('skyro:public');
export const REQUIRED_PERMISSIONS = Symbol('skyro:permissions');
export const STEP_UP_MAX_AGE = Symbol('skyro:step-up');

/** No access token needed (sign-up, login, health, JWKS...). Everything else is authenticated. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/** The caller needs every listed permission (from roles, or scopes for service clients). */
export const RequirePermissions = (...permissions: string[]): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(REQUIRED_PERMISSIONS, permissions), ApiProblems(403));

/**
 * Sensitive operation: the session must have completed a second factor within the last
 * `maxAgeSeconds` (step-up). Otherwise 401 STEP_UP_REQUIRED.
 */
export const RequiresStepUp = (maxAgeSeconds = 300): MethodDecorator & ClassDecorator => SetMetadata(STEP_UP_MAX_AGE, maxAgeSeconds);

/** Documents the bearer-token requirement and its 401 answer. */
export const ApiAuth = (): MethodDecorator & ClassDecorator => applyDecorators(ApiBearerAuth('bearer'), ApiProblems(401));

/** The authenticated caller, set by the auth guard. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<FastifyRequest & { principal?: Principal }>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a public route');
  return principal;
});
