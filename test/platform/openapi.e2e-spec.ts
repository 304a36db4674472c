import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderOpenApi } from '@app/openapi-document';

describe('OpenAPI document', () => {
  let document: string;
  beforeAll(async () => {
    document = await renderOpenApi();
  });

  it('matches the committed openapi.json (run `npm run openapi` after changing the API)', () => {
    const committed = readFileSync(join(__dirname, '../../openapi.json'), 'utf8');
    expect(committed).toBe(document);
  });

  it('describes every operation with a success schema and problem-document errors', () => {
    const spec = JSON.parse(document) as {
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }>; parameters?: unknown[]; requestBody?: unknown }>
      >;
      components: { schemas: Record<string, unknown> };
    };
    expect(spec.components.schemas).toHaveProperty('ProblemDocument');
    for (const [path, operations] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const where = `${method.toUpperCase()} ${path}`;
        // 101: a WebSocket endpoint's success (Switching Protocols; the frames are not HTTP bodies).
        const success = Object.entries(operation.responses).filter(([code]) => code.startsWith('2') || code === '101');
        expect({ where, success: success.length > 0 }).toEqual({ where, success: true });
        for (const [code, response] of success) {
          if (code === '204' || code === '101') continue;
          expect({ where, code, schema: Object.values(response.content ?? {}).some((c) => c.schema) }).toEqual({ where, code, schema: true });
        }
        const hasInput = Boolean(operation.requestBody) || (operation.parameters ?? []).length > 0;
        const errors = Object.entries(operation.responses).filter(([code]) => /^[45]/.test(code));
        if (hasInput) expect({ where, documents400: errors.some(([code]) => code === '400') }).toEqual({ where, documents400: true });
        for (const [code, response] of errors) {
          expect({ where, code, problem: Boolean(response.content?.['application/problem+json']) }).toEqual({ where, code, problem: true });
        }
      }
    }
  });

  type Operation = {
    operationId?: string;
    security?: Array<Record<string, string[]>>;
    tags?: string[];
    responses: Record<string, unknown>;
    requestBody?: unknown;
    [k: string]: unknown;
  };
  const operations = () => {
    const spec = JSON.parse(document) as { paths: Record<string, Record<string, Operation>> };
    return Object.entries(spec.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({ where: `${method.toUpperCase()} ${path}`, operation })),
    );
  };

  it('names every operation once, in camelCase, as generated clients name their methods', () => {
    const ids = operations().map(({ where, operation }) => ({ where, id: operation.operationId }));
    for (const { where, id } of ids) expect({ where, id: /^[a-z][A-Za-z0-9]*$/.test(id ?? '') }).toEqual({ where, id: true });
    expect(new Set(ids.map((i) => i.id)).size).toBe(ids.length);
    const byWhere = Object.fromEntries(ids.map(({ where, id }) => [where, id]));
    expect(byWhere).toMatchObject({
      'POST /v1/ledger/transfers': 'submitTransfer',
      'GET /v1/ledger/accounts/{id}': 'getLedgerAccount',
      'GET /health/live': 'getHealthLive',
    });
  });

  it('says no credentials on public routes and the bearer token on every other, which documents its 401', () => {
    const securityOf = Object.fromEntries(operations().map(({ where, operation }) => [where, operation.security]));
    for (const where of [
      'GET /health/live',
      'GET /health/ready',
      'GET /metrics',
      'POST /v1/auth/register',
      'POST /v1/auth/login',
      'GET /.well-known/jwks.json',
    ]) {
      expect({ where, security: securityOf[where] }).toEqual({ where, security: [] });
    }
    for (const { where, operation } of operations()) {
      expect({ where, security: Array.isArray(operation.security) }).toEqual({ where, security: true });
      if (operation.security!.length === 0) continue;
      expect({ where, security: operation.security }).toEqual({ where, security: [{ bearer: [] }] });
      expect({ where, documents401: '401' in operation.responses }).toEqual({ where, documents401: true });
    }
    expect(securityOf['POST /v1/ledger/transfers']).toEqual([{ bearer: [] }]);
  });

  it('has a server (the local URL of npm start) and a described tag for every tag used', () => {
    const spec = JSON.parse(document) as {
      servers: Array<{ url: string; variables?: Record<string, { default: string }> }>;
      tags: Array<{ name: string; description?: string }>;
    };
    const [server] = spec.servers;
    expect(server!.url.replace(/\{(\w+)\}/g, (_, name: string) => server!.variables![name]!.default)).toBe('http://127.0.0.1:3000');
    const declared = new Map(spec.tags.map((t) => [t.name, t.description]));
    for (const { where, operation } of operations()) {
      for (const tag of operation.tags ?? []) expect({ where, tag, description: Boolean(declared.get(tag)) }).toEqual({ where, tag, description: true });
    }
  });

  it('names every request body `body` for openapi-generator, so a renamed component does not rename client parameters', () => {
    for (const { where, operation } of operations().filter(({ operation }) => operation.requestBody)) {
      expect({ where, name: operation['x-codegen-request-body-name'] }).toEqual({ where, name: 'body' });
    }
  });

  it('writes no one-schema allOf and no nullable without a type (OpenAPI 3.0)', () => {
    const found: string[] = [];
    const visit = (node: unknown, at: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => visit(n, `${at}/${i}`));
      if (!node || typeof node !== 'object') return;
      const object = node as Record<string, unknown>;
      if (Array.isArray(object['allOf']) && object['allOf'].length === 1 && !object['nullable'] && Object.keys(object).length === 1)
        found.push(`${at}: allOf of one schema`);
      if (object['nullable'] === true && object['type'] === undefined) found.push(`${at}: nullable without type`);
      for (const [k, v] of Object.entries(object)) visit(v, `${at}/${k}`);
    };
    visit(JSON.parse(document), '#');
    expect(found).toEqual([]);
  });

  it('closes every object a request carries (additionalProperties: false), as the server refuses unknown fields', () => {
    // The WebAuthn credential is the browser's JSON, passed whole to @simplewebauthn: the
    // server takes fields it does not know there, and the document says so ({}).
    const OPEN = /^#\/components\/schemas\/(WebAuthnAssertionRequest|PasskeyRegistrationRequest)\/properties\/response(\/properties\/response)?$/;
    // Twilio's status callback: Twilio adds parameters over time and signs all of them, so the
    // server takes any further parameter as bounded text, and the document says exactly that.
    const OPEN_TEXT = { '#/components/schemas/TwilioStatusCallback': '{"type":"string","maxLength":2000}' } as Record<string, string>;
    const spec = JSON.parse(document) as {
      paths: Record<string, Record<string, Operation & { parameters?: { schema?: unknown }[] }>>;
      components: { schemas: Record<string, unknown> };
    };
    const found: string[] = [];
    const seen = new Set<string>();
    const visit = (node: unknown, at: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => visit(n, `${at}/${i}`));
      if (!node || typeof node !== 'object') return;
      const object = node as Record<string, unknown>;
      if (typeof object['$ref'] === 'string') {
        const ref = object['$ref'];
        if (seen.has(ref)) return;
        seen.add(ref);
        return visit(spec.components.schemas[ref.split('/').pop()!], ref);
      }
      if (
        object['type'] === 'object' &&
        object['additionalProperties'] !== false &&
        !(OPEN.test(at) && JSON.stringify(object['additionalProperties']) === '{}') &&
        !(OPEN_TEXT[at] !== undefined && JSON.stringify(object['additionalProperties']) === OPEN_TEXT[at])
      )
        found.push(`${at}: additionalProperties ${JSON.stringify(object['additionalProperties'])}`);
      for (const [k, v] of Object.entries(object)) visit(v, `${at}/${k}`);
    };
    for (const [path, item] of Object.entries(spec.paths))
      for (const [method, operation] of Object.entries(item)) {
        visit(operation.requestBody, `${method.toUpperCase()} ${path} body`);
        for (const parameter of operation.parameters ?? []) visit(parameter.schema, `${method.toUpperCase()} ${path} parameter`);
      }
    expect(seen.size).toBeGreaterThan(20);
    expect(found).toEqual([]);
  });

  it('states the enums and the cross-field rules the server checks', () => {
    const { schemas } = (JSON.parse(document) as { components: { schemas: Record<string, Record<string, unknown>> } }).components;
    expect(schemas['CurrencyCode']!['enum']).toEqual(expect.arrayContaining(['EUR', 'USD', 'JPY']));
    expect(schemas['CurrencyCode']!['enum']).not.toContain('XXX');
    expect(schemas['CountryCode']!['enum']).toEqual(expect.arrayContaining(['GB', 'DE']));
    expect(schemas['SecondFactorRequest']!['anyOf']).toEqual([{ required: ['code'] }, { required: ['recoveryCode'] }]);
    expect(schemas['MfaLoginRequest']!['anyOf']).toEqual([{ required: ['code'] }, { required: ['recoveryCode'] }]);
    expect((schemas['TransferInput']!['anyOf'] as { title: string }[]).map((b) => b.title)).toEqual(['posted', 'pending', 'post_pending', 'void_pending']);
    expect(new RegExp(schemas['MinorUnits']!['pattern'] as string).test('9223372036854775808')).toBe(false);
    expect(new RegExp(schemas['MinorUnits']!['pattern'] as string).test('9223372036854775807')).toBe(true);
  });

  it('shows an example for ids, money and currencies', () => {
    const spec = JSON.parse(document) as { components: { schemas: Record<string, { properties?: Record<string, Record<string, unknown>> }> } };
    const { properties } = spec.components.schemas['Transfer']!;
    expect(properties!['id']!['example']).toEqual(expect.stringMatching(/^[0-9a-f]{8}-/));
    expect(spec.components.schemas['MinorUnits']).toHaveProperty('example');
    expect(spec.components.schemas['CurrencyCode']).toHaveProperty('example', 'EUR');
  });
});
