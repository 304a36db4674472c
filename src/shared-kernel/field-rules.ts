import type { z } from 'zod';

/**
 * An object that needs at least one of `fields`, stated once: zod checks it (one issue on the
 * first field, with `message`) and the object's JSON Schema says it (`anyOf` of `required`),
 * so the OpenAPI document states the rule that a prose description used to.
 */
export function atLeastOneOf<T extends z.ZodObject>(schema: T, fields: readonly [string, ...string[]], message: string) {
  return schema
    .superRefine((value, ctx) => {
      if (fields.every((field) => (value as Record<string, unknown>)[field] === undefined)) ctx.addIssue({ code: 'custom', path: [fields[0]], message });
    })
    .meta({ anyOf: fields.map((field) => ({ required: [field] })) });
}

/**
 * Marks an object schema whose `anyOf` rules the code checks itself (field by field, with its
 * own messages): the OpenAPI document states them, a compiled JSON Schema validator (Fastify's
 * Ajv, for `@CompiledBody`) leaves them out so its generic messages do not come first.
 */
export const RULES_CHECKED_IN_CODE = 'x-skyro-rules-checked-in-code';

/**
 * The JSON Schema of "these boolean fields are not all true", as `meta` of an object schema
 * (`anyOf`: one of them absent or false). For a rule a handler checks itself, for bus callers
 * too and with its own message: the document states it, compiled validators leave it to the
 * handler (RULES_CHECKED_IN_CODE).
 */
export function notAllTrue(fields: readonly [string, string, ...string[]]): Record<string, unknown> {
  return { anyOf: fields.map((field) => ({ properties: { [field]: { enum: [false] } } })), [RULES_CHECKED_IN_CODE]: true };
}
