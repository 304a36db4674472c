import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errorCodes } from 'fastify';
import { ValidationError } from '@shared-kernel';
import { keepRawBody } from './raw-body';

/**
 * Bounds of a JSON body's shape, checked on the raw text before it is parsed: recursive code
 * after the parser (validation, canonical JSON, logging) never sees a body nested deeper
 * than it can walk, and no object grows more keys than a route could mean.
 */
export interface JsonLimits {
  readonly maxDepth: number;
  readonly maxObjectMembers: number;
  readonly maxArrayItems: number;
  readonly maxValues: number;
}

export const JSON_LIMITS: JsonLimits = {
  /** Nesting of objects and arrays (a body `{}` is depth 1). */
  maxDepth: 64,
  /** Members of one object: no request shape has more than a few dozen. */
  maxObjectMembers: 1_000,
  /** Items of one array: room for the largest batch (the ledger takes 5,000 transfers). */
  maxArrayItems: 10_000,
  /** Values in the whole body (a 5,000-transfer batch holds about 60,000). */
  maxValues: 200_000,
};

export interface JsonShapeViolation {
  readonly code: 'JSON_TOO_DEEP' | 'JSON_TOO_LARGE';
  /** Finishes the sentence "The request body ..." (and the field error's "body ..."). */
  readonly says: string;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

/**
 * The first limit the text breaks, or undefined. One pass over the text that stops at the
 * first violation (a body nested 10,000 deep is refused after 65 characters); strings are
 * skipped with indexOf. It does not validate JSON: malformed text is the parser's to refuse,
 * and a count that malformed text throws off only ever errs towards refusing.
 */
export function jsonShapeViolation(text: string, limits: JsonLimits = JSON_LIMITS): JsonShapeViolation | undefined {
  // Per open container: 1 for an object, 0 for an array, and the commas seen in it.
  const isObject = new Uint8Array(limits.maxDepth + 1);
  const commas = new Uint32Array(limits.maxDepth + 1);
  let depth = 0;
  let values = 1;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Jump to the closing quote: one not preceded by an odd run of backslashes.
      let end = text.indexOf('"', i + 1);
      while (end !== -1) {
        let slashes = 0;
        for (let j = end - 1; text.charCodeAt(j) === BACKSLASH; j--) slashes++;
        if (slashes % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      if (end === -1) return undefined; // unterminated: the parser refuses it
      i = end;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (depth === limits.maxDepth) {
        return { code: 'JSON_TOO_DEEP', says: `nests objects and arrays deeper than ${limits.maxDepth} levels` };
      }
      depth++;
      isObject[depth] = c === OPEN_OBJECT ? 1 : 0;
      commas[depth] = 0;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (depth > 0) depth--;
    } else if (c === COMMA && depth > 0) {
      const members = ++commas[depth]! + 1;
      if (++values > limits.maxValues) {
        return { code: 'JSON_TOO_LARGE', says: `holds more than ${limits.maxValues} values` };
      }
      if (isObject[depth] === 1 ? members > limits.maxObjectMembers : members > limits.maxArrayItems) {
        return isObject[depth] === 1
          ? { code: 'JSON_TOO_LARGE', says: `holds an object with more than ${limits.maxObjectMembers} members` }
          : { code: 'JSON_TOO_LARGE', says: `holds an array with more than ${limits.maxArrayItems} items` };
      }
    }
  }
  return undefined;
}

/**
 * Whether a Content-Type header names JSON in UTF-8 (RFC 8259 §8.1: JSON exchanged between
 * systems is UTF-8): `application/json`, optionally with well-formed parameters, of which a
 * charset must be utf-8. Empty parameters (`application/json;;`) and any other charset are
 * refused, rather than decoding UTF-16 as UTF-8.
 */
export function isUtf8MediaType(header: string | undefined, essence: string): boolean {
  if (header === undefined) return false;
  const [type, ...parameters] = header.split(';');
  if (type!.trim().toLowerCase() !== essence) return false;
  for (const parameter of parameters) {
    const match = /^\s*([!#$%&'*+.^`|~0-9A-Za-z-]+)=("[^"]*"|[!#$%&'*+.^`|~0-9A-Za-z-]+)\s*$/.exec(parameter);
    if (!match) return false;
    if (match[1]!.toLowerCase() === 'charset' && match[2]!.replace(/^"|"$/g, '').toLowerCase() !== 'utf-8') return false;
  }
  return true;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Replaces Fastify's JSON body parser with one that refuses, before parsing, what no route
 * can mean: a media type other than UTF-8 JSON (415), bytes that are not UTF-8, a body
 * nested too deep or too wide (400 JSON_TOO_DEEP / JSON_TOO_LARGE). What passes is parsed
 * by Fastify's own parser (prototype-poisoning checks included). The body size limit (413)
 * stays Fastify's, enforced while the body is read.
 */
export function installJsonBodyParser(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request: FastifyRequest, body: Buffer, done) => {
    if (!isUtf8MediaType(request.headers['content-type'], 'application/json')) {
      done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(), undefined);
      return;
    }
    let text: string;
    try {
      text = utf8.decode(body);
    } catch {
      done(new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY(), undefined);
      return;
    }
    const violation = jsonShapeViolation(text);
    if (violation) {
      done(
        new ValidationError(`The request body ${violation.says}`, [{ field: 'body', message: `body ${violation.says}`, code: violation.code }], violation.code),
        undefined,
      );
      return;
    }
    keepRawBody(request, body);
    // Fastify's parser answers through done (its return value is nothing to wait for).
    void parse(request, text, done);
  });
}
