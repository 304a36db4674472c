import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE, ProblemDocument } from './problem';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input: malformed JSON or a field that fails validation (named in `errors`)',
  401: 'Missing or invalid credentials',
  403: 'Authenticated but not allowed to act on this resource',
  404: 'No such resource (or not visible to the caller)',
  409: 'Conflicts with the current state, or an idempotency key reused with another body',
  413: 'Body larger than the configured limit',
  415: 'Body is not application/json',
  422: 'Well-formed but breaks a business rule',
  429: 'Rate limit reached; see Retry-After',
  503: 'A dependency is unavailable',
};

/** Documents error responses of a route as RFC 9457 problem documents. */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDocument),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'Error',
        content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDocument) } } },
      }),
    ),
  );
}
