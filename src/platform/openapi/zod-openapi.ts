import type { OpenAPIObject } from '@nestjs/swagger';
import { z } from 'zod';
import { RULES_CHECKED_IN_CODE } from '@shared-kernel';

/*
 * The OpenAPI schemas of routes come from the contracts' zod schemas. At decoration time a
 * route only records a placeholder naming its schema; when the document is built every
 * placeholder becomes JSON Schema (OpenAPI 3.0 dialect): a schema with a zod `id` is a
 * shared component referenced by `$ref`, anything else is written inline.
 */

export type SchemaIo = 'input' | 'output';

const PLACEHOLDER = 'x-skyro-zod';
const schemas: Array<{ schema: z.ZodType; io: SchemaIo }> = [];
const REF_BASE = '#/components/schemas/';

/** A stand-in for a zod schema inside swagger metadata; `input` for what clients send, `output` for answers. */
export function zodSchemaRef(schema: z.ZodType, io: SchemaIo): Record<string, unknown> {
  schemas.push({ schema, io });
  return { [PLACEHOLDER]: schemas.length - 1 };
}

/** The schema as JSON Schema for a validator (Fastify's Ajv), self-contained; rules the code checks itself are left to it. */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: 'draft-07', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json['$schema'];
  return withoutRulesCheckedInCode(json, true) as Record<string, unknown>;
}

/** Drops the RULES_CHECKED_IN_CODE marker, and with `rules` the `anyOf` it marks. */
function withoutRulesCheckedInCode(node: unknown, rules: boolean): unknown {
  if (Array.isArray(node)) return node.map((n) => withoutRulesCheckedInCode(n, rules));
  if (!node || typeof node !== 'object') return node;
  const marked = (node as Json)[RULES_CHECKED_IN_CODE] === true;
  return Object.fromEntries(
    Object.entries(node as Json)
      .filter(([k]) => k !== RULES_CHECKED_IN_CODE && !(marked && rules && k === 'anyOf'))
      .map(([k, v]) => [k, withoutRulesCheckedInCode(v, rules)]),
  );
}

type Json = Record<string, unknown>;

/**
 * Replaces the placeholders of a built document with JSON Schema and adds the components
 * they reference (only those: an unreferenced schema is not part of this API).
 */
export function resolveZodSchemas(document: OpenAPIObject): OpenAPIObject {
  // Anonymous route schemas are converted with the registry too (so their nested `$ref`s
  // point at components), under temporary ids, then inlined where they are used.
  const temporary = new Map<z.ZodType, string>();
  for (const { schema } of schemas) {
    if (!idOf(schema) && !temporary.has(schema)) temporary.set(schema, `__route_${temporary.size}`);
  }
  for (const [schema, id] of temporary) z.globalRegistry.add(schema, { ...(z.globalRegistry.get(schema) ?? {}), id });
  let converted: Record<SchemaIo, Record<string, Json>>;
  try {
    converted = {
      input: convert('input'),
      output: convert('output'),
    };
  } finally {
    for (const [schema] of temporary) {
      const { id: _id, ...rest } = z.globalRegistry.get(schema) as Json;
      z.globalRegistry.remove(schema);
      if (Object.keys(rest).length) z.globalRegistry.add(schema, rest);
    }
  }

  const components: Record<string, Json> = {};
  // A component whose input and output forms differ (defaults, transforms) gets a second
  // component `<id>Input` for the request side.
  const componentName = (id: string, io: SchemaIo): string =>
    io === 'input' && JSON.stringify(converted.input[id]) !== JSON.stringify(converted.output[id]) ? `${id}Input` : id;
  const resolveRefs = (node: unknown, io: SchemaIo): unknown => {
    if (Array.isArray(node)) return node.map((n) => resolveRefs(n, io));
    if (!node || typeof node !== 'object') return node;
    const ref = (node as Json)['$ref'];
    if (typeof ref === 'string' && ref.startsWith(REF_BASE)) {
      const id = ref.slice(REF_BASE.length);
      if (id.startsWith('__route_')) return resolveRefs(converted[io][id], io);
      const name = componentName(id, io);
      if (!(name in components)) {
        components[name] = {}; // reserve first: schemas may refer to themselves
        components[name] = resolveRefs(converted[io][id], io) as Json;
      }
      return { ...(node as Json), $ref: REF_BASE + name };
    }
    return Object.fromEntries(Object.entries(node as Json).map(([k, v]) => [k, resolveRefs(v, io)]));
  };
  const replace = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(replace);
    if (!node || typeof node !== 'object') return node;
    const index = (node as Json)[PLACEHOLDER];
    if (typeof index === 'number') {
      const { schema, io } = schemas[index]!;
      const id = idOf(schema) ?? temporary.get(schema)!;
      return resolveRefs({ $ref: REF_BASE + id }, io);
    }
    return Object.fromEntries(Object.entries(node as Json).map(([k, v]) => [k, replace(v)]));
  };

  const resolved = replace(document) as OpenAPIObject;
  resolved.components = { ...resolved.components, schemas: { ...resolved.components?.schemas, ...sortKeys(components) } };
  return withoutRulesCheckedInCode(singleAllOfUnwrapped(resolved), false) as OpenAPIObject;
}

/*
 * zod writes a wrapped schema (optional, nullable, with a description) as `allOf: [inner]`
 * beside its own keywords, because OpenAPI 3.0 ignores a $ref's siblings. An inline inner
 * schema is merged instead; a nullable $ref gets the referenced schema's `type`, which
 * OpenAPI 3.0 requires beside `nullable` (generators and linters ignore `nullable` without
 * it); a lone $ref stands for itself.
 */
function singleAllOfUnwrapped(document: OpenAPIObject): OpenAPIObject {
  const components = (document.components?.schemas ?? {}) as Record<string, Json>;
  const typeOf = (ref: string): unknown => components[ref.slice(REF_BASE.length)]?.['type'];
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (!node || typeof node !== 'object') return node;
    const object: Json = Object.fromEntries(Object.entries(node as Json).map(([k, v]) => [k, visit(v)]));
    const allOf = object['allOf'];
    if (!Array.isArray(allOf) || allOf.length !== 1 || !allOf[0] || typeof allOf[0] !== 'object') return object;
    const { allOf: _allOf, ...siblings } = object;
    const inner = allOf[0] as Json;
    const ref = inner['$ref'];
    if (typeof ref !== 'string') return { ...inner, ...siblings };
    if (Object.keys(siblings).length === 0) return inner;
    if (siblings['nullable'] === true && siblings['type'] === undefined && typeOf(ref) !== undefined) return { type: typeOf(ref), ...siblings, allOf };
    return object;
  };
  return visit(document) as OpenAPIObject;
}

function convert(io: SchemaIo): Record<string, Json> {
  const { schemas: converted } = z.toJSONSchema(z.globalRegistry, { target: 'openapi-3.0', io, unrepresentable: 'any', uri: (id) => REF_BASE + id }) as {
    schemas: Record<string, Json>;
  };
  for (const schema of Object.values(converted)) {
    delete schema['$id'];
    delete schema['$schema'];
  }
  return converted;
}

function idOf(schema: z.ZodType): string | undefined {
  const meta = z.globalRegistry.get(schema) as { id?: unknown } | undefined;
  return typeof meta?.id === 'string' ? meta.id : undefined;
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
