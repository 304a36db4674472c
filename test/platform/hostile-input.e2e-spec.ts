import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Response } from 'supertest';
import { CONTEXTS } from '@modules/index';
import { contextSchemaSql } from '@platform/database/context-schema';
import { startTestApp, type TestApp } from '../support/app';
import { bearer, clientToken, loginAs } from '../support/auth';
import { createTestDatabase, sql } from '../support/database';
import { newUuid } from '../ledger/ledger-support';
import { PASSWORD, signUp, testMailbox, uniqueEmail } from '../identity/support';

/*
 * Issue 16: hostile input gets a fast 4xx problem document, never a 500 or a stack overflow.
 * One app runs every context on the real PostgreSQL and Redis; every route that takes input
 * is a row of the table below (a test holds the table to the OpenAPI document), and each row
 * is sent: a body nested 10,000 deep and one with 100,000 keys, control characters, overlong
 * strings and wrong types in every field, out-of-range numbers and overlong numeric strings,
 * cursors beyond bigint, time-zone offsets PostgreSQL refuses, and Unicode forms (NFD,
 * zero-width, RTL override), which a text field may accept but which must never be a 500.
 */

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Row {
  readonly family: string;
  readonly method: Method;
  /** The OpenAPI path template (the completeness check matches it). */
  readonly template: string;
  /** The concrete path, ids filled in. */
  readonly path: () => string;
  readonly auth: () => Record<string, string>;
  /** A well-formed body; every field of it is attacked in turn. Absent: the route takes none. */
  readonly body?: () => { [key: string]: Json };
  /** A well-formed query; each parameter is attacked with `queryAttacks` of its kind. */
  readonly query?: Readonly<Record<string, QueryKind>>;
  readonly validQuery?: Readonly<Record<string, string>>;
  /** Whether the path parameters (the template's `{...}` segments) are attacked with malformed values. */
  readonly pathParams?: number;
  /** Fields that take any character (a password as typed at sign-in): refused or not, only a 4xx is asked of them. */
  readonly anyCharacter?: readonly string[];
}

type QueryKind = 'cursor' | 'limit' | 'timestamp' | 'period' | 'text' | 'enum' | 'id';

interface Case {
  readonly label: string;
  readonly row: Row;
  readonly path?: string;
  readonly body?: string;
  readonly contentType?: string;
  /** refused: a 4xx problem; `field` must be named in `errors`; `code` must be the problem's code. */
  readonly expect: { readonly outcome: 'refused' | 'tolerated'; readonly field?: string; readonly code?: string };
}

