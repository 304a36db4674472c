/**
 * The API fuzzer: Schemathesis (scripts/fuzz.sh, pinned, from PyPI) against the running app's
 * /openapi.json, every operation, all its checks, with real principals and real ids.
 *
 * The app runs every context of src/modules on the real PostgreSQL and Redis, listening on a
 * port. Seeded first: a customer (a real identity user with a session that did a second
 * factor), with accounts, a stored statement and postings; an admin (the same); a service
 * client with the ledger scopes; ledger accounts and a transfer. Throwaway users take the
 * operations that end their caller's access (closing the account, revoking every session,
 * changing the password) so the others keep a working token. The per-operation principal and
 * the ids that exist go into the schemathesis.toml this file writes (see fuzzConfig).
 *
 * Required: zero failures of any check, i.e. no 5xx and no answer that contradicts the
 * document (status, content type, headers, body schema), valid requests accepted and invalid
 * ones refused. The run is bounded (examples per operation, a fixed seed) to fit the suite:
 * docs/RELIABILITY.md ("Fuzzer") has the figures of a real run.
 *
 * SKYRO_FUZZ_MAX_EXAMPLES and SKYRO_FUZZ_SEED change the bounds for a deeper run by hand;
 * SKYRO_FUZZ_INCLUDE (a regex on "METHOD /path") limits it to some operations.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CONTEXTS } from '@modules';
import { contextSchemaSql } from '@platform/database/context-schema';
import { AccessTokens } from '@platform/auth/access-tokens';
import type { Role } from '@platform/auth/principal';
import { SessionStore } from '@platform/auth/sessions';
import { startTestApp, type TestApp } from '../support/app';
import { clientToken, loginAs } from '../support/auth';
import { createTestDatabase, sql } from '../support/database';
import { mailTo, PASSWORD, testMailbox, uniqueEmail } from '../identity/support';
import { newUuid } from '../ledger/ledger-support';

const ROOT = path.resolve(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'fuzz.sh');
const HOOKS = path.join(ROOT, 'scripts', 'fuzz_hooks.py');
const MAX_EXAMPLES = Number(process.env['SKYRO_FUZZ_MAX_EXAMPLES'] ?? 10);
const SEED = Number(process.env['SKYRO_FUZZ_SEED'] ?? 20260101);
/** The first run on a machine installs schemathesis into a venv (15 s to 3 min), then the run itself. */
const RUN_TIMEOUT_MS = 20 * 60 * 1000;

/**
 * Limits that a fuzzer trips by design (it sends thousands of requests from one address and
 * fails logins on purpose): raised for this app only, so that the answers it checks are the
 * routes' own and not 429 after the first minute. The limits themselves are tested in
 * test/identity/lockout-and-limits.e2e-spec.ts.
 */
const FUZZ_ENV: Record<string, string> = {
  IDENTITY_PUBLIC_IP_LIMIT_PER_MINUTE: '1000000',
  IDENTITY_LOGIN_ACCOUNT_MAX_FAILURES: '1000',
  IDENTITY_LOGIN_IP_MAX_FAILURES: '100000',
  // Cheaper argon2 keeps registration and login fast; production parameters are measured in bench/auth.ts.
  IDENTITY_ARGON2_MEMORY_KIB: '8192',
  IDENTITY_ARGON2_ITERATIONS: '1',
  // Webhook endpoints of the seed point at 127.0.0.1's discard port (nothing listens: attempts fail fast).
  NOTIFICATIONS_WEBHOOKS_ALLOW_LOOPBACK: 'true',
  NOTIFICATIONS_WEBHOOKS_ALLOW_HTTP: 'true',
};

const FUZZ_CLIENT = 'fuzz-client';
const CLIENT_SCOPES = ['ledger:read', 'ledger:write', 'ledger:reconcile', 'accounts:read', 'users:read'];

interface User {
  readonly userId: string;
  readonly email: string;
  readonly auth: string;
  readonly sessionId: string;
  readonly roles: readonly string[];
}

