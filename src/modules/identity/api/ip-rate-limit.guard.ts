import { applyDecorators, Inject, Injectable, SetMetadata, UseGuards, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { identityConfig, type IdentityConfig } from '../identity.config';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { RateLimiter } from '@platform/http/rate-limiter';

const BUCKET = Symbol('identity:ip-bucket');

/**
 * Per-client-IP limit on a public endpoint (IDENTITY_PUBLIC_IP_LIMIT_PER_MINUTE per
 * endpoint): sign-up, reset and token requests cost work or mail, and anyone may send them.
 */
export const LimitPerIp = (bucket: string): MethodDecorator => applyDecorators(SetMetadata(BUCKET, bucket), UseGuards(IpRateLimitGuard), ApiProblems(429));

@Injectable()
export class IpRateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
    @Inject(identityConfig.token) private readonly config: IdentityConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const bucket = this.reflector.get<string>(BUCKET, context.getHandler());
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    await this.limiter.consume(`ip:${bucket}:${request.ip}`, this.config.publicIpLimitPerMinute, 60_000);
    return true;
  }
}
