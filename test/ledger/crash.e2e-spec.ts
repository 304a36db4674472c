import { KeyRing } from '@platform/auth/key-ring';
import { AccessTokens } from '@platform/auth/access-tokens';
import { loadConfig } from '@platform/config/app-config';
import { createTestDatabase, sql } from '../support/database';
import { startChildApp, type ChildApp } from '../support/child-app';
import { newUuid } from './ledger-support';

interface Transfer {
  id: string;
  debitAccountId: string;
  creditAccountId: string;
  amount: string;
  currency: 'EUR';
}

describe('ledger: crash during concurrent transfers', () => {
  it('after a kill -9 and client retries with the same ids, each transfer exists once and the books balance', async () => {
    const db = await createTestDatabase();
    const { jwk } = await KeyRing.generate();
    const env = { DATABASE_URL: db.url, MODULES: 'ledger', AUTH_SIGNING_KEYS: JSON.stringify([jwk]) };
    const tokens = new AccessTokens(await KeyRing.fromJwks([jwk]), loadConfig(env));
    const auth = {
      authorization: `Bearer ${(await tokens.issue({ subject: 'crash-test', clientId: 'crash-test', scopes: ['ledger:read', 'ledger:write', 'ledger:reconcile'] })).token}`,
      'content-type': 'application/json',
    };

    let app: ChildApp = await startChildApp(env);
    const call = (path: string, body?: object) =>
      fetch(`${app.url}${path}`, { method: body ? 'POST' : 'GET', headers: auth, body: body ? JSON.stringify(body) : undefined }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as Record<string, unknown>,
      }));

    try {
      const bank = newUuid();
      await call('/v1/ledger/accounts', { id: bank, currency: 'EUR', normalSide: 'debit' });
      const customers = Array.from({ length: 12 }, () => newUuid());
      for (const id of customers) {
        await call('/v1/ledger/accounts', { id, currency: 'EUR', normalSide: 'credit', debitsMustNotExceedCredits: true });
        await call('/v1/ledger/transfers', { id: newUuid(), debitAccountId: bank, creditAccountId: id, amount: '500', currency: 'EUR' });
      }
      const transfers: Transfer[] = Array.from({ length: 2400 }, (_, i) => {
        const from = customers[i % customers.length]!;
        const to = customers[(i * 7 + 3) % customers.length]!;
        return { id: newUuid(), debitAccountId: from, creditAccountId: to === from ? bank : to, amount: String(1 + (i % 40)), currency: 'EUR' };
      });

      // Many concurrent clients, and the process dies under them.
      const answers = new Map<string, number>();
      let next = 0;
      const client = async () => {
        while (next < transfers.length) {
          const t = transfers[next++]!;
          try {
            answers.set(t.id, (await call('/v1/ledger/transfers', t)).status);
          } catch {
            return; // connection lost: the app is gone
          }
        }
      };
      const clients = Array.from({ length: 32 }, client);
      while (answers.size < 600) await new Promise((r) => setTimeout(r, 5));
      app.child.kill('SIGKILL');
      await Promise.all(clients);
      expect((await app.exited()).signal).toBe('SIGKILL');
      expect(answers.size).toBeLessThan(transfers.length);

      // Restart; clients retry everything with the same ids until each has an answer.
      app = await startChildApp(env);
      const final = new Map<string, { status: number; body: Record<string, unknown> }>();
      let cursor = 0;
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          while (cursor < transfers.length) {
            const t = transfers[cursor++]!;
            final.set(t.id, await call('/v1/ledger/transfers', t));
          }
        }),
      );
      const statuses = [...final.values()].map((r) => r.status);
      expect(statuses.filter((s) => s !== 201 && s !== 422)).toEqual([]);
      // What was acknowledged before the crash is still there, unchanged: the retry is a replay.
      for (const [id, status] of answers) if (status === 201) expect(final.get(id)!.status).toBe(201);

      const rows = await sql<{ id: string; postings: string }>(
        db.url,
        `select t.id, (select count(*) from ledger.postings p where p.transfer_id = t.id) as postings from ledger.transfers t where t.id = any($1)`,
        [transfers.map((t) => t.id)],
      );
      const created = new Set([...final].filter(([, r]) => r.status === 201).map(([id]) => id));
      expect(new Set(rows.map((r) => r.id))).toEqual(created);
      expect(rows.every((r) => r.postings === '2')).toBe(true);
      const byId = new Map(transfers.map((t) => [t.id, t]));
      for (const id of created) expect(final.get(id)!.body).toMatchObject({ amount: byId.get(id)!.amount, debitAccountId: byId.get(id)!.debitAccountId });

      const report = await call('/v1/ledger/reconciliations', {});
      expect(report.body).toMatchObject({ mismatchedAccounts: [], unbalancedCurrencies: [] });
      const negative = await sql(
        db.url,
        'select id from ledger.accounts where debits_must_not_exceed_credits and debits_posted + debits_pending > credits_posted',
      );
      expect(negative).toEqual([]);
    } finally {
      app.child.kill('SIGKILL');
      await db.drop();
    }
  }, 180_000); // two app boots and 2,400 HTTP transfers: generous for a loaded 2-core machine
});