interface Seed {
  readonly customer: User;
  readonly admin: User;
  /** One throwaway user per operation that ends its caller's access. */
  readonly throwaway: Record<'closeUser' | 'revokeSessions' | 'revokeSession' | 'changePassword' | 'closeAccount', User>;
  /** The victims of the admin's user operations: roles, status and sessions; erasure. */
  readonly victim: User;
  readonly erased: User;
  readonly client: string;
  /** A partner's OAuth client (webhooks:manage): it registers its own webhook endpoints (staff may not). */
  readonly webhookClient: { readonly auth: string; readonly id: string };
  readonly ids: {
    readonly customerAccounts: string[];
    readonly otherAccount: string;
    readonly closeAccount: string;
    readonly statement: string;
    readonly ledgerAccounts: string[];
    readonly transfers: string[];
    readonly otherSession: string;
    readonly oauthClient: string;
    readonly webhookEndpoint: string;
  };
}

describe('API fuzzer (Schemathesis) on every operation with real principals', () => {
  let t: TestApp;
  let db: { url: string; drop(): Promise<void> };
  let work: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    await sql(db.url, contextSchemaSql('test_mailbox').join(';\n'));
    t = await startTestApp({ contexts: [...CONTEXTS, testMailbox], databaseUrl: db.url, redis: true, listen: true, env: FUZZ_ENV });
    work = mkdtempSync(path.join(tmpdir(), 'skyro-fuzz-'));
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
    if (work && !process.env['SKYRO_FUZZ_KEEP']) rmSync(work, { recursive: true, force: true });
  });

  it(
    'finds no server error and no answer that contradicts the document',
    async () => {
      const seed = await seedData(t, db.url);
      const url = await t.app.getUrl();
      const config = path.join(work, 'schemathesis.toml');
      const document = (await t.http().get('/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
      writeFileSync(config, fuzzConfig(seed, document, { maxExamples: MAX_EXAMPLES, seed: SEED }));
      const junit = path.join(work, 'junit.xml');
      // A run outlives an access token (10 minutes) and the step-up window (a second factor
      // in the last five minutes, RECENT_SECONDS): every half minute the seeded sessions do a
      // second factor and get fresh tokens, as a client refreshes them; scripts/fuzz_hooks.py
      // reads the principals file on each request (only the coverage cases that leave the
      // token out on purpose go without).
      const principals = path.join(work, 'principals.json');
      const writePrincipals = async () => {
        // Written aside and renamed: the fuzzer never reads half a file.
        writeFileSync(`${principals}.new`, JSON.stringify({ operations: operationPrincipals(seed, document), tokens: await freshTokens(t, seed) }));
        renameSync(`${principals}.new`, principals);
      };
      await writePrincipals();
      const refresh = setInterval(
        () => void writePrincipals().catch((e: unknown) => process.stdout.write(`fuzz: token refresh failed: ${String(e)}\n`)),
        30_000,
      );
      // By hand: SKYRO_FUZZ_HOLD=seconds keeps the seeded app up for runs of scripts/fuzz.sh.
      const hold = Number(process.env['SKYRO_FUZZ_HOLD'] ?? 0);
      if (hold > 0) {
        process.stdout.write(`fuzz target: SKYRO_FUZZ_PRINCIPALS=${principals} scripts/fuzz.sh ${config} ${url.replace('[::1]', '127.0.0.1')}\n`);
        await new Promise((r) => setTimeout(r, hold * 1000));
        clearInterval(refresh);
        return;
      }
      const started = Date.now();
      const include = process.env['SKYRO_FUZZ_INCLUDE'];
      const run = await runFuzzer(
        [
          config,
          url.replace('[::1]', '127.0.0.1'),
          '--checks',
          'all',
          '--report',
          'junit',
          '--report-junit-path',
          junit,
          ...(include ? ['--include-name-regex', include] : []),
        ],
        principals,
      ).finally(() => clearInterval(refresh));
      const seconds = Math.round((Date.now() - started) / 1000);
      const summary = run.output
        .split('\n')
        .filter((l) => /^(=+ SUMMARY|Test cases:|\d+ generated|API Operations:|Failures:|Errors:|Warnings:|Seed:|\d+ passed|.*in \d+\.\d+s)/.test(l.trim()));
      process.stdout.write(`fuzzer: exit ${run.code} in ${seconds}s\n${summary.join('\n')}\n`);
      // A failing run prints every failure with a curl line to reproduce it.
      if (run.code !== 0) process.stdout.write(run.output.slice(-60_000));
      expect(existsSync(junit) ? readFileSync(junit, 'utf8').length : 0).toBeGreaterThan(0);
      expect(run.code).toBe(0);
    },
    RUN_TIMEOUT_MS,
  );
});

