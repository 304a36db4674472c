import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { accountsContext } from '@modules/accounts/accounts.context';
import { identityContext } from '@modules/identity/identity.context';
import { ledgerContext } from '@modules/ledger/ledger.context';
import { contextSchemaSql } from '@platform/database/context-schema';
import { mailTo, PASSWORD, testMailbox, uniqueEmail } from '../identity/support';
import { newUuid } from '../ledger/ledger-support';
import { startTestApp, type TestApp } from '../support/app';
import { clientToken } from '../support/auth';
import { createTestDatabase, sql } from '../support/database';

/*
 * openapi.json must generate a working client with a generator no one here wrote:
 * openapi-generator's typescript-fetch (scripts/openapi-client.sh fetches and caches the
 * jar). The client and a customer journey written against it
 * (scripts/openapi-client/customer-journey.ts) are type-checked strictly with the
 * project's TypeScript, then the journey runs against a listening app with the real
 * identity, accounts and ledger contexts. Test helpers do only what a customer cannot:
 * read the verification e-mail and mint the bank's service token.
 */

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');

async function sh(file: string, args: string[], what: string): Promise<void> {
  try {
    await run(file, args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${what} failed:\n${[stdout, stderr].filter(Boolean).join('\n').slice(-8000)}`);
  }
}

/**
 * scripts/openapi-client/customer-journey.ts as seen from here (its own types come from the
 * generated client, which exists only in the temp dir, so the project cannot import them;
 * `currency` there is the client's CurrencyCode, the ISO 4217 codes the document lists).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Answer = Record<string, any>;
interface Journey {
  customerJourney(
    basePath: string,
    customer: { email: string; password: string; name: string },
    bank: { verificationToken(email: string): Promise<string>; fund(ledgerAccountId: string, amount: string, currency: string): Promise<void> },
  ): Promise<Record<'signedUp' | 'verified' | 'login' | 'opened' | 'funded' | 'statement' | 'listed' | 'unknownAccount', Answer>>;
  bankTransfer(
    basePath: string,
    serviceToken: string,
    transfer: { id: string; debitAccountId: string; creditAccountId: string; amount: string; currency: string },
  ): Promise<Answer>;
  bankAccount(basePath: string, serviceToken: string, id: string, currency: string): Promise<Answer>;
}

describe('a TypeScript client generated from openapi.json (openapi-generator typescript-fetch)', () => {
  let dir: string;
  let journey: Journey;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skyro-openapi-client-'));
    await sh(join(ROOT, 'scripts/openapi-client.sh'), ['generate', join(dir, 'client'), join(ROOT, 'openapi.json')], 'openapi-generator (typescript-fetch)');
    copyFileSync(join(ROOT, 'scripts/openapi-client/tsconfig.json'), join(dir, 'tsconfig.json'));
    copyFileSync(join(ROOT, 'scripts/openapi-client/customer-journey.ts'), join(dir, 'customer-journey.ts'));
    // The project's TypeScript: strict, DOM fetch types, the client and the journey together.
    await sh(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], 'type-checking the generated client');
    // Jest's swc transform loads the checked TypeScript as it is.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- written at run time, loaded by its path
    journey = require(join(dir, 'customer-journey.ts')) as Journey;
  }, 300_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("defaults to the document's server, the local URL of npm start", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- generated at run time, loaded by its path
    const runtime = require(join(dir, 'client/runtime.ts')) as { BASE_PATH: string };
    expect(runtime.BASE_PATH).toBe('http://127.0.0.1:3000');
  });

  describe('against a running app', () => {
    let db: Awaited<ReturnType<typeof createTestDatabase>>;
    let t: TestApp;
    let basePath: string;

    beforeAll(async () => {
      db = await createTestDatabase();
      await sql(db.url, contextSchemaSql('test_mailbox').join(';\n'));
      t = await startTestApp({
        contexts: [identityContext, ledgerContext, accountsContext, testMailbox],
        databaseUrl: db.url,
        listen: true,
        // Cheaper argon2 keeps the suite fast (as the identity tests do).
        env: { IDENTITY_ARGON2_MEMORY_KIB: '8192', IDENTITY_ARGON2_ITERATIONS: '1' },
      });
      basePath = (await t.app.getUrl()).replace('[::1]', '127.0.0.1').replace(/\/$/, '');
    });
    afterAll(async () => {
      await t?.close();
      await db?.drop();
    });

    it('signs up, verifies the e-mail, logs in, opens an account, is funded, reads the balance and a statement', async () => {
      const serviceToken = await clientToken(t.app, 'bank-back-office', ['ledger:read', 'ledger:write']);
      const bankAccountId = newUuid();
      const bank = await journey.bankAccount(basePath, serviceToken, bankAccountId, 'EUR');
      expect(bank).toMatchObject({ id: bankAccountId, normalSide: 'debit', currency: 'EUR' });
      const transfers: Answer[] = [];

      const email = uniqueEmail('client');
      const result = await journey.customerJourney(
        basePath,
        { email, password: PASSWORD, name: 'Client Journey' },
        {
          verificationToken: async (address) => String((await mailTo(address, 'verify-email')).variables['token']),
          fund: async (ledgerAccountId, amount, currency) => {
            transfers.push(
              await journey.bankTransfer(basePath, serviceToken, {
                id: newUuid(),
                debitAccountId: bankAccountId,
                creditAccountId: ledgerAccountId,
                amount,
                currency,
              }),
            );
          },
        },
      );

      expect(result.signedUp.status).toBe('accepted');
      expect(result.verified.status).toBe('active');
      expect(result.login.tokens?.tokenType).toBe('Bearer');
      expect(result.opened).toMatchObject({ product: 'checking', currency: 'EUR', status: 'active', balances: { posted: '0' } });
      expect(transfers).toEqual([expect.objectContaining({ creditAccountId: result.opened.ledgerAccountId, amount: '125000', currency: 'EUR' })]);
      expect(transfers[0]!.createdAt).toBeInstanceOf(Date);
      expect(result.funded).toMatchObject({ id: result.opened.id, balances: { posted: '125000' } });
      expect(result.statement).toMatchObject({
        accountId: result.opened.id,
        openingBalance: '0',
        closingBalance: '125000',
        totalCredits: '125000',
        totalDebits: '0',
      });
      expect(result.statement.postings).toEqual([
        expect.objectContaining({ transferId: transfers[0]!.id, side: 'credit', amount: '125000', balanceAfter: '125000' }),
      ]);
      expect(result.listed['items'].map((a: Answer) => a['id'])).toEqual([result.opened.id]);
      // A problem document, as documented: its status, media type and stable code.
      expect(result.unknownAccount).toMatchObject({
        status: 404,
        contentType: expect.stringMatching(/^application\/problem\+json/),
        body: { status: 404, code: expect.any(String) },
      });
    });
  });
});
