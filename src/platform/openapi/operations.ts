import { type INestApplicationContext, type Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { DECORATORS, type OpenAPIObject } from '@nestjs/swagger';
import { IS_PUBLIC } from '../auth/decorators';
import { PROBLEM_CONTENT_TYPE } from '../http/problem';

/*
 * What the document says about each operation beyond its shapes: a unique, stable
 * operationId (the method name of generated clients) and its security (none on @Public()
 * routes, the bearer token everywhere else, as the global auth guard enforces).
 */

/** The security scheme every authenticated route takes (declared by the document builder). */
export const BEARER_SCHEME = 'bearer';

/** A route handler of a controller, as Nest registered it. */
export interface RouteHandler {
  readonly controller: Type<unknown>;
  readonly method: string;
  /** Set with `@ApiOperation({ operationId })`: wins over the derived one. */
  readonly explicitId?: string;
  readonly isPublic: boolean;
}

const ROUTE_KEY = /^(.+)#([^#[\]]+)(?:\[\d+\])?$/;

/** What swagger's operationIdFactory writes: a key resolved to the real id once the document is built. */
export function routeKey(controllerKey: string, methodKey: string): string {
  return `${controllerKey}#${methodKey}`;
}

/** Every route handler of the app's controllers (what the explorer documents). */
export function routeHandlers(app: INestApplicationContext): RouteHandler[] {
  const handlers: RouteHandler[] = [];
  const seen = new Set<Type<unknown>>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | null;
      if (!controller || seen.has(controller)) continue;
      seen.add(controller);
      for (const method of methodNames(controller.prototype as object)) {
        const handler = (controller.prototype as Record<string, unknown>)[method] as object;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const operation = Reflect.getMetadata(DECORATORS.API_OPERATION, handler) as { operationId?: string } | undefined;
        // The auth guard's rule (Reflector.getAllAndOverride): the handler's mark, else the class's.
        const isPublic = Boolean((Reflect.getMetadata(IS_PUBLIC, handler) as boolean | undefined) ?? Reflect.getMetadata(IS_PUBLIC, controller));
        handlers.push({ controller, method, isPublic, ...(operation?.operationId ? { explicitId: operation.operationId } : {}) });
      }
    }
  }
  return handlers;
}

function methodNames(prototype: object): string[] {
  const names = new Set<string>();
  for (let p: object | null = prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const name of Object.getOwnPropertyNames(p)) {
      if (name !== 'constructor' && typeof Object.getOwnPropertyDescriptor(p, name)?.value === 'function') names.add(name);
    }
  }
  return [...names];
}

type Operation = {
  operationId?: string;
  security?: Array<Record<string, string[]>>;
  responses?: Record<string, unknown>;
  [key: string]: unknown;
};

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * Gives every operation its final operationId and security, and documents the 401 of every
 * authenticated route. Throws when two operations would share an id (generated clients
 * would silently lose one) or when a route cannot be traced to its handler.
 */
export function finishOperations(document: OpenAPIObject, handlers: readonly RouteHandler[]): OpenAPIObject {
  const byKey = new Map<string, RouteHandler[]>();
  const byExplicitId = new Map<string, RouteHandler>();
  for (const handler of handlers) {
    const key = routeKey(handler.controller.name, handler.method);
    byKey.set(key, [...(byKey.get(key) ?? []), handler]);
    if (handler.explicitId) byExplicitId.set(handler.explicitId, handler);
  }
  const owners = new Map<string, string>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const verb of HTTP_METHODS) {
      const operation = (item as Record<string, Operation | undefined>)[verb];
      if (!operation) continue;
      const where = `${verb.toUpperCase()} ${path}`;
      const written = operation.operationId ?? '';
      const match = ROUTE_KEY.exec(written);
      let handler: RouteHandler | undefined;
      let id: string;
      if (match) {
        const candidates = byKey.get(routeKey(match[1]!, match[2]!)) ?? [];
        if (candidates.length > 1)
          throw new Error(`OpenAPI: ${where}: two controllers are named ${match[1]}; rename one (operation ids derive from controller names)`);
        handler = candidates[0];
        if (!handler) throw new Error(`OpenAPI: ${where}: no route handler ${match[1]}.${match[2]}`);
        id = deriveOperationId(handler.controller.name, handler.method, verb);
      } else {
        handler = byExplicitId.get(written);
        if (!handler) throw new Error(`OpenAPI: ${where}: operationId ${JSON.stringify(written)} belongs to no route handler`);
        id = written;
      }
      const owner = owners.get(id);
      if (owner) {
        throw new Error(
          `OpenAPI: operationId ${id} of ${where} is also the id of ${owner}; give one of them its own with @ApiOperation({ operationId }) or rename the method`,
        );
      }
      owners.set(id, where);
      operation.operationId = id;
      // openapi-generator names a body parameter after its schema's component (a context may
      // rename those); one fixed name keeps clients' call sites stable: `submitTransfer({ body })`.
      if (operation['requestBody'] && operation['x-codegen-request-body-name'] === undefined) operation['x-codegen-request-body-name'] = 'body';
      if (handler.isPublic) {
        // `[]` says "no credentials"; a public route that also documents a scheme takes it optionally.
        operation.security = operation.security?.length ? [{}, ...operation.security] : [];
      } else {
        if (!operation.security?.length) operation.security = [{ [BEARER_SCHEME]: [] }];
        operation.responses ??= {};
        operation.responses['401'] ??= {
          description: 'Missing or invalid credentials',
          content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/ProblemDocument' } } },
        };
      }
    }
  }
  return document;
}