/** Runs scripts/fuzz.sh without blocking this process (the app under test answers in it). */
function runFuzzer(args: string[], principals: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, PYTHONUNBUFFERED: '1', SKYRO_FUZZ_PRINCIPALS: principals };
    const child = spawn(SCRIPT, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

async function signUpUser(t: TestApp, databaseUrl: string, tag: string, roles: string[] = ['customer']): Promise<User> {
  const email = uniqueEmail(tag);
  const res = await t
    .http()
    .post('/v1/auth/register')
    .send({ email, password: PASSWORD, name: `Fuzz ${tag}` });
  if (res.status !== 202) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
  const mail = await mailTo(email, 'verify-email');
  const verified = await t.http().post('/v1/auth/verify-email').send({ token: mail.variables['token'] });
  if (verified.status !== 200) throw new Error(`verify: ${verified.status} ${JSON.stringify(verified.body)}`);
  if (roles.join() !== 'customer') await sql(databaseUrl, 'update identity.users set roles = $2 where id = $1', [mail.userId, roles]);
  // A session that did a second factor just now: the step-up routes answer as they do after MFA.
  const { token, sessionId } = await loginAs(t.app, mail.userId, roles as never, { secondFactorAt: Date.now() });
  return { userId: mail.userId, email, auth: `Bearer ${token}`, sessionId, roles };
}

async function seedData(t: TestApp, databaseUrl: string): Promise<Seed> {
  const http = () => t.http();
  const expectStatus = (res: { status: number; body: unknown }, status: number, what: string) => {
    if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as Record<string, unknown>;
  };
  const customer = await signUpUser(t, databaseUrl, 'customer');
  const admin = await signUpUser(t, databaseUrl, 'admin', ['admin']);
  const victim = await signUpUser(t, databaseUrl, 'victim');
  const erased = await signUpUser(t, databaseUrl, 'erased');
  const throwaway = {
    closeUser: await signUpUser(t, databaseUrl, 'close-user'),
    revokeSessions: await signUpUser(t, databaseUrl, 'revoke-sessions'),
    revokeSession: await signUpUser(t, databaseUrl, 'revoke-session'),
    changePassword: await signUpUser(t, databaseUrl, 'change-password'),
    closeAccount: await signUpUser(t, databaseUrl, 'close-account'),
  };
  const otherSession = (await loginAs(t.app, throwaway.revokeSession.userId)).sessionId;
  const client = `Bearer ${await clientToken(t.app, FUZZ_CLIENT, CLIENT_SCOPES)}`;

  const as = (auth: string) => ({ authorization: auth });
  const open = async (who: User, body: { product: string; currency: string }) =>
    expectStatus(await http().post('/v1/accounts').set(as(who.auth)).send(body), 201, 'open account') as { id: string; ledgerAccountId: string };
  const checking = await open(customer, { product: 'checking', currency: 'EUR' });
  const savings = await open(customer, { product: 'savings', currency: 'EUR' });
  const other = await open(victim, { product: 'checking', currency: 'EUR' });
  const closing = await open(throwaway.closeAccount, { product: 'checking', currency: 'EUR' });

  // The bank's side of the books, and money on the customer's checking account.
  const ledgerAccount = async (normalSide: 'debit' | 'credit') => {
    const id = newUuid();
    expectStatus(await http().post('/v1/ledger/accounts').set(as(client)).send({ id, currency: 'EUR', normalSide }), 201, 'ledger account');
    return id;
  };
  const funding = await ledgerAccount('debit');
  const spare = await ledgerAccount('credit');
  const transfer = async (debitAccountId: string, creditAccountId: string, amount: string) => {
    const id = newUuid();
    expectStatus(
      await http().post('/v1/ledger/transfers').set(as(client)).send({ id, debitAccountId, creditAccountId, amount, currency: 'EUR' }),
      201,
      'transfer',
    );
    return id;
  };
  const transfers = [await transfer(funding, checking.ledgerAccountId, '100000'), await transfer(funding, spare, '2500')];
  expectStatus(
    await http().post(`/v1/accounts/${checking.id}/transfers`).set(as(customer.auth)).send({ id: newUuid(), toAccountId: savings.id, amount: '1000' }),
    201,
    'account transfer',
  );
  const statement = expectStatus(
    await http()
      .post(`/v1/accounts/${checking.id}/statements`)
      .set(as(customer.auth))
      .send({ from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date().toISOString() }),
    201,
    'statement',
  ) as { id: string };
  const oauthClient = expectStatus(
    await http()
      .post('/v1/admin/oauth-clients')
      .set(as(admin.auth))
      .send({ name: 'fuzz', type: 'confidential', scopes: ['ledger:read'], grantTypes: ['client_credentials'] }),
    201,
    'oauth client',
  ) as { client: { id: string } };
  // A partner's webhook endpoint, which staff (the admin) reach with webhooks:admin.
  const partner = expectStatus(
    await http()
      .post('/v1/admin/oauth-clients')
      .set(as(admin.auth))
      .send({ name: 'fuzz partner', type: 'confidential', scopes: ['webhooks:manage', 'webhooks:accounts'], grantTypes: ['client_credentials'] }),
    201,
    'webhook client',
  ) as { client: { id: string } };
  const partnerAuth = `Bearer ${await clientToken(t.app, partner.client.id, ['webhooks:manage', 'webhooks:accounts'])}`;
  const webhook = expectStatus(
    await http()
      .post('/v1/notifications/webhooks/endpoints')
      .set(as(partnerAuth))
      .send({ url: 'http://127.0.0.1:9/fuzz', eventTypes: ['account.statement_issued'] }),
    201,
    'webhook endpoint',
  ) as { endpoint: { id: string } };
  return {
    customer,
    admin,
    victim,
    erased,
    throwaway,
    client,
    webhookClient: { auth: partnerAuth, id: partner.client.id },
    ids: {
      customerAccounts: [checking.id, savings.id],
      otherAccount: other.id,
      closeAccount: closing.id,
      statement: statement.id,
      ledgerAccounts: [funding, spare, checking.ledgerAccountId],
      transfers,
      otherSession,
      oauthClient: oauthClient.client.id,
      webhookEndpoint: webhook.endpoint.id,
    },
  };
}

/** TOML's basic strings read JSON's string escapes. */
const str = (s: string) => JSON.stringify(s);
const list = (xs: readonly string[]) => `[${xs.map(str).join(', ')}]`;
const POSITIVE_STATUSES = ['2xx', '3xx', '401', '403', '404', '409', '422', '429'];
const values = (xs: readonly string[]) => `{ values = [${xs.map(str).join(', ')}] }`;

interface Principal {
  /** The Authorization header, or null for the public operations. */
  readonly auth: string | null;
  /** Parameters drawn from the ids that exist (a dictionary name per `path.id`, `body.toAccountId`...). */
  readonly bind?: Record<string, string>;
}

/**
 * Operations that answer 400 to some requests the document allows, for a reason no schema can
 * hold: a one-time token, challenge, code or client that does not exist, a password the policy
 * finds common or personal, a period whose end is not after its start. For them a 400 to valid
 * data is no failure; scripts/fuzz_hooks.py still fails any such answer whose code says the
 * shape was wrong (VALIDATION_FAILED...), here as everywhere.
 */
/**
 * Operations whose success is not HTTP: a WebSocket endpoint answers a plain request (all an
 * HTTP fuzzer sends) 426 Upgrade Required, as documented; its frames are fuzzed by
 * test/realtime/realtime-gateway.e2e-spec.ts (bad frames).
 */
const NOT_HTTP: Record<string, string> = {
  'GET /v1/realtime': '426',
};

const DOMAIN_400: Record<string, string> = {
  'POST /v1/auth/register': 'PASSWORD_TOO_WEAK: common, repetitive or personal',
  'POST /v1/auth/verify-email': 'TOKEN_INVALID',
  'POST /v1/auth/password-reset/confirm': 'TOKEN_INVALID, PASSWORD_TOO_WEAK',
  'POST /v1/auth/login/mfa': 'the challenge token or code is unknown',
  'POST /v1/auth/webauthn/login/verify': 'WEBAUTHN_INVALID: no such ceremony',
  'POST /v1/auth/token': 'RFC 6749 errors (INVALID_GRANT, INVALID_REQUEST...)',
  'POST /v1/oauth/authorize': 'UNKNOWN_CLIENT, INVALID_REDIRECT_URI',
  'POST /v1/users/me/password': 'PASSWORD_TOO_WEAK',
  'POST /v1/mfa/totp/confirm': 'MFA_CODE_MISMATCH',
  'POST /v1/mfa/step-up': 'the code does not match',
  'POST /v1/mfa/step-up/webauthn/verify': 'WEBAUTHN_INVALID: no such ceremony',
  'POST /v1/mfa/webauthn/registration/verify': 'WEBAUTHN_INVALID: no such ceremony',
  // A URL that is not the dictionary's: not https, or its host resolves to a refused address (the SSRF guard).
  'POST /v1/notifications/webhooks/endpoints': 'WEBHOOK_URL_NOT_HTTPS, WEBHOOK_URL_FORBIDDEN, WEBHOOK_URL_UNRESOLVABLE',
  'PATCH /v1/notifications/webhooks/endpoints/{id}': 'WEBHOOK_URL_NOT_HTTPS, WEBHOOK_URL_FORBIDDEN, WEBHOOK_URL_UNRESOLVABLE',
  'GET /v1/accounts/{id}/statements': 'STATEMENT_PERIOD_INVALID: from must be before to',
  'POST /v1/accounts/{id}/statements': 'STATEMENT_PERIOD_INVALID: from must be before to',
  // The provider signs the raw body; no generated request carries a valid signature (nothing is stored).
  'POST /v1/payment-webhooks/{connector}': 'WEBHOOK_SIGNATURE_INVALID',
  // The rail must carry the currency (SEPA in EUR, ACH and wire in USD): a rule across two fields, named with its code.
  'POST /v1/payouts': 'RAIL_CURRENCY_MISMATCH',
  // Which fields a rail takes, IBAN and ABA check digits, the rail's character set.
  'POST /v1/beneficiaries': 'BENEFICIARY_DETAILS_INVALID',
  // Each sku once per order: a rule across items.
  'POST /v1/orders': 'ORDER_ITEM_SKU_REPEATED',
  'PUT /v1/orders/{id}/items': 'ORDER_ITEM_SKU_REPEATED',
  // A bank's file is a string to the document; its NACHA or ISO 20022 structure is the parser's to judge.
  'POST /v1/admin/rails/reports': 'REPORT_MALFORMED',
};

/**
 * Who calls each operation, and which of its parameters take ids that exist (most of the
 * time; otherwise generated, and an unknown id must answer 404 as documented). Throws for an
 * operation it does not know: a new route must be given its principal here.
 */
export function principalOf(seed: Seed, method: string, route: string): Principal {
  const t = seed.throwaway;
  const label = `${method.toUpperCase()} ${route}`;
  // The operations that end their caller's access take throwaway users.
  const own: Record<string, Principal> = {
    'DELETE /v1/users/me': { auth: t.closeUser.auth },
    'DELETE /v1/sessions': { auth: t.revokeSessions.auth },
    'DELETE /v1/sessions/{id}': { auth: t.revokeSession.auth, bind: { 'path.id': 'sessions' } },
    // The current password is known (most of the time), so the change is reached, not only 401.
    'POST /v1/users/me/password': { auth: t.changePassword.auth, bind: { 'body.currentPassword': 'current_passwords' } },
    'POST /v1/accounts/{id}/close': { auth: t.closeAccount.auth, bind: { 'path.id': 'close_account' } },
    'DELETE /v1/admin/users/{id}': { auth: seed.admin.auth, bind: { 'path.id': 'erased' } },
    'DELETE /v1/admin/oauth-clients/{id}': { auth: seed.admin.auth, bind: { 'path.id': 'oauth_clients' } },
    'GET /v1/admin/accounts': { auth: seed.admin.auth, bind: { 'query.ownerId': 'victims' } },
    'GET /v1/admin/notifications': { auth: seed.admin.auth, bind: { 'query.userId': 'victims' } },
    'POST /v1/accounts/{id}/transfers': { auth: seed.customer.auth, bind: { 'path.id': 'customer_accounts', 'body.toAccountId': 'payees' } },
    'GET /v1/accounts/{id}/statements/stored/{statementId}': {
      auth: seed.customer.auth,
      bind: { 'path.id': 'customer_accounts', 'path.statementId': 'statements' },
    },
    'POST /v1/ledger/transfers': {
      auth: seed.client,
      bind: { 'body.debitAccountId': 'ledger_accounts', 'body.creditAccountId': 'ledger_accounts', 'body.currency': 'currencies' },
    },
    'POST /v1/ledger/transfers/batch': {
      auth: seed.client,
      bind: {
        'body.transfers[*].debitAccountId': 'ledger_accounts',
        'body.transfers[*].creditAccountId': 'ledger_accounts',
        'body.transfers[*].currency': 'currencies',
      },
    },
  };
  if (own[label]) return own[label];
  const withId = (auth: string, dictionary: string): Principal => ({ auth, ...(route.includes('{id}') ? { bind: { 'path.id': dictionary } } : {}) });
  // Public: health, metrics, keys, the sign-up and sign-in API, the pages its emails link to, providers' signed callbacks
  // (notifications' and the payment providers' webhooks: signature-verified on the raw body, a bad signature is 400).
  if (/^\/(health|metrics|\.well-known)\b|^\/v1\/auth\/|^\/auth\/|^\/v1\/notifications\/callbacks\/|^\/v1\/payment-webhooks\//.test(route))
    return { auth: null };
  // A customer's own push devices; an id generated for DELETE is someone else's or nobody's: 404.
  if (route.startsWith('/v1/notifications/devices')) return { auth: seed.customer.auth };
  // A WebSocket endpoint: plain requests are answered 426; the frames are fuzzed in test/realtime (bad frames).
  if (route === '/v1/realtime') return { auth: null };
  if (route.startsWith('/v1/admin/users/')) return withId(seed.admin.auth, 'victims');
  if (route.startsWith('/v1/admin/accounts/')) return withId(seed.admin.auth, 'other_account');
  if (/^\/v1\/(admin|audit-log)\b/.test(route)) return { auth: seed.admin.auth };
  if (route.startsWith('/v1/ledger/transfers')) return withId(seed.client, 'transfers');
  if (route.startsWith('/v1/ledger/')) return withId(seed.client, 'ledger_accounts');
  if (route.startsWith('/v1/accounts')) return withId(seed.customer.auth, 'customer_accounts');
  // The customer's own payments, payouts, transfers and saved beneficiaries; generated ids are someone else's or nobody's: 404
  // (/v1/admin/payments, /v1/admin/rails, /v1/admin/reconciliation: admin, above).
  if (/^\/v1\/(payments|payouts|transfers|beneficiaries)\b/.test(route)) return { auth: seed.customer.auth };
  // The customer's own orders; generated ids are someone else's or nobody's: 404 ORDER_NOT_FOUND (/v1/admin/orders: admin, above).
  // Fulfilment is staff work (orders:fulfil).
  if (route === '/v1/orders/{id}/fulfil') return { auth: seed.admin.auth };
  if (route.startsWith('/v1/orders')) return { auth: seed.customer.auth };
  // Staff (webhooks:admin) on a partner's endpoint; URLs from the dictionary (a random one is refused by the SSRF guard).
  // The partner registers its own endpoints (staff get 403 WEBHOOK_CLIENT_REQUIRED there).
  if (method === 'post' && route === '/v1/notifications/webhooks/endpoints') return { auth: seed.webhookClient.auth, bind: { 'body.url': 'webhook_urls' } };
  if (route.startsWith('/v1/notifications/webhooks/endpoints'))
    return { auth: seed.admin.auth, bind: { ...(route.includes('{id}') ? { 'path.id': 'webhook_endpoints' } : {}), 'body.url': 'webhook_urls' } };
  if (route.startsWith('/v1/notifications/webhooks/')) return { auth: seed.admin.auth };
  if (/^\/v1\/(users|sessions|mfa|oauth|interest-rates)\b/.test(route)) return { auth: seed.customer.auth };
  // The customer's own notifications: ids of others' (or none) answer 404.
  if (route.startsWith('/v1/notifications')) return { auth: seed.customer.auth };
  throw new Error(`fuzz: no principal for ${label}; add it to principalOf`);
}

/**
 * The schemathesis.toml of a run: limits, checks, the ids that exist, and one entry per
 * operation of the document with its principal.
 */
export function fuzzConfig(seed: Seed, document: { paths: Record<string, Record<string, unknown>> }, options: { maxExamples: number; seed: number }): string {
  const ids = seed.ids;
  const lines: string[] = [
    `hooks = ${str(HOOKS)}`,
    `seed = ${options.seed}`,
    'workers = 1',
    'continue-on-failure = true',
    'request-timeout = 10',
    '',
    '# No state between runs (a fresh clone and a rerun fuzz alike): no replay of earlier failures.',
    '[cache]',
    'enabled = false',
    '',
    '[generation]',
    `max-examples = ${options.maxExamples}`,
    'database = "none"',
    '',
    '[checks.positive_data_acceptance]',
    '# 422 is a business rule refusing a well-formed request (an amount beyond the balance, a',
    '# frozen account): the document cannot state those. A shape the schema allows and the',
    '# server refuses is 400 VALIDATION_FAILED, which stays a failure.',
    `expected-statuses = ${list(POSITIVE_STATUSES)}`,
    '',
    '[dictionaries]',
    `customer_accounts = ${values(ids.customerAccounts)}`,
    `payees = ${values([...ids.customerAccounts, ids.otherAccount])}`,
    `other_account = ${values([ids.otherAccount])}`,
    `close_account = ${values([ids.closeAccount])}`,
    `statements = ${values([ids.statement])}`,
    `ledger_accounts = ${values(ids.ledgerAccounts)}`,
    `transfers = ${values(ids.transfers)}`,
    `sessions = ${values([ids.otherSession])}`,
    `victims = ${values([seed.victim.userId])}`,
    `erased = ${values([seed.erased.userId])}`,
    `oauth_clients = ${values([ids.oauthClient])}`,
    `webhook_endpoints = ${values([ids.webhookEndpoint])}`,
    `webhook_urls = ${values(['http://127.0.0.1:9/fuzz'])}`,
    `currencies = ${values(['EUR'])}`,
    `current_passwords = ${values([PASSWORD])}`,
    '',
  ];
  for (const [route, item] of Object.entries(document.paths)) {
    for (const method of Object.keys(item)) {
      const label = `${method.toUpperCase()} ${route}`;
      const { bind = {} } = principalOf(seed, method, route);
      if (Object.keys(bind).length === 0 && !DOMAIN_400[label] && !NOT_HTTP[label]) continue;
      lines.push('[[operations]]', `include-name = ${str(label)}`);
      if (NOT_HTTP[label]) lines.push(`checks = { positive_data_acceptance = { expected-statuses = ${list([NOT_HTTP[label]])} } }`);
      // As the document's bearer scheme, not a fixed header: the coverage phase then also
      // sends the request without it and expects 401.
      if (DOMAIN_400[label]) lines.push(`checks = { positive_data_acceptance = { expected-statuses = ${list(['400', ...POSITIVE_STATUSES])} } }`);
      const bound = Object.entries(bind).map(([k, dictionary]) => `${str(k)} = { dictionary = ${str(dictionary)}, probability = 0.8 }`);
      if (bound.length) lines.push(`parameters = { ${bound.join(', ')} }`);
      lines.push('');
    }
  }
  return lines.join('\n');
}

/** Every principal of the run by key: the users by id, the service client by its client id. */
function principalKeys(seed: Seed): Map<string, string> {
  const users = [seed.customer, seed.admin, seed.victim, seed.erased, ...Object.values(seed.throwaway)];
  return new Map([
    ...users.map((u) => [u.auth, u.userId] as const),
    [seed.client, FUZZ_CLIENT] as const,
    [seed.webhookClient.auth, seed.webhookClient.id] as const,
  ]);
}

/** Which principal (key) calls each operation; public ones are absent. */
function operationPrincipals(seed: Seed, document: { paths: Record<string, Record<string, unknown>> }): Record<string, string> {
  const keys = principalKeys(seed);
  const result: Record<string, string> = {};
  for (const [route, item] of Object.entries(document.paths))
    for (const method of Object.keys(item)) {
      const { auth } = principalOf(seed, method, route);
      if (auth) result[`${method.toUpperCase()} ${route}`] = keys.get(auth)!;
    }
  return result;
}

/** A second factor now in every seeded session, and a new access token for each principal. */
async function freshTokens(t: TestApp, seed: Seed): Promise<Record<string, string>> {
  const users = [seed.customer, seed.admin, seed.victim, seed.erased, ...Object.values(seed.throwaway)];
  const tokens: Record<string, string> = {
    [FUZZ_CLIENT]: await clientToken(t.app, FUZZ_CLIENT, CLIENT_SCOPES),
    [seed.webhookClient.id]: await clientToken(t.app, seed.webhookClient.id, ['webhooks:manage', 'webhooks:accounts']),
  };
  for (const user of users) {
    // A session the run ended (revoked, the user closed) stays ended.
    await t.app.get(SessionStore).recordSecondFactor(user.sessionId, Date.now());
    tokens[user.userId] = (await t.app.get(AccessTokens).issue({ subject: user.userId, roles: user.roles as Role[], sessionId: user.sessionId })).token;
  }
  return tokens;
}
