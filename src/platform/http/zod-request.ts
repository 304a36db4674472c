import { applyDecorators, Body, Param, Query, type PipeTransform } from '@nestjs/common';
import { RouteSchema } from '@nestjs/platform-fastify';
import { ApiBody, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { ValidationError, type FieldError } from '@shared-kernel';
import { jsonSchemaOf, zodSchemaRef } from '../openapi/zod-openapi';

/*
 * Routes take their input through the contract's zod schemas: one schema validates the
 * request (every failure names its field, unknown fields are refused when the schema is
 * strict) and documents it in the OpenAPI document. No second description of the shape.
 */

type Location = 'body' | 'query' | 'params';

/** Parses with a schema; failures are a 400 VALIDATION_FAILED naming each field. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    private readonly schema: S,
    private readonly location: Location,
  ) {}

  transform(value: unknown): z.output<S> {
    const result = this.schema.safeParse(value, { error: defaultMessage });
    if (!result.success) throw new ValidationError('The request has invalid fields', fieldErrors(result.error, this.location));
    return result.data;
  }
}

/** The request body, validated by `schema` (and documented as the operation's request body). */
export function ValidBody(schema: z.ZodType, options: { description?: string } = {}): ParameterDecorator {
  return (target, key, index) => {
    Body(new ZodPipe(schema, 'body'))(target, key, index);
    ApiBody({ schema: zodSchemaRef(schema, 'input'), required: true, ...options })(target, key!, Object.getOwnPropertyDescriptor(target, key!)!);
  };
}

/** The query string as one object validated by `schema`, each property documented as a query parameter. */
export function ValidQuery(schema: z.ZodObject): ParameterDecorator {
  return (target, key, index) => {
    Query(new ZodPipe(schema, 'query'))(target, key, index);
    const descriptor = Object.getOwnPropertyDescriptor(target, key!)!;
    for (const [name, property] of Object.entries<z.ZodType>(schema.shape)) {
      ApiQuery({ name, required: !property.safeParse(undefined).success, schema: zodSchemaRef(property, 'input'), description: property.description })(
        target,
        key!,
        descriptor,
      );
    }
  };
}

/** The path parameters as one object validated by `schema`, each documented as a path parameter. */
export function ValidParams(schema: z.ZodObject): ParameterDecorator {
  return (target, key, index) => {
    Param(new ZodPipe(schema, 'params'))(target, key, index);
    const descriptor = Object.getOwnPropertyDescriptor(target, key!)!;
    for (const [name, property] of Object.entries<z.ZodType>(schema.shape)) {
      ApiParam({ name, required: true, schema: zodSchemaRef(property, 'input'), description: property.description })(target, key!, descriptor);
    }
  };
}

/**
 * The request body validated by Fastify's compiled Ajv validator from the JSON Schema
 * derived from `schema` (for large bodies on hot paths, where a per-request zod parse would
 * cost milliseconds): no refinements, only what JSON Schema says. Use with a plain @Body().
 */
export function CompiledBody(schema: z.ZodType): MethodDecorator {
  return applyDecorators(RouteSchema({ body: jsonSchemaOf(schema) }), ApiBody({ schema: zodSchemaRef(schema, 'input'), required: true }));
}

/** Documents a successful answer of the route with its contract schema. */
export function ApiResult(status: number, schema: z.ZodType, description = status === 201 ? 'Created' : 'OK'): MethodDecorator & ClassDecorator {
  return ApiResponse({ status, description, schema: zodSchemaRef(schema, 'output') });
}

/**
 * Documents a successful answer that comes in several media types (content negotiation),
 * one contract schema per type, e.g. `{ 'application/json': StatementJson, 'text/csv': StatementCsv }`.
 */
export function ApiResultContent(
  status: number,
  content: Readonly<Record<string, z.ZodType>>,
  description = status === 201 ? 'Created' : 'OK',
): MethodDecorator & ClassDecorator {
  return ApiResponse({
    status,
    description,
    content: Object.fromEntries(Object.entries(content).map(([type, schema]) => [type, { schema: zodSchemaRef(schema, 'output') }])),
  });
}

/** Field errors in the problem document's shape: dotted paths, a message naming the field. */
export function fieldErrors(error: z.ZodError, location: Location | ''): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => {
        const field = path ? `${path}.${k}` : k;
        return { field, message: `${field} is not an accepted field`, code: 'unrecognized_keys' };
      });
    }
    const field = path || location || 'value';
    return [{ field, message: `${field} ${issue.message}`, code: issue.code }];
  });
}

/**
 * Messages for the checks a schema did not word itself; they finish the sentence
 * "<field> ...", like the ones schemas give (`must be ...`).
 */
export function defaultMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be ${article(issue.expected)}`;
    case 'too_small':
      return issue.origin === 'string'
        ? `must be at least ${String(issue.minimum)} characters long`
        : issue.origin === 'array' || issue.origin === 'set'
          ? `must hold at least ${String(issue.minimum)} items`
          : `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return issue.origin === 'string'
        ? `must be at most ${String(issue.maximum)} characters long`
        : issue.origin === 'array' || issue.origin === 'set'
          ? `must hold at most ${String(issue.maximum)} items`
          : `must be at most ${String(issue.maximum)}`;
    case 'invalid_format':
      return issue.format === 'regex' ? 'has an invalid format' : `must be a valid ${formatName(issue.format)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_union':
      return 'does not match any accepted form';
    default:
      return undefined;
  }
}

function article(type: string): string {
  if (type === 'int') return 'an integer';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function formatName(format: string): string {
  return format === 'guid' || format === 'uuid' ? 'UUID' : format === 'datetime' ? 'ISO 8601 date-time with a time zone' : format;
}
