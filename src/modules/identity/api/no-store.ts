import { applyDecorators, Header } from '@nestjs/common';

/** Responses carrying credentials must never be cached (RFC 6749 §5.1): tokens, secrets, codes. */
export const NoStore = (): MethodDecorator => applyDecorators(Header('cache-control', 'no-store'), Header('pragma', 'no-cache'));
