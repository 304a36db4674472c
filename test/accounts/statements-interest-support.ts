import type { Response } from 'supertest';
import { Clock } from '@platform/clock';
import { accountsContext } from '@modules/accounts/accounts.context';
import { ledgerContext } from '@modules/ledger/ledger.context';
import { startTestApp, type TestApp } from '../support/app';
import { createTestDatabase } from '../support/database';
import { ledgerClient, openAccount } from '../ledger/ledger-support';
import { accountsProbe, customer, installAccountsProbe, type Customer } from './accounts-support';

/** Moves the app's platform clock (jobs, statement issue times) to 06:00 UTC of a day; returns that day. */
export function clockAt(t: TestApp, day: string): string {
  const at = Date.parse(`${day}T06:00:00.000Z`);
  t.app.get(Clock).now = () => at;
  return day;
}

/** Collects a response body as raw bytes (PDF and CSV downloads). */
export function rawBody(res: Response, callback: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(Buffer.from(chunk)));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

/** One file's app: its own database, ledger + accounts + the event probe, a bank ledger account to fund from, and a customer. */
export interface Fixture {
  readonly db: Awaited<ReturnType<typeof createTestDatabase>>;
  readonly t: TestApp;
  readonly ledgerAuth: Record<string, string>;
  readonly bank: string;
  readonly alice: Customer;
  close(): Promise<void>;
}

export async function startFixture(): Promise<Fixture> {
  const db = await createTestDatabase();
  await installAccountsProbe(db.url);
  const t = await startTestApp({ contexts: [ledgerContext, accountsContext, accountsProbe], databaseUrl: db.url });
  const ledgerAuth = await ledgerClient(t);
  return {
    db,
    t,
    ledgerAuth,
    bank: await openAccount(t, ledgerAuth, { normalSide: 'debit' }),
    alice: await customer(t),
    async close() {
      await t.close();
      await db.drop();
    },
  };
}