/*
 * Derived operation ids read as "verb + resource + the rest of the method name", the
 * resource being the controller's name without `HttpController`, singular:
 *   TransfersHttpController.submit      POST  -> submitTransfer
 *   TransfersHttpController.submitBatch POST  -> submitTransferBatch
 *   LedgerAccountsHttpController.get    GET   -> getLedgerAccount
 *   LedgerAccountsHttpController.postings GET -> getLedgerAccountPostings
 *   AccountsHttpController.list         GET   -> listAccounts
 * A method whose name does not start with a verb gets the HTTP method's (get, create, set,
 * update, delete). Where this reads badly, `@ApiOperation({ operationId })` names it.
 */

// prettier-ignore
const VERBS = new Set([
  'accept', 'activate', 'add', 'approve', 'archive', 'assign', 'authorize', 'block', 'cancel', 'capture', 'change', 'check', 'close',
  'complete', 'confirm', 'count', 'create', 'deactivate', 'delete', 'download', 'enrol', 'enroll', 'erase', 'export', 'fetch', 'find',
  'freeze', 'generate', 'get', 'import', 'issue', 'list', 'lock', 'log', 'move', 'open', 'pay', 'post', 'put', 'read', 'refund', 'regenerate',
  'register', 'reject', 'remove', 'rename', 'replace', 'request', 'resend', 'reset', 'restore', 'revoke', 'rotate', 'run', 'scrape', 'search',
  'send', 'set', 'sign', 'start', 'step', 'stop', 'submit', 'suspend', 'transfer', 'unblock', 'unfreeze', 'unlock', 'update', 'upload',
  'validate', 'verify', 'void',
]);
/** Verbs a GET may start with (anything else on a GET names what it gets). */
const READ_VERBS = new Set(['check', 'count', 'download', 'export', 'fetch', 'find', 'generate', 'get', 'list', 'read', 'scrape', 'search', 'verify']);
/** Words that end phrasal verbs: signUp, signIn, stepUp, logOut. */
const PARTICLES = new Set(['Up', 'In', 'Out', 'Off']);
/** Controller names that end in s without being plural. */
const UNCOUNTABLE = new Set(['Metrics', 'News', 'Settings', 'Status']);
const DEFAULT_VERB: Record<string, string> = {
  get: 'get',
  post: 'create',
  put: 'set',
  patch: 'update',
  delete: 'delete',
  head: 'check',
  options: 'get',
  trace: 'get',
};

export function deriveOperationId(controllerName: string, methodName: string, httpMethod: string): string {
  const stem = controllerName.replace(/(Http)?Controller$/, '') || controllerName;
  const [plural, singular] = UNCOUNTABLE.has(stem) ? [stem, stem] : [stem, singularOf(stem)];
  const words = methodName.match(/[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])/g) ?? [methodName];
  const first = words[0].toLowerCase();
  const startsWithVerb = httpMethod === 'get' ? READ_VERBS.has(first) : VERBS.has(first);
  let verb: string;
  let rest: string[];
  if (startsWithVerb) {
    const particle = words[1] && PARTICLES.has(words[1]) ? words[1] : '';
    verb = first + particle;
    rest = words.slice(particle ? 2 : 1);
  } else {
    verb = DEFAULT_VERB[httpMethod] ?? httpMethod;
    rest = words;
  }
  // A method named after its resource names no action: TokenHttpController.token is
  // createToken (not createTokenToken), AccountTransfersHttpController.transfer createAccountTransfer.
  rest = rest.map(capitalize).filter((w, i) => !(i === 0 && (w === singular || w === plural)));
  const resourceWords = singular.match(/[A-Z][a-z0-9]*/g) ?? [singular];
  if (startsWithVerb && rest.length === 0 && capitalize(verb) === resourceWords[resourceWords.length - 1]) verb = DEFAULT_VERB[httpMethod] ?? httpMethod;
  if (rest.length === 1 && rest[0] === 'All') return `${verb}All${plural}`;
  const noun = verb === 'list' && rest.length === 0 ? plural : singular;
  return `${verb}${noun}${rest.join('')}`;
}

function singularOf(word: string): string {
  if (/ies$/.test(word)) return word.replace(/ies$/, 'y');
  if (/(ss|us|is)$/.test(word)) return word;
  if (/sses$/.test(word)) return word.replace(/es$/, '');
  return word.replace(/s$/, '');
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