const CONTROL_CHARACTERS = ['\u0000', '\u0007', '\t', '\n', '\r', '\u001b', '\u007f', '\u0085', '\u2028'];
const UNICODE_FORMS = ['Jose\u0301 Garci\u0301a', 'Jo\u200bse\u200d', '\u202eevil\u202c.exe', '\ufeffBOM', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢'];
const OVERLONG = 'x'.repeat(100_000);
/** Raw JSON number literals beyond what a field takes (1e400 parses to Infinity). */
const BAD_NUMBERS = ['-1', '1.5', '2147483648', '9007199254740993', '1e308', '-1e308', '1e400'];
const BAD_NUMERIC_STRINGS = ['9'.repeat(30), '9223372036854775808', '-1', '1e3', ' 1', '0x10', '١٢٣', '1.0', '9'.repeat(5000)];
const QUERY_ATTACKS: Record<QueryKind, readonly string[]> = {
  cursor: ['9999999999999999999', '9223372036854775808', '9'.repeat(1000), '0', '-1', '1e3', 'abc', '%00'],
  limit: ['0', '-1', '1.5', '1e400', '9'.repeat(400), 'abc', '%00'],
  timestamp: [
    '2026-01-01T00:00:00%2B22:13',
    '2026-01-01T00:00:00-18:38',
    '2026-01-01T00:00:00%2B16:00',
    '0000-01-01T00:00:00Z',
    `2026-01-01T00:00:00.${'1'.repeat(200)}Z`,
    '2026-02-30T00:00:00Z',
    '9'.repeat(1000),
    '%00',
  ],
  period: [
    '2026-01-01T00:00:00%2B22:13',
    '2026-01-01T00:00:00-18:38',
    '0000-01-01',
    '0000-01-01T00:00:00Z',
    '2023-02-29',
    `2026-01-01T00:00:00.${'1'.repeat(200)}`,
    '%00',
  ],
  text: ['a%00b', 'a%1Bb', 'a%0Ab', 'a%E2%80%A8b', encodeURIComponent(OVERLONG.slice(0, 5000))],
  enum: ['%00', 'x'.repeat(3000), '%E2%80%AEposted'],
  id: ['not-a-uuid', '%00', `${newUuid()}%00`, '%E2%80%AE'],
};
const PATH_ATTACKS = ['not-a-uuid', '%00', '%E2%80%AE%E2%80%AC', 'x'.repeat(250), '..%2F..%2Fetc%2Fpasswd', `${'%F0%9F%92%A9'.repeat(10)}`];

/** Routes that take form bodies as well as JSON (@FormBody()): a form is no unsupported media type there. */
const FORM_ROUTES = ['/v1/auth/token', '/v1/notifications/callbacks/twilio'];

/** A 10,000-deep body, and one object of 100,000 keys (under the 1 MiB body limit). */
const DEEP_BODY = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
const WIDE_BODY = `{${Array.from({ length: 100_000 }, (_, i) => `"${i.toString(36)}":0`).join(',')}}`;
const LONG_ARRAY_BODY = `[${'0,'.repeat(99_999)}0]`;

/** Every leaf (and container) of a body with its dotted path. */
function fieldsOf(value: Json, path: string[] = []): Array<{ path: string[]; value: Json }> {
  if (value === null || typeof value !== 'object') return [{ path, value }];
  const children = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  return [...(path.length ? [{ path, value }] : []), ...children.flatMap(([k, v]) => fieldsOf(v, [...path, k]))];
}

function withField(body: { [key: string]: Json }, path: readonly string[], replacement: Json): { [key: string]: Json } {
  const copy = structuredClone(body);
  let node = copy as Record<string, Json>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, Json>;
  node[path.at(-1)!] = replacement;
  return copy;
}

/** JSON text with a raw number literal in place of the marker (JSON.stringify cannot write 1e400). */
function withRawNumber(body: { [key: string]: Json }, path: readonly string[], literal: string): string {
  const marker = '@@raw-number@@';
  return JSON.stringify(withField(body, path, marker)).replace(`"${marker}"`, literal);
}

function casesOf(row: Row): Case[] {
  const cases: Case[] = [];
  const add = (label: string, c: Omit<Case, 'label' | 'row'>) =>
    cases.push({ label: `${row.family}: ${row.method.toUpperCase()} ${row.template} ${label}`, row, ...c });
  const takesBody = row.method !== 'get';

  if (takesBody) {
    add('a body nested 10,000 deep', { body: DEEP_BODY, expect: { outcome: 'refused', code: 'JSON_TOO_DEEP' } });
    add('a body with 100,000 keys', { body: WIDE_BODY, expect: { outcome: 'refused', code: 'JSON_TOO_LARGE' } });
    add('a body of 100,000 array items', { body: LONG_ARRAY_BODY, expect: { outcome: 'refused', code: 'JSON_TOO_LARGE' } });
  }
  if (row.body) {
    const valid = row.body();
    for (const whole of ['[]', '"text"', '12345', 'null', 'true', '[{}]'])
      add(`the body as ${whole}`, { body: whole, expect: { outcome: 'refused', field: 'body' } });
    for (const contentType of ['application/json; charset=utf-16', 'application/json;;', 'text/plain', 'application/x-www-form-urlencoded']) {
      if (contentType.startsWith('application/x-www-form-urlencoded') && FORM_ROUTES.includes(row.template)) continue;
      add(`sent as ${contentType}`, { body: JSON.stringify(valid), contentType, expect: { outcome: 'refused', code: 'UNSUPPORTED_MEDIA_TYPE' } });
    }
    add('an unknown field', { body: JSON.stringify({ ...valid, ['\u0000unknown']: 1 }), expect: { outcome: 'refused', code: 'VALIDATION_FAILED' } });
    add('a __proto__ field', { body: JSON.stringify(valid).replace(/^\{/, '{"__proto__":{"roles":["admin"]},'), expect: { outcome: 'refused' } });
    for (const { path, value } of fieldsOf(valid)) {
      const field = path.join('.');
      const body = row.body;
      const attack = (label: string, replacement: Json, expected: Case['expect'] = { outcome: 'refused', field }) =>
        add(`${field} ${label}`, { body: JSON.stringify(withField(body(), path, replacement)), expect: expected });
      const anyCharacter = row.anyCharacter?.includes(field) ?? false;
      if (typeof value === 'string') {
        for (const c of CONTROL_CHARACTERS) {
          attack(`with ${JSON.stringify(c)}`, `${value.slice(0, 3)}${c}${value.slice(3)}`, anyCharacter ? { outcome: 'refused' } : undefined);
        }
        attack('overlong', OVERLONG);
        for (const form of UNICODE_FORMS) attack(`as ${JSON.stringify(form)}`, form, { outcome: 'tolerated' });
        attack('as an object', { value });
        attack('as an array', [value]);
        attack('as a number', 12345);
        if (/^[0-9]+$/.test(value)) for (const n of BAD_NUMERIC_STRINGS) attack(`as ${n.slice(0, 30)}`, n);
      } else if (typeof value === 'number') {
        for (const literal of BAD_NUMBERS) {
          add(`${field} as ${literal}`, { body: withRawNumber(body(), path, literal), expect: { outcome: 'refused', field } });
        }
        attack('as a string', String(value));
        attack('as an array', [value]);
      } else if (typeof value === 'boolean') {
        attack('as a string', String(value));
        attack('as a number', 1);
      } else if (Array.isArray(value)) {
        attack('as an object', { 0: value[0] ?? null });
        attack('as a string', 'text');
      } else if (value !== null) {
        attack('as an array', [value]);
        attack('as a string', 'text');
      }
    }
  }
  for (const [name, kind] of Object.entries(row.query ?? {})) {
    for (const attack of QUERY_ATTACKS[kind]) {
      const query = new URLSearchParams(row.validQuery ?? {});
      query.delete(name);
      const encoded = [...query].map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
      add(`?${name}=${attack.slice(0, 40)}`, {
        path: `${row.path()}?${[...encoded, `${name}=${attack}`].join('&')}`,
        expect: { outcome: 'refused', field: name },
      });
    }
    const twice = new URLSearchParams(row.validQuery ?? {});
    twice.append(name, twice.get(name) ?? 'a');
    twice.append(name, 'b');
    add(`?${name} repeated`, { path: `${row.path()}?${twice.toString()}`, expect: { outcome: 'refused', field: name } });
  }
  if (row.query) {
    add('an unknown query parameter', {
      path: `${row.path()}?${new URLSearchParams({ ...row.validQuery, 'x%00': '1' }).toString()}`,
      expect: { outcome: 'refused' },
    });
  }
  if (row.pathParams) {
    const segments = row.path().split('/');
    const parameters = row.template
      .split('/')
      .map((segment, index) => (segment.startsWith('{') ? index : -1))
      .filter((index) => index >= 0);
    for (const index of parameters) {
      for (const attack of PATH_ATTACKS) {
        const path = segments.map((s, i) => (i === index ? attack : s)).join('/');
        add(`path parameter ${row.template.split('/')[index]} as ${attack.slice(0, 30)}`, { path, expect: { outcome: 'refused' } });
      }
    }
  }
  return cases;
}

interface Outcome {
  readonly label: string;
  readonly status: number;
  readonly ms: number;
  readonly code: unknown;
  readonly problem: string | undefined;
}

function judge(c: Case, res: Response): string | undefined {
  const body = res.body as { status?: unknown; code?: unknown; type?: unknown; errors?: Array<{ field: string }> };
  const isProblem =
    /^application\/problem\+json/.test(res.headers['content-type'] ?? '') &&
    body.status === res.status &&
    typeof body.code === 'string' &&
    typeof body.type === 'string';
  if (res.status >= 500) return `answered ${res.status} ${String(body.code)}`;
  if (res.status >= 400 && !isProblem) return `answered ${res.status} without a problem document: ${res.text?.slice(0, 200)}`;
  if (c.expect.outcome === 'tolerated') return undefined;
  if (res.status < 400) return `was accepted (${res.status}): ${res.text?.slice(0, 200)}`;
  if (c.expect.code && body.code !== c.expect.code) return `answered ${res.status} ${String(body.code)}, not ${c.expect.code}`;
  if (c.expect.field) {
    if (res.status !== 400) return `answered ${res.status} ${String(body.code)}, not 400 naming ${c.expect.field}`;
    const fields = (body.errors ?? []).map((e) => e.field);
    if (!fields.some((f) => f === c.expect.field || f.startsWith(`${c.expect.field}.`))) return `named ${JSON.stringify(fields)}, not ${c.expect.field}`;
  }
  return undefined;
}

describe('hostile input, every route family', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let t: TestApp;
  let rows: Row[];
  const outcomes: Outcome[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    await sql(db.url, contextSchemaSql('test_mailbox').join(';\n'));
    t = await startTestApp({
      contexts: [...CONTEXTS, testMailbox],
      databaseUrl: db.url,
      redis: true,
      env: {
        IDENTITY_ARGON2_MEMORY_KIB: '8192',
        IDENTITY_ARGON2_ITERATIONS: '1',
        IDENTITY_PUBLIC_IP_LIMIT_PER_MINUTE: '1000000',
        IDENTITY_LOGIN_IP_MAX_FAILURES: '100000',
        IDENTITY_LOGIN_ACCOUNT_MAX_FAILURES: '1000',
        ACCOUNTS_CURRENCIES: 'EUR,GBP',
        // An ACH and a SEPA rail, so the bank reports staff upload reach their parsers.
        PAYMENTS_ACH_ODFI_ROUTING: '021000021',
        PAYMENTS_ACH_COMPANY_ID: '1234567890',
        PAYMENTS_ACH_COMPANY_NAME: 'Skyro Payouts',
        PAYMENTS_ACH_DESTINATION_ROUTING: '011000015',
        PAYMENTS_SEPA_DEBTOR_IBAN: 'DE89370400440532013000',
        PAYMENTS_SEPA_DEBTOR_BIC: 'COBADEFFXXX',
        PAYMENTS_SEPA_DEBTOR_NAME: 'Skyro Bank',
      },
    });
    rows = await table(t);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('has a row for every operation of the OpenAPI document that takes a body, a query or a path parameter', () => {
    const document = JSON.parse(readFileSync(join(__dirname, '../../openapi.json'), 'utf8')) as {
      paths: Record<string, Record<string, { requestBody?: unknown; parameters?: Array<{ in: string }> }>>;
    };
    const needed = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(
          ([method, op]) =>
            ['get', 'post', 'put', 'patch', 'delete'].includes(method) && (op.requestBody || op.parameters?.some((p) => p.in !== 'header') || method !== 'get'),
        )
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    const covered = new Set(rows.map((r) => `${r.method.toUpperCase()} ${r.template}`));
    expect(needed.filter((n) => !covered.has(n) && !n.includes('/health/'))).toEqual([]);
  });

  it('answers each hostile request with a 4xx problem document (Unicode forms: anything but a 5xx), memory flat', async () => {
    const gc = exposedGc();
    const cases = rows.flatMap(casesOf);
    const send = async (c: Case): Promise<Response> => {
      const request = t
        .http()
        [c.row.method](c.path ?? c.row.path())
        .set(c.row.auth());
      return c.body === undefined ? request : request.set('content-type', c.contentType ?? 'application/json').send(c.body);
    };
    // Warm up (lazily compiled validators, pools, caches), then measure the heap around the table.
    // (Only with a case of the row: a bare DELETE /v1/sessions would sign the customer out.)
    for (const row of rows) await send(casesOf(row)[0]!);
    gc();
    const before = process.memoryUsage().heapUsed;
    const failures: string[] = [];
    for (const c of cases) {
      const start = performance.now();
      const res = await send(c);
      const ms = performance.now() - start;
      const problem = judge(c, res);
      outcomes.push({ label: c.label, status: res.status, ms, code: (res.body as { code?: unknown }).code, problem });
      if (problem) failures.push(`${c.label}: ${problem}`);
    }
    gc();
    const after = process.memoryUsage().heapUsed;
    const slowest = (of: Outcome[]) => [...of].sort((a, b) => b.ms - a.ms).slice(0, 3);
    const median = (of: Outcome[]) => [...of].sort((a, b) => a.ms - b.ms)[Math.floor(of.length / 2)]?.ms ?? 0;
    const edge = outcomes.filter((o) => o.code === 'JSON_TOO_DEEP' || o.code === 'JSON_TOO_LARGE');
    const line = (o: Outcome) => `${o.label} ${o.ms.toFixed(1)} ms`;
    console.log(
      [
        `hostile input: ${cases.length} requests over ${rows.length} routes; heap after GC ${mb(before)} → ${mb(after)} MB; median ${median(outcomes).toFixed(1)} ms`,
        `by family: ${[...new Set(rows.map((r) => r.family))].map((f) => `${f} ${cases.filter((c) => c.row.family === f).length}`).join(', ')}`,
        `by answer: ${Object.entries(countBy(outcomes.map((o) => `${o.status} ${String(o.code)}`)))
          .sort(([, a], [, b]) => b - a)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')}`,
        `slowest: ${slowest(outcomes).map(line).join('; ')}`,
        `bodies refused for depth or width (${edge.length}): median ${median(edge).toFixed(1)} ms, slowest ${slowest(edge).map(line).join('; ')}`,
      ].join('\n'),
    );
    expect(failures).toEqual([]);
    // Nothing a request brought (bodies of up to 1 MiB, 10,000-deep nesting) stays behind.
    expect(after - before).toBeLessThan(64 * 1024 * 1024);
  }, 300_000);

  it('answers a route that requires a body but gets none with 400 naming the body', async () => {
    const document = JSON.parse(readFileSync(join(__dirname, '../../openapi.json'), 'utf8')) as {
      paths: Record<string, Record<string, { requestBody?: { required?: boolean } }>>;
    };
    const requiring = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, op]) => op.requestBody?.required)
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    const withBody = rows.filter((r) => r.body);
    expect(withBody.map((r) => `${r.method.toUpperCase()} ${r.template}`).sort()).toEqual([...requiring].sort());
    const answers = [];
    for (const row of withBody) {
      const none = await t.http()[row.method](row.path()).set(row.auth());
      const empty = await t.http()[row.method](row.path()).set(row.auth()).set('content-type', 'application/json').send('');
      answers.push({
        route: `${row.method.toUpperCase()} ${row.template}`,
        none: [none.status, none.body.errors?.[0]?.field],
        empty: [empty.status, empty.body.code],
      });
    }
    expect(answers.filter((a) => a.none[0] !== 400 || a.none[1] !== 'body' || a.empty[0] !== 400 || a.empty[1] !== 'MALFORMED_JSON')).toEqual([]);
  });

  it('answers a method a path does not declare with 405 and the declared methods in Allow', async () => {
    const document = JSON.parse(readFileSync(join(__dirname, '../../openapi.json'), 'utf8')) as { paths: Record<string, Record<string, unknown>> };
    const wrong = [];
    for (const row of rows) {
      // The template the concrete path belongs to, as OpenAPI matches paths: a concrete segment
      // before a templated one (/v1/ledger/transfers/batch is not /v1/ledger/transfers/{id}).
      const path = row.path();
      const [, operations] = Object.entries(document.paths)
        .filter(([template]) => new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path))
        .sort(([a], [b]) => moreConcreteFirst(a, b))[0]!;
      const declared = Object.keys(operations).map((m) => m.toUpperCase());
      const allow = [...new Set([...declared, ...(declared.includes('GET') ? ['HEAD'] : [])])].sort().join(', ');
      const method = (['put', 'patch', 'delete', 'post'] as const).find((m) => !declared.includes(m.toUpperCase()));
      if (!method) continue;
      const res = await t.http()[method](path).set(row.auth());
      if (res.status !== 405 || res.headers['allow'] !== allow || res.body.code !== 'METHOD_NOT_ALLOWED') {
        wrong.push({ request: `${method.toUpperCase()} ${row.template}`, status: res.status, allow: res.headers['allow'], expected: allow });
      }
    }
    expect(wrong).toEqual([]);
  });

  it('refuses a whole batch, before writing any of it, when one transfer is bad', async () => {
    const ledgerAuth = bearer(await clientToken(t.app, 'hostile-batch', ['ledger:read', 'ledger:write']));
    const open = async (normalSide: string) => {
      const id = newUuid();
      expect((await t.http().post('/v1/ledger/accounts').set(ledgerAuth).send({ id, currency: 'EUR', normalSide })).status).toBe(201);
      return id;
    };
    const [debit, credit] = [await open('debit'), await open('credit')];
    const good = () => ({ id: newUuid(), debitAccountId: debit, creditAccountId: credit, amount: '10', currency: 'EUR' });
    for (const [field, bad] of [
      ['reference', 'Invoice\u0000 12'],
      ['reference', 'line\nbreak'],
      ['amount', '9223372036854775808'],
      ['amount', '99999999999999999999'],
    ] as const) {
      const transfers = [good(), good(), { ...good(), [field]: bad }, good()];
      const res = await t.http().post('/v1/ledger/transfers/batch').set(ledgerAuth).send({ transfers });
      expect({ field, status: res.status, code: res.body.code, fields: res.body.errors?.map((e: { field: string }) => e.field) }).toEqual({
        field,
        status: 400,
        code: 'VALIDATION_FAILED',
        fields: [`transfers.2.${field}`],
      });
      for (const transfer of transfers) expect((await t.http().get(`/v1/ledger/transfers/${transfer.id}`).set(ledgerAuth)).status).toBe(404);
    }
    // The largest batch still fits the body and shape limits.
    const batch = Array.from({ length: 5000 }, good);
    const started = performance.now();
    const res = await t.http().post('/v1/ledger/transfers/batch').set(ledgerAuth).send({ transfers: batch });
    expect(res.status).toBe(200);
    expect((res.body.results as Array<{ status: string }>).filter((r) => r.status === 'created')).toHaveLength(5000);
    console.log(`a batch of 5,000 transfers (${JSON.stringify({ transfers: batch }).length} bytes): ${(performance.now() - started).toFixed(0)} ms`);
  });

  it('bounds form bodies of the token endpoint too', async () => {
    const form = (body: string, type = 'application/x-www-form-urlencoded') => t.http().post('/v1/auth/token').set('content-type', type).send(body);
    const many = await form(Array.from({ length: 100_000 }, (_, i) => `p${i}=1`).join('&'));
    expect([many.status, many.body.code]).toEqual([400, 'FORM_TOO_LARGE']);
    const repeated = await form(`grant_type=client_credentials&${'client_id=a&'.repeat(50_000)}`);
    expect([repeated.status, repeated.body.code]).toEqual([400, 'FORM_TOO_LARGE']);
    const nul = await form('grant_type=client_credentials&client_id=cl_x%00&client_secret=s');
    expect([nul.status, nul.body.errors?.[0]?.field]).toEqual([400, 'client_id']);
    const proto = await form('grant_type=client_credentials&__proto__=x&constructor=y');
    expect(proto.status).toBe(400);
    expect((await form('grant_type=client_credentials', 'application/x-www-form-urlencoded; charset=utf-16')).status).toBe(415);
  });

  /** The routes, with real users, staff, service clients and accounts behind them. */
  async function table(app: TestApp): Promise<Row[]> {
    const customer = await signUp(app);
    const other = await signUp(app);
    const target = await signUp(app);
    const customerAuth = bearer(customer.accessToken);
    const mfaUser = await signUp(app);
    const mfaAuth = bearer((await loginAs(app.app, mfaUser.userId, ['customer'], { secondFactorAt: Date.now() })).token);
    const adminUser = await signUp(app, { email: uniqueEmail('admin') });
    await sql(db.url, 'update identity.users set roles = $2 where id = $1', [adminUser.userId, ['admin']]);
    const adminAuth = bearer((await loginAs(app.app, adminUser.userId, ['admin'], { secondFactorAt: Date.now() })).token);
    const ledgerAuth = bearer(await clientToken(app.app, 'hostile-tests', ['ledger:read', 'ledger:write', 'ledger:reconcile']));

    const open = async (who: Record<string, string>) => {
      const res = await app.http().post('/v1/accounts').set(who).send({ product: 'checking', currency: 'EUR' });
      if (res.status !== 201) throw new Error(`open: ${res.status} ${res.text}`);
      return res.body as { id: string; ledgerAccountId: string };
    };
    const account = await open(customerAuth);
    const closable = await open(customerAuth);
    const payee = await open(bearer(other.accessToken));
    const ledgerAccount = async (normalSide: 'debit' | 'credit') => {
      const id = newUuid();
      const res = await app.http().post('/v1/ledger/accounts').set(ledgerAuth).send({ id, currency: 'EUR', normalSide });
      if (res.status !== 201) throw new Error(`ledger account: ${res.status} ${res.text}`);
      return id;
    };
    const bank = await ledgerAccount('debit');
    const float = await ledgerAccount('credit');
    const transfer = () => ({
      id: newUuid(),
      kind: 'posted',
      debitAccountId: bank,
      creditAccountId: float,
      amount: '2500',
      currency: 'EUR',
      linked: false,
      code: 100,
      reference: 'Invoice 2026-11',
    });
    const webauthn = () => ({
      id: 'AAAAAAAAAAAAAAAAAAAAAA',
      rawId: 'AAAAAAAAAAAAAAAAAAAAAA',
      type: 'public-key',
      response: { clientDataJSON: 'eyJ0eXBlIjoid2ViYXV0aG4uZ2V0In0' },
    });
    // Outbound webhooks: a registered API client (webhooks:manage) and one endpoint of it.
    const webhookClient = await app
      .http()
      .post('/v1/admin/oauth-clients')
      .set(adminAuth)
      .send({ name: 'Hostile partner', type: 'confidential', scopes: ['webhooks:manage', 'webhooks:accounts'], grantTypes: ['client_credentials'] });
    if (webhookClient.status !== 201) throw new Error(`webhook client: ${webhookClient.status} ${webhookClient.text}`);
    const webhookAuth = bearer(await clientToken(app.app, webhookClient.body.client.id, ['webhooks:manage', 'webhooks:accounts']));
    // A public literal address (no DNS), subscribed to events nobody who authorized this client will cause.
    const webhookBody = () => ({ url: 'https://93.184.216.34/hooks', description: 'Hostile', eventTypes: ['account.statement_issued'] });
    const webhook = await app.http().post('/v1/notifications/webhooks/endpoints').set(webhookAuth).send(webhookBody());
    if (webhook.status !== 201) throw new Error(`webhook endpoint: ${webhook.status} ${webhook.text}`);
    const webhookId = webhook.body.endpoint.id as string;
    const none = () => ({});
    const at = (p: string) => () => p;
    const future = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    // Money POSTs require an Idempotency-Key (@Idempotent({ required: true })): a fresh one per request, so no attack replays another's answer.
    const withKey = (auth: Record<string, string>) => ({ ...auth, 'idempotency-key': newUuid() });
    const orderItem = () => ({ sku: 'SKU-1001', name: 'Travel adapter', quantity: 2, unitPrice: '1999' });

    return [
      // Identity's public routes.
      {
        family: 'identity public',
        method: 'post',
        template: '/v1/auth/register',
        path: at('/v1/auth/register'),
        auth: none,
        body: () => ({ email: uniqueEmail('hostile'), password: PASSWORD, name: 'Jane Doe', phone: '+447700900123', locale: 'en-GB' }),
      },
      {
        family: 'identity public',
        method: 'post',
        template: '/v1/auth/verify-email',
        path: at('/v1/auth/verify-email'),
        auth: none,
        body: () => ({ token: 'skr_ev_0123456789abcdef' }),
      },
      {
        family: 'identity public',
        method: 'post',
        template: '/v1/auth/verify-email/resend',
        path: at('/v1/auth/verify-email/resend'),
        auth: none,
        body: () => ({ email: uniqueEmail() }),
      },
      {
        family: 'identity public',
        method: 'post',
        template: '/v1/auth/login',
        path: at('/v1/auth/login'),
        auth: none,
        body: () => ({ email: customer.email, password: 'not-the-password-1' }),
        anyCharacter: ['password'],
      },
      {
        family: 'identity public',
        method: 'post',
        template: '/v1/auth/login/mfa',
        path: at('/v1/auth/login/mfa'),
        auth: none,
        body: () => ({ challengeToken: 'skr_mfa_0123456789abcdef', code: '123456' }),
      },
      {
        family: 'identity public',
        method: 'post',
        template: '/v1/auth/password-reset/request',
        path: at('/v1/auth/password-reset/request'),
        auth: none,
        body: () => ({ email: uniqueEmail() }),
      },
      {
        family: 'identity public',
        method: 'post',
        template: '/v1/auth/password-reset/confirm',
        path: at('/v1/auth/password-reset/confirm'),
        auth: none,
        body: () => ({ token: 'skr_pr_0123456789abcdef', newPassword: 'Another-Long-Passphrase-77' }),
      },
      { family: 'identity public', method: 'post', template: '/v1/auth/webauthn/login/options', path: at('/v1/auth/webauthn/login/options'), auth: none },
      // The pages the emails link to take no query at all (their token is in the fragment).
      { family: 'identity pages', method: 'get', template: '/auth/verify-email', path: at('/auth/verify-email'), auth: none, query: {} },
      { family: 'identity pages', method: 'get', template: '/auth/reset-password', path: at('/auth/reset-password'), auth: none, query: {} },
      {
        family: 'identity public',
        method: 'post',
        template: '/v1/auth/webauthn/login/verify',
        path: at('/v1/auth/webauthn/login/verify'),
        auth: none,
        body: () => ({ challengeId: 'skr_wa_0123456789abcdef', response: webauthn() }),
      },
      {
        family: 'identity public',
        method: 'post',
        template: '/v1/auth/token',
        path: at('/v1/auth/token'),
        auth: none,
        body: () => ({ grant_type: 'client_credentials', client_id: 'cl_unknown', client_secret: 'secret-value', scope: 'accounts:read' }),
      },
      {
        family: 'identity public',
        method: 'post',
        template: '/v1/oauth/authorize',
        path: at('/v1/oauth/authorize'),
        auth: () => customerAuth,
        body: () => ({
          response_type: 'code',
          client_id: 'cl_unknown',
          redirect_uri: 'https://app.skyro.dev/callback',
          code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
          code_challenge_method: 'S256',
          scope: 'openid',
          state: 'xyz',
          nonce: 'n-0S6',
        }),
      },
      // The signed-in user.
      {
        family: 'users/me',
        method: 'patch',
        template: '/v1/users/me',
        path: at('/v1/users/me'),
        auth: () => customerAuth,
        body: () => ({
          name: 'Jane Doe',
          phone: '+447700900123',
          dateOfBirth: '1990-04-01',
          address: { line1: '1 High Street', line2: 'Flat 2', city: 'London', postalCode: 'SW1A 1AA', country: 'GB' },
          nationalId: 'QQ123456C',
          preferences: { locale: 'en-GB', notificationChannels: ['email', 'push'] },
        }),
      },
      { family: 'users/me', method: 'delete', template: '/v1/users/me', path: at('/v1/users/me'), auth: () => customerAuth },
      {
        family: 'users/me',
        method: 'post',
        template: '/v1/users/me/password',
        path: at('/v1/users/me/password'),
        auth: () => customerAuth,
        // A wrong current password: an attack that passes validation changes nothing.
        body: () => ({ currentPassword: 'not-the-password-1', newPassword: 'Another-Long-Passphrase-77' }),
        anyCharacter: ['currentPassword'],
      },
      // Sessions.
      { family: 'sessions', method: 'delete', template: '/v1/sessions', path: at('/v1/sessions'), auth: () => customerAuth },
      { family: 'sessions', method: 'delete', template: '/v1/sessions/{id}', path: () => `/v1/sessions/${newUuid()}`, auth: () => customerAuth, pathParams: 1 },
      // MFA.
      { family: 'mfa', method: 'post', template: '/v1/mfa/totp', path: at('/v1/mfa/totp'), auth: () => mfaAuth },
      { family: 'mfa', method: 'delete', template: '/v1/mfa/totp', path: at('/v1/mfa/totp'), auth: () => mfaAuth },
      {
        family: 'mfa',
        method: 'post',
        template: '/v1/mfa/totp/confirm',
        path: at('/v1/mfa/totp/confirm'),
        auth: () => mfaAuth,
        body: () => ({ code: '123456' }),
      },
      { family: 'mfa', method: 'post', template: '/v1/mfa/recovery-codes', path: at('/v1/mfa/recovery-codes'), auth: () => mfaAuth },
      { family: 'mfa', method: 'post', template: '/v1/mfa/step-up', path: at('/v1/mfa/step-up'), auth: () => mfaAuth, body: () => ({ code: '123456' }) },
      { family: 'mfa', method: 'post', template: '/v1/mfa/step-up/webauthn/options', path: at('/v1/mfa/step-up/webauthn/options'), auth: () => mfaAuth },
      {
        family: 'mfa',
        method: 'post',
        template: '/v1/mfa/step-up/webauthn/verify',
        path: at('/v1/mfa/step-up/webauthn/verify'),
        auth: () => mfaAuth,
        body: () => ({ challengeId: 'skr_wa_0123456789abcdef', response: webauthn() }),
      },
      {
        family: 'mfa',
        method: 'post',
        template: '/v1/mfa/webauthn/registration/options',
        path: at('/v1/mfa/webauthn/registration/options'),
        auth: () => mfaAuth,
      },
      {
        family: 'mfa',
        method: 'post',
        template: '/v1/mfa/webauthn/registration/verify',
        path: at('/v1/mfa/webauthn/registration/verify'),
        auth: () => mfaAuth,
        body: () => ({ response: webauthn(), name: 'iPhone' }),
      },
      {
        family: 'mfa',
        method: 'delete',
        template: '/v1/mfa/webauthn/credentials/{id}',
        path: at('/v1/mfa/webauthn/credentials/AAAAAAAAAAAAAAAAAAAAAA'),
        auth: () => mfaAuth,
        pathParams: 1,
      },
      // Staff.
      {
        family: 'admin',
        method: 'get',
        template: '/v1/admin/users/{id}',
        path: () => `/v1/admin/users/${target.userId}`,
        auth: () => adminAuth,
        pathParams: 1,
      },
      {
        family: 'admin',
        method: 'delete',
        template: '/v1/admin/users/{id}',
        path: () => `/v1/admin/users/${target.userId}`,
        auth: () => adminAuth,
        pathParams: 1,
      },
      {
        family: 'admin',
        method: 'put',
        template: '/v1/admin/users/{id}/roles',
        path: () => `/v1/admin/users/${target.userId}/roles`,
        auth: () => adminAuth,
        body: () => ({ roles: ['customer'] }),
        pathParams: 1,
      },
      {
        family: 'admin',
        method: 'put',
        template: '/v1/admin/users/{id}/status',
        path: () => `/v1/admin/users/${target.userId}/status`,
        auth: () => adminAuth,
        body: () => ({ status: 'active' }),
        pathParams: 1,
      },
      {
        family: 'admin',
        method: 'delete',
        template: '/v1/admin/users/{id}/sessions',
        path: () => `/v1/admin/users/${target.userId}/sessions`,
        auth: () => adminAuth,
        pathParams: 1,
      },
      {
        family: 'admin',
        method: 'post',
        template: '/v1/admin/oauth-clients',
        path: at('/v1/admin/oauth-clients'),
        auth: () => adminAuth,
        body: () => ({
          name: 'Partner reporting',
          type: 'confidential',
          scopes: ['accounts:read'],
          grantTypes: ['client_credentials'],
          redirectUris: ['https://partner.example/cb'],
        }),
      },
      {
        family: 'admin',
        method: 'delete',
        template: '/v1/admin/oauth-clients/{id}',
        path: at('/v1/admin/oauth-clients/cl_unknown'),
        auth: () => adminAuth,
        pathParams: 1,
      },
      {
        family: 'admin',
        method: 'get',
        template: '/v1/audit-log',
        path: at('/v1/audit-log'),
        auth: () => adminAuth,
        query: { type: 'enum', actorId: 'text', subjectId: 'text', from: 'timestamp', to: 'timestamp', cursor: 'cursor', limit: 'limit' },
        validQuery: { type: 'login.failed', from: '2026-01-01T00:00:00Z' },
      },
      // Customer accounts.
      {
        family: 'accounts',
        method: 'post',
        template: '/v1/accounts',
        path: at('/v1/accounts'),
        auth: () => customerAuth,
        body: () => ({ product: 'checking', currency: 'EUR' }),
      },
      { family: 'accounts', method: 'get', template: '/v1/accounts/{id}', path: () => `/v1/accounts/${account.id}`, auth: () => customerAuth, pathParams: 1 },
      {
        family: 'accounts',
        method: 'get',
        template: '/v1/accounts/{id}/postings',
        path: () => `/v1/accounts/${account.id}/postings`,
        auth: () => customerAuth,
        pathParams: 1,
        query: { from: 'timestamp', to: 'timestamp', bucket: 'enum', cursor: 'cursor', limit: 'limit' },
        validQuery: { limit: '10' },
      },
      {
        family: 'accounts',
        method: 'post',
        template: '/v1/accounts/{id}/close',
        path: () => `/v1/accounts/${closable.id}/close`,
        auth: () => customerAuth,
        // Always another user's account as the sweep target: no attack that passes validation closes it.
        body: () => ({ sweepToAccountId: payee.id }),
        pathParams: 1,
      },
      {
        family: 'accounts',
        method: 'post',
        template: '/v1/accounts/{id}/transfers',
        path: () => `/v1/accounts/${account.id}/transfers`,
        auth: () => customerAuth,
        body: () => ({ id: newUuid(), toAccountId: payee.id, amount: '100', reference: 'Rent November' }),
        pathParams: 1,
      },
      {
        family: 'accounts',
        method: 'get',
        template: '/v1/admin/accounts',
        path: at('/v1/admin/accounts'),
        auth: () => adminAuth,
        query: { ownerId: 'id' },
        validQuery: { ownerId: customer.userId },
      },
      {
        family: 'accounts',
        method: 'post',
        template: '/v1/admin/accounts/{id}/freeze',
        path: () => `/v1/admin/accounts/${newUuid()}/freeze`,
        auth: () => adminAuth,
        pathParams: 1,
      },
      {
        family: 'accounts',
        method: 'post',
        template: '/v1/admin/accounts/{id}/unfreeze',
        path: () => `/v1/admin/accounts/${newUuid()}/unfreeze`,
        auth: () => adminAuth,
        pathParams: 1,
      },
      {
        family: 'accounts',
        method: 'put',
        template: '/v1/admin/accounts/{id}/overdraft',
        path: () => `/v1/admin/accounts/${account.id}/overdraft`,
        auth: () => adminAuth,
        body: () => ({ overdraftLimit: '0' }),
        pathParams: 1,
      },
      // Statements.
      {
        family: 'statements',
        method: 'get',
        template: '/v1/accounts/{id}/statements',
        path: () => `/v1/accounts/${account.id}/statements`,
        auth: () => customerAuth,
        pathParams: 1,
        query: { from: 'period', to: 'period', format: 'enum' },
        validQuery: { from: '2026-01-01', to: '2026-02-01', format: 'json' },
      },
      {
        family: 'statements',
        method: 'post',
        template: '/v1/accounts/{id}/statements',
        path: () => `/v1/accounts/${account.id}/statements`,
        auth: () => customerAuth,
        body: () => ({ from: '2025-01-01', to: '2025-02-01T00:00:00+01:00' }),
        pathParams: 1,
      },
      {
        family: 'statements',
        method: 'get',
        template: '/v1/accounts/{id}/statements/stored',
        path: () => `/v1/accounts/${account.id}/statements/stored`,
        auth: () => customerAuth,
        pathParams: 1,
      },
      {
        family: 'statements',
        method: 'get',
        template: '/v1/accounts/{id}/statements/stored/{statementId}',
        path: () => `/v1/accounts/${account.id}/statements/stored/${newUuid()}`,
        auth: () => customerAuth,
        pathParams: 2,
        query: { format: 'enum' },
        validQuery: { format: 'csv' },
      },
      // Interest.
      {
        family: 'interest',
        method: 'get',
        template: '/v1/interest-rates',
        path: at('/v1/interest-rates'),
        auth: () => customerAuth,
        query: { product: 'enum', currency: 'enum' },
        validQuery: {},
      },
      {
        family: 'interest',
        method: 'post',
        template: '/v1/admin/interest-rates',
        path: at('/v1/admin/interest-rates'),
        auth: () => adminAuth,
        body: () => ({ product: 'savings', currency: 'GBP', effectiveFrom: future, annualRatePercent: '3.65' }),
      },
      {
        family: 'interest',
        method: 'get',
        template: '/v1/accounts/{id}/interest',
        path: () => `/v1/accounts/${account.id}/interest`,
        auth: () => customerAuth,
        pathParams: 1,
      },
      // Ledger accounts.
      {
        family: 'ledger accounts',
        method: 'post',
        template: '/v1/ledger/accounts',
        path: at('/v1/ledger/accounts'),
        auth: () => ledgerAuth,
        body: () => ({
          id: newUuid(),
          currency: 'EUR',
          normalSide: 'credit',
          debitsMustNotExceedCredits: true,
          overdraftLimit: '0',
          code: 1000,
          reference: 'Ops float',
        }),
      },
      {
        family: 'ledger accounts',
        method: 'get',
        template: '/v1/ledger/accounts/{id}',
        path: () => `/v1/ledger/accounts/${float}`,
        auth: () => ledgerAuth,
        pathParams: 1,
      },
      {
        family: 'ledger accounts',
        method: 'patch',
        template: '/v1/ledger/accounts/{id}',
        path: () => `/v1/ledger/accounts/${float}`,
        auth: () => ledgerAuth,
        body: () => ({ status: 'active', overdraftLimit: '100', requireZeroBalance: false }),
        pathParams: 1,
      },
      {
        family: 'ledger accounts',
        method: 'get',
        template: '/v1/ledger/accounts/{id}/postings',
        path: () => `/v1/ledger/accounts/${float}/postings`,
        auth: () => ledgerAuth,
        pathParams: 1,
        query: { from: 'timestamp', to: 'timestamp', bucket: 'enum', cursor: 'cursor', limit: 'limit' },
        validQuery: { bucket: 'posted' },
      },
      {
        family: 'ledger accounts',
        method: 'get',
        template: '/v1/ledger/accounts/{id}/balance',
        path: () => `/v1/ledger/accounts/${float}/balance`,
        auth: () => ledgerAuth,
        pathParams: 1,
        query: { asOf: 'timestamp' },
        validQuery: { asOf: '2026-01-01T00:00:00Z' },
      },
      { family: 'ledger accounts', method: 'post', template: '/v1/ledger/reconciliations', path: at('/v1/ledger/reconciliations'), auth: () => ledgerAuth },
      // Transfers, one and in batches.
      { family: 'transfers', method: 'post', template: '/v1/ledger/transfers', path: at('/v1/ledger/transfers'), auth: () => ledgerAuth, body: transfer },
      {
        family: 'transfers',
        method: 'get',
        template: '/v1/ledger/transfers/{id}',
        path: () => `/v1/ledger/transfers/${newUuid()}`,
        auth: () => ledgerAuth,
        pathParams: 1,
      },
      {
        family: 'batch',
        method: 'post',
        template: '/v1/ledger/transfers/batch',
        path: at('/v1/ledger/transfers/batch'),
        auth: () => ledgerAuth,
        body: () => ({ transfers: [transfer()] }),
      },
      // Notifications: the inbox, preferences, staff views.
      {
        family: 'notifications',
        method: 'get',
        template: '/v1/notifications',
        path: at('/v1/notifications'),
        auth: () => customerAuth,
        query: { cursor: 'cursor', limit: 'limit', filter: 'enum' },
        validQuery: { limit: '10', filter: 'unread' },
      },
      {
        family: 'notifications',
        method: 'get',
        template: '/v1/notifications/{id}',
        path: () => `/v1/notifications/${newUuid()}`,
        auth: () => customerAuth,
        pathParams: 1,
      },
      {
        family: 'notifications',
        method: 'post',
        template: '/v1/notifications/{id}/read',
        path: () => `/v1/notifications/${newUuid()}/read`,
        auth: () => customerAuth,
        pathParams: 1,
      },
      {
        family: 'notifications',
        method: 'post',
        template: '/v1/notifications/{id}/archive',
        path: () => `/v1/notifications/${newUuid()}/archive`,
        auth: () => customerAuth,
        pathParams: 1,
      },
      {
        family: 'notifications',
        method: 'put',
        template: '/v1/notifications/preferences',
        path: at('/v1/notifications/preferences'),
        auth: () => customerAuth,
        body: () => ({ timeZone: 'Europe/Berlin', quietHours: { start: '22:00', end: '07:00' }, mutedChannels: { marketing: ['email'] } }),
      },
      {
        family: 'notifications',
        method: 'get',
        template: '/v1/admin/notifications',
        path: at('/v1/admin/notifications'),
        auth: () => adminAuth,
        query: { userId: 'id', cursor: 'cursor', limit: 'limit' },
        validQuery: { userId: customer.userId },
      },
      {
        family: 'notifications',
        method: 'get',
        template: '/v1/admin/notifications/{id}',
        path: () => `/v1/admin/notifications/${newUuid()}`,
        auth: () => adminAuth,
        pathParams: 1,
      },
      // Notifications: push devices (the caller's own) and the providers' signed callbacks (public).
      {
        family: 'notifications devices',
        method: 'post',
        template: '/v1/notifications/devices',
        path: at('/v1/notifications/devices'),
        auth: () => customerAuth,
        body: () => ({ platform: 'fcm', token: `dGVzdA:APA91b${'x'.repeat(140)}` }),
      },
      {
        family: 'notifications devices',
        method: 'delete',
        template: '/v1/notifications/devices/{id}',
        path: () => `/v1/notifications/devices/${newUuid()}`,
        auth: () => customerAuth,
        pathParams: 1,
      },
      {
        family: 'provider callbacks',
        method: 'post',
        template: '/v1/notifications/callbacks/twilio',
        path: at('/v1/notifications/callbacks/twilio'),
        auth: () => ({ 'x-twilio-signature': 'bm90LWEtc2lnbmF0dXJl' }),
        body: () => ({ MessageSid: `SM${'0'.repeat(32)}`, MessageStatus: 'delivered', AccountSid: `AC${'0'.repeat(32)}` }),
      },
      // Outbound webhooks (notifications).
      {
        family: 'webhooks',
        method: 'post',
        template: '/v1/notifications/webhooks/endpoints',
        path: at('/v1/notifications/webhooks/endpoints'),
        auth: () => webhookAuth,
        body: webhookBody,
      },
      {
        family: 'webhooks',
        method: 'get',
        template: '/v1/notifications/webhooks/endpoints',
        path: at('/v1/notifications/webhooks/endpoints'),
        auth: () => webhookAuth,
        query: { clientId: 'text' },
        validQuery: {},
      },
      {
        family: 'webhooks',
        method: 'get',
        template: '/v1/notifications/webhooks/endpoints/{id}',
        path: () => `/v1/notifications/webhooks/endpoints/${webhookId}`,
        auth: () => webhookAuth,
        pathParams: 1,
      },
      {
        family: 'webhooks',
        method: 'patch',
        template: '/v1/notifications/webhooks/endpoints/{id}',
        path: () => `/v1/notifications/webhooks/endpoints/${webhookId}`,
        auth: () => webhookAuth,
        pathParams: 1,
        body: () => ({ ...webhookBody(), enabled: true }),
      },
      {
        family: 'webhooks',
        method: 'delete',
        template: '/v1/notifications/webhooks/endpoints/{id}',
        path: () => `/v1/notifications/webhooks/endpoints/${newUuid()}`,
        auth: () => webhookAuth,
        pathParams: 1,
      },
      {
        family: 'webhooks',
        method: 'post',
        template: '/v1/notifications/webhooks/endpoints/{id}/rotate-secret',
        path: () => `/v1/notifications/webhooks/endpoints/${webhookId}/rotate-secret`,
        auth: () => webhookAuth,
        pathParams: 1,
        body: () => ({ windowSeconds: 60 }),
      },
      {
        family: 'webhooks',
        method: 'get',
        template: '/v1/notifications/webhooks/endpoints/{id}/attempts',
        path: () => `/v1/notifications/webhooks/endpoints/${webhookId}/attempts`,
        auth: () => webhookAuth,
        pathParams: 1,
        query: { cursor: 'cursor', limit: 'limit' },
        validQuery: { limit: '10' },
      },
      {
        family: 'webhooks',
        method: 'post',
        template: '/v1/notifications/webhooks/endpoints/{id}/replay',
        path: () => `/v1/notifications/webhooks/endpoints/${webhookId}/replay`,
        auth: () => webhookAuth,
        pathParams: 1,
        body: () => ({ messageId: newUuid() }),
      },
      // Payments: pay-ins, payouts, refunds, cancels (Idempotency-Key required: a fresh one per request).
      // Always another user's account (or an unknown payment): no attack that passes validation moves money.
      {
        family: 'payments',
        method: 'post',
        template: '/v1/payments',
        path: at('/v1/payments'),
        auth: () => withKey(customerAuth),
        body: () => ({
          accountId: payee.id,
          amount: '2500',
          currency: 'EUR',
          method: 'card',
          paymentMethodToken: 'pm_card_visa',
          country: 'DE',
          returnUrl: 'https://app.skyro.dev/return',
          reference: 'Top-up November',
        }),
      },
      {
        family: 'payments',
        method: 'get',
        template: '/v1/payments',
        path: at('/v1/payments'),
        auth: () => customerAuth,
        query: { cursor: 'cursor', limit: 'limit' },
        validQuery: { limit: '10' },
      },
      { family: 'payments', method: 'get', template: '/v1/payments/{id}', path: () => `/v1/payments/${newUuid()}`, auth: () => customerAuth, pathParams: 1 },
      {
        family: 'payments',
        method: 'post',
        template: '/v1/payments/{id}/refunds',
        path: () => `/v1/payments/${newUuid()}/refunds`,
        auth: () => withKey(customerAuth),
        body: () => ({ amount: '100', reason: 'Damaged in transit' }),
        pathParams: 1,
      },
      {
        family: 'payments',
        method: 'post',
        template: '/v1/payments/{id}/cancel',
        path: () => `/v1/payments/${newUuid()}/cancel`,
        auth: () => withKey(customerAuth),
        pathParams: 1,
      },
      {
        family: 'payments',
        method: 'post',
        template: '/v1/payouts',
        path: at('/v1/payouts'),
        auth: () => withKey(customerAuth),
        body: () => ({ accountId: payee.id, beneficiaryId: newUuid(), amount: '2500', currency: 'EUR', method: 'sepa', reference: 'Invoice 2026-11' }),
      },
      { family: 'payments', method: 'get', template: '/v1/payouts/{id}', path: () => `/v1/payouts/${newUuid()}`, auth: () => customerAuth, pathParams: 1 },
      {
        family: 'payments admin',
        method: 'get',
        template: '/v1/admin/payments',
        path: at('/v1/admin/payments'),
        auth: () => adminAuth,
        query: { state: 'enum', review: 'enum', ownerId: 'id', cursor: 'cursor', limit: 'limit' },
        validQuery: { ownerId: customer.userId, review: 'false' },
      },
      {
        family: 'payments admin',
        method: 'get',
        template: '/v1/admin/payments/{id}',
        path: () => `/v1/admin/payments/${newUuid()}`,
        auth: () => adminAuth,
        pathParams: 1,
      },
      {
        family: 'payments admin',
        method: 'post',
        template: '/v1/admin/payments/{id}/sync',
        path: () => `/v1/admin/payments/${newUuid()}/sync`,
        auth: () => adminAuth,
        pathParams: 1,
      },
      {
        family: 'payments admin',
        method: 'get',
        template: '/v1/admin/payments/jobs',
        path: at('/v1/admin/payments/jobs'),
        auth: () => adminAuth,
        query: { limit: 'limit' },
        validQuery: { limit: '10' },
      },
      {
        family: 'payments admin',
        method: 'post',
        template: '/v1/admin/payments/jobs/{queue}/{id}/retry',
        path: () => `/v1/admin/payments/jobs/payments.dispatch/${newUuid()}/retry`,
        auth: () => adminAuth,
        pathParams: 2,
      },
      // Transfers between customers: always from another user's account (422 ACCOUNT_NOT_FOUND), so nothing moves.
      {
        family: 'payments',
        method: 'post',
        template: '/v1/transfers',
        path: at('/v1/transfers'),
        auth: () => withKey(customerAuth),
        body: () => ({ accountId: payee.id, payeeAccount: 'DE89370400440532013000', amount: '2500', currency: 'EUR', reference: 'Rent November' }),
      },
      { family: 'payments', method: 'get', template: '/v1/transfers/{id}', path: () => `/v1/transfers/${newUuid()}`, auth: () => customerAuth, pathParams: 1 },
      // Bank rails (staff): files, reports from the bank (the content is the bank's file as delivered: any character), NOCs, credits.
      {
        family: 'payments admin',
        method: 'get',
        template: '/v1/admin/rails/files',
        path: at('/v1/admin/rails/files'),
        auth: () => adminAuth,
        query: { rail: 'enum', cursor: 'id', limit: 'limit' },
        validQuery: { rail: 'ach' },
      },
      {
        family: 'payments admin',
        method: 'get',
        template: '/v1/admin/rails/files/{id}/content',
        path: () => `/v1/admin/rails/files/${newUuid()}/content`,
        auth: () => adminAuth,
        pathParams: 1,
      },
      {
        family: 'payments admin',
        method: 'post',
        template: '/v1/admin/rails/reports',
        path: at('/v1/admin/rails/reports'),
        auth: () => withKey(adminAuth),
        body: () => ({ format: 'ach_returns', content: 'not a NACHA file' }),
        anyCharacter: ['content'],
      },
      {
        family: 'payments admin',
        method: 'get',
        template: '/v1/admin/rails/nocs',
        path: at('/v1/admin/rails/nocs'),
        auth: () => adminAuth,
        query: { cursor: 'cursor', limit: 'limit' },
        validQuery: { limit: '10' },
      },
      {
        family: 'payments admin',
        method: 'get',
        template: '/v1/admin/rails/credits',
        path: at('/v1/admin/rails/credits'),
        auth: () => adminAuth,
        query: { status: 'enum', cursor: 'cursor', limit: 'limit' },
        validQuery: { status: 'unmatched' },
      },
      // Reconciliation (staff): no connector with a settlement report in this app, so a valid run is 422 SETTLEMENTS_UNAVAILABLE.
      {
        family: 'payments admin',
        method: 'get',
        template: '/v1/admin/reconciliation/runs',
        path: at('/v1/admin/reconciliation/runs'),
        auth: () => adminAuth,
        query: { connector: 'enum', cursor: 'cursor', limit: 'limit' },
        validQuery: { connector: 'stripe' },
      },
      {
        family: 'payments admin',
        method: 'post',
        template: '/v1/admin/reconciliation/runs',
        path: at('/v1/admin/reconciliation/runs'),
        auth: () => withKey(adminAuth),
        body: () => ({ connector: 'stripe', from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' }),
      },
      {
        family: 'payments admin',
        method: 'get',
        template: '/v1/admin/reconciliation/mismatches',
        path: at('/v1/admin/reconciliation/mismatches'),
        auth: () => adminAuth,
        query: { state: 'enum', connector: 'enum', runId: 'id', cursor: 'cursor', limit: 'limit' },
        validQuery: { state: 'open' },
      },
      {
        family: 'payments admin',
        method: 'post',
        template: '/v1/admin/reconciliation/mismatches/{id}/resolve',
        path: () => `/v1/admin/reconciliation/mismatches/${newUuid()}/resolve`,
        auth: () => withKey(adminAuth),
        body: () => ({ note: 'Checked with the provider: a fee line' }),
        pathParams: 1,
      },
      // The providers' signed webhooks (public): the raw body is verified, a bad signature is 400; the body is the provider's (no schema).
      {
        family: 'provider callbacks',
        method: 'post',
        template: '/v1/payment-webhooks/{connector}',
        path: at('/v1/payment-webhooks/stripe'),
        auth: () => ({ 'stripe-signature': 't=1767225600,v1=6e6f742d612d7369676e6174757265' }),
        pathParams: 1,
      },
      // Beneficiaries: the caller's own saved bank accounts.
      {
        family: 'beneficiaries',
        method: 'post',
        template: '/v1/beneficiaries',
        path: at('/v1/beneficiaries'),
        auth: () => withKey(customerAuth),
        body: () => ({ rail: 'sepa', name: 'Jean Dupont', currency: 'EUR', country: 'FR', iban: 'FR1420041010050500013M02606', bic: 'PSSTFRPPXXX' }),
      },
      {
        family: 'beneficiaries',
        method: 'get',
        template: '/v1/beneficiaries',
        path: at('/v1/beneficiaries'),
        auth: () => customerAuth,
        query: { cursor: 'cursor', limit: 'limit' },
        validQuery: { limit: '10' },
      },
      {
        family: 'beneficiaries',
        method: 'get',
        template: '/v1/beneficiaries/{id}',
        path: () => `/v1/beneficiaries/${newUuid()}`,
        auth: () => customerAuth,
        pathParams: 1,
      },
      {
        family: 'beneficiaries',
        method: 'delete',
        template: '/v1/beneficiaries/{id}',
        path: () => `/v1/beneficiaries/${newUuid()}`,
        auth: () => customerAuth,
        pathParams: 1,
      },
      // Orders: the customer's own (unknown ids: 404); staff list them.
      {
        family: 'orders',
        method: 'post',
        template: '/v1/orders',
        path: at('/v1/orders'),
        auth: () => withKey(customerAuth),
        body: () => ({ accountId: payee.id, currency: 'EUR', items: [orderItem()], reference: 'Gift for Sam' }),
      },
      {
        family: 'orders',
        method: 'get',
        template: '/v1/orders',
        path: at('/v1/orders'),
        auth: () => customerAuth,
        query: { cursor: 'cursor', limit: 'limit', status: 'enum' },
        validQuery: { status: 'draft' },
      },
      { family: 'orders', method: 'get', template: '/v1/orders/{id}', path: () => `/v1/orders/${newUuid()}`, auth: () => customerAuth, pathParams: 1 },
      {
        family: 'orders',
        method: 'put',
        template: '/v1/orders/{id}/items',
        path: () => `/v1/orders/${newUuid()}/items`,
        auth: () => customerAuth,
        body: () => ({ items: [orderItem()] }),
        pathParams: 1,
      },
      {
        family: 'orders',
        method: 'post',
        template: '/v1/orders/{id}/place',
        path: () => `/v1/orders/${newUuid()}/place`,
        auth: () => customerAuth,
        body: () => ({ payment: { method: 'card', paymentMethodToken: 'pm_card_visa', country: 'DE', returnUrl: 'https://app.skyro.dev/return' } }),
        pathParams: 1,
      },
      ...(['cancel', 'refund', 'fulfil'] as const).map((action): Row => ({
        family: 'orders',
        method: 'post',
        template: `/v1/orders/{id}/${action}`,
        path: () => `/v1/orders/${newUuid()}/${action}`,
        auth: () => customerAuth,
        pathParams: 1,
      })),
      {
        family: 'orders',
        method: 'get',
        template: '/v1/admin/orders',
        path: at('/v1/admin/orders'),
        auth: () => adminAuth,
        query: { cursor: 'cursor', limit: 'limit', status: 'enum', ownerId: 'id' },
        validQuery: { ownerId: customer.userId },
      },
    ];
  }
});

/** global.gc without --expose-gc: V8 flags can still be set at run time. */
function exposedGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

function countBy(keys: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const k of keys) counts[k] = (counts[k] ?? 0) + 1;
  return counts;
}

/** Orders two templates of the same path: the one concrete at the first segment where they differ comes first. */
function moreConcreteFirst(a: string, b: string): number {
  const [as, bs] = [a.split('/'), b.split('/')];
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const [aTemplated, bTemplated] = [as[i]!.startsWith('{'), bs[i]!.startsWith('{')];
    if (aTemplated !== bTemplated) return aTemplated ? 1 : -1;
  }
  return 0;
}
