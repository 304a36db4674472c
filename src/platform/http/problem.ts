import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { FieldError } from '@shared-kernel';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const PROBLEM_TYPE_BASE = 'https://problems.skyro.dev/';

export class ProblemFieldError implements FieldError {
  @ApiProperty({ example: 'amount', description: 'Dotted path of the offending input' })
  field!: string;

  @ApiProperty({ example: 'amount must be a positive integer string' })
  message!: string;

  @ApiPropertyOptional({ example: 'isPositiveIntegerString' })
  code?: string;
}

/** RFC 9457 problem document, with a stable `code` and the request id for support. */
export class ProblemDocument {
  @ApiProperty({ example: 'https://problems.skyro.dev/validation-failed', description: 'Stable URI identifying the problem type' })
  type!: string;

  @ApiProperty({ example: 'Validation failed' })
  title!: string;

  @ApiProperty({ example: 400 })
  status!: number;

  @ApiPropertyOptional({ example: 'amount must be a positive integer string' })
  detail?: string;

  @ApiPropertyOptional({ example: '/v1/transfers' })
  instance?: string;

  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'Stable machine-readable error code' })
  code!: string;

  @ApiPropertyOptional({ example: '0193a5f0-8e3b-7cc1-b6a2-3c1f2d9e4a10' })
  requestId?: string;

  @ApiPropertyOptional({ type: [ProblemFieldError] })
  errors?: ProblemFieldError[];
}

export function problemType(code: string): string {
  return PROBLEM_TYPE_BASE + code.toLowerCase().replace(/_/g, '-');
}

export function problem(
  status: number,
  code: string,
  title: string,
  extra: Omit<Partial<ProblemDocument>, 'status' | 'code' | 'title'> & Record<string, unknown> = {},
): ProblemDocument & Record<string, unknown> {
  return { type: problemType(code), title, status, code, ...extra };
}
