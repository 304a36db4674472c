import { applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';

/** The Fastify route config flag set by @KeepRawBody(). */
export const RAW_BODY = 'skyroRawBody';

/**
 * The route keeps the exact bytes of its JSON body beside the parsed value (for signatures
 * computed over the raw body: payment providers' webhooks). Read them with @RawBody().
 */
export const KeepRawBody = (): MethodDecorator => applyDecorators(RouteConfig({ [RAW_BODY]: true }));

/** Keeps the bytes when the route asked for them (called by the app's JSON parser). */
export function keepRawBody(request: FastifyRequest, body: Buffer): void {
  const config = request.routeOptions.config as unknown as Record<string, unknown> | undefined;
  if (config?.[RAW_BODY] === true) (request as FastifyRequest & { rawBody?: Buffer }).rawBody = body;
}

/** The raw body of a @KeepRawBody() route (an empty buffer when the request had none). */
export const RawBody = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Buffer => context.switchToHttp().getRequest<FastifyRequest & { rawBody?: Buffer }>().rawBody ?? Buffer.alloc(0),
);
