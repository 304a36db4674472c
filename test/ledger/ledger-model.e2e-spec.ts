import { CommandBus } from '@nestjs/cqrs';
import fc from 'fast-check';
import { Pool } from 'pg';
import { v4 as uuidv4 } from 'uuid';
import { ChangeLedgerAccountCommand, CreateLedgerAccountCommand, SubmitTransfersCommand, type TransferInput } from '@modules/ledger/contract';
import { ledgerContext } from '@modules/ledger/ledger.context';
import { Clock } from '@platform/clock';
import { Scheduler } from '@platform/jobs/scheduler';
import { createTestDatabase } from '../support/database';
import { startTestApp, type TestApp } from '../support/app';
import { LedgerModel, type ModelTransfer } from './ledger-model';

/*
 * Model-based property test against real PostgreSQL: random sequences of account
 * openings, transfers, linked batches, holds, posts, voids, expiries, freezes and replays
 * (many of them failing on purpose) run through the ledger's command bus and through an
 * independent in-memory model. After every step the outcomes must agree, and the books
 * must hold: per currency the balances sum to zero, every balance equals the sum of its
 * postings, no bounded account is beyond its limit, and replays change nothing.
 */

interface World {
  model: LedgerModel;
  accounts: string[];
  pendings: string[];
  submissions: ModelTransfer[][];
}

interface Real {
  bus: CommandBus;
  clock: { now: number };
  runExpiry(): Promise<void>;
  /** A connection of the test's own, outside the app, to read the books. */
  db: Pool;
}

const rowsOf = async <R extends Record<string, unknown>>(db: Pool, text: string): Promise<R[]> => (await db.query<R>(text)).rows;

const toInput = (t: ModelTransfer): TransferInput => ({
  id: t.id,
  kind: t.kind === 'expire_pending' ? undefined : t.kind,
  debitAccountId: t.debitAccountId,
  creditAccountId: t.creditAccountId,
  amount: t.amount?.toString(),
  currency: t.currency,
  pendingId: t.pendingId,
  timeoutSeconds: t.timeoutSeconds,
  linked: t.linked,
});

async function submit(world: World, real: Real, transfers: ModelTransfer[]): Promise<void> {
  const expected = world.model.submit(transfers, real.clock.now);
  const results = await real.bus.execute(new SubmitTransfersCommand({ transfers: transfers.map(toInput) }));
  expect(results.map((r) => (r.status === 'failed' ? r.error : r.status))).toEqual(expected);
  world.submissions.push(transfers);
  transfers.forEach((t, i) => {
    if (t.kind === 'pending' && expected[i] === 'created') world.pendings.push(t.id);
  });
}

async function verify(world: World, real: Real): Promise<void> {
  const rows = await rowsOf<{ id: string; status: string; debits_pending: string; debits_posted: string; credits_pending: string; credits_posted: string }>(
    real.db,
    'select id, status, debits_pending, debits_posted, credits_pending, credits_posted from ledger.accounts',
  );
  const actual = Object.fromEntries(rows.map((r) => [r.id, [r.status, r.debits_pending, r.debits_posted, r.credits_pending, r.credits_posted].join(' ')]));
  const expected = Object.fromEntries([...world.model.state.accounts].map(([id, a]) => [id, [a.status, a.dp, a.dpo, a.cp, a.cpo].join(' ')]));
  expect(actual).toEqual(expected);

  const unbalanced = await rowsOf(
    real.db,
    `select currency from ledger.accounts group by currency having sum(debits_posted) <> sum(credits_posted) or sum(debits_pending) <> sum(credits_pending)`,
  );
  expect(unbalanced).toEqual([]);
  const mismatched = await rowsOf(
    real.db,
    `select a.id from ledger.accounts a left join (
       select account_id,
              sum(amount) filter (where side = 'debit' and bucket = 'pending') dp, sum(amount) filter (where side = 'debit' and bucket = 'posted') dpo,
              sum(amount) filter (where side = 'credit' and bucket = 'pending') cp, sum(amount) filter (where side = 'credit' and bucket = 'posted') cpo
         from ledger.postings group by account_id) s on s.account_id = a.id
     where a.debits_pending <> coalesce(s.dp, 0) or a.debits_posted <> coalesce(s.dpo, 0) or a.credits_pending <> coalesce(s.cp, 0) or a.credits_posted <> coalesce(s.cpo, 0)`,
  );
  expect(mismatched).toEqual([]);
  const beyond = await rowsOf(
    real.db,
    'select id from ledger.accounts where debits_must_not_exceed_credits and debits_pending + debits_posted > credits_posted + overdraft_limit',
  );
  expect(beyond).toEqual([]);
}

const pick = <T>(list: readonly T[], index: number): T => list[index % list.length]!;

class OpenAccount implements fc.AsyncCommand<World, Real> {
  constructor(
    readonly currency: 'EUR' | 'USD',
    readonly customer: boolean,
    readonly overdraft: bigint,
  ) {}
  check = (w: Readonly<World>) => w.accounts.length < 8;
  async run(w: World, r: Real): Promise<void> {
    const id = uuidv4();
    await r.bus.execute(
      new CreateLedgerAccountCommand({
        account: {
          id,
          currency: this.currency,
          normalSide: this.customer ? 'credit' : 'debit',
          debitsMustNotExceedCredits: this.customer,
          overdraftLimit: this.overdraft.toString(),
        },
      }),
    );
    w.model.openAccount(id, { currency: this.currency, limitDebits: this.customer, overdraft: this.overdraft });
    w.accounts.push(id);
    await verify(w, r);
  }
  toString = () => `open(${this.currency}, ${this.customer ? 'customer' : 'bank'}, od=${this.overdraft})`;
}

interface TransferSpec {
  kind: 'posted' | 'pending';
  from: number;
  to: number;
  amount: bigint;
  wrongCurrency: boolean;
  crossCurrency: boolean;
  unknownAccount: boolean;
  timeout: number;
  linked: boolean;
}

class Transfers implements fc.AsyncCommand<World, Real> {
  constructor(readonly specs: TransferSpec[]) {}
  check = (w: Readonly<World>) => w.accounts.length >= 2;
  async run(w: World, r: Real): Promise<void> {
    const transfers = this.specs.map((s): ModelTransfer => {
      const debit = pick(w.accounts, s.from);
      const currency = w.model.state.accounts.get(debit)!.currency;
      // Mostly between accounts of one currency; now and then across currencies (refused).
      const candidates = s.crossCurrency ? w.accounts : w.accounts.filter((id) => w.model.state.accounts.get(id)!.currency === currency);
      const credit = s.unknownAccount ? uuidv4() : pick(candidates, s.to);
      return {
        id: uuidv4(),
        kind: s.kind,
        debitAccountId: debit,
        creditAccountId: credit,
        amount: s.amount,
        currency: s.wrongCurrency ? (currency === 'EUR' ? 'USD' : 'EUR') : currency,
        timeoutSeconds: s.kind === 'pending' && s.timeout ? s.timeout : undefined,
        linked: s.linked,
      };
    });
    await submit(w, r, transfers);
    await verify(w, r);
  }
  toString = () => `transfers(${JSON.stringify(this.specs, (_k, v) => (typeof v === 'bigint' ? String(v) : v))})`;
}

class Resolve implements fc.AsyncCommand<World, Real> {
  constructor(
    readonly pending: number,
    readonly kind: 'post_pending' | 'void_pending',
    readonly partial: bigint | null,
  ) {}
  check = (w: Readonly<World>) => w.pendings.length > 0;
  async run(w: World, r: Real): Promise<void> {
    await submit(w, r, [
      {
        id: uuidv4(),
        kind: this.kind,
        pendingId: pick(w.pendings, this.pending),
        amount: this.kind === 'post_pending' ? (this.partial ?? undefined) : undefined,
      },
    ]);
    await verify(w, r);
  }
  toString = () => `${this.kind}(#${this.pending}, ${this.partial})`;
}

class Replay implements fc.AsyncCommand<World, Real> {
  constructor(
    readonly submission: number,
    readonly tamper: boolean,
  ) {}
  check = (w: Readonly<World>) => w.submissions.length > 0;
  async run(w: World, r: Real): Promise<void> {
    const original = pick(w.submissions, this.submission);
    const again = this.tamper ? original.map((t, i) => (i === 0 ? { ...t, amount: (t.amount ?? 1n) + 1n } : t)) : original;
    await submit(w, r, again);
    await verify(w, r);
  }
  toString = () => `replay(#${this.submission}${this.tamper ? ', tampered' : ''})`;
}

class AdvanceTime implements fc.AsyncCommand<World, Real> {
  constructor(readonly seconds: number) {}
  check = () => true;
  async run(w: World, r: Real): Promise<void> {
    r.clock.now += this.seconds * 1000;
    const expiring = w.model.expired(r.clock.now);
    w.model.submit(
      expiring.map((pendingId) => ({ id: `expire-${pendingId}`, kind: 'expire_pending', pendingId })),
      r.clock.now,
    );
    await r.runExpiry();
    await verify(w, r);
  }
  toString = () => `advance(${this.seconds}s)`;
}

class Freeze implements fc.AsyncCommand<World, Real> {
  constructor(
    readonly account: number,
    readonly status: 'frozen' | 'open',
  ) {}
  check = (w: Readonly<World>) => w.accounts.length > 0;
  async run(w: World, r: Real): Promise<void> {
    const id = pick(w.accounts, this.account);
    await r.bus.execute(new ChangeLedgerAccountCommand({ accountId: id, change: { status: this.status } }));
    w.model.state.accounts.get(id)!.status = this.status;
    await verify(w, r);
  }
  toString = () => `${this.status}(#${this.account})`;
}

const transferSpec = fc.record({
  kind: fc.constantFrom('posted' as const, 'posted' as const, 'pending' as const),
  from: fc.nat(20),
  to: fc.nat(20),
  amount: fc.bigInt({ min: 1n, max: 400n }),
  wrongCurrency: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
  crossCurrency: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
  unknownAccount: fc.constant(false),
  timeout: fc.constantFrom(0, 0, 1, 3),
  linked: fc.boolean(),
});

const commands = [
  fc
    .tuple(fc.constantFrom('EUR' as const, 'USD' as const), fc.boolean(), fc.constantFrom(0n, 0n, 50n))
    .map(([c, customer, od]) => new OpenAccount(c, customer, od)),
  fc
    .array(transferSpec, { minLength: 1, maxLength: 4 })
    .map((specs) => new Transfers(specs.map((s, i) => ({ ...s, linked: i < specs.length - 1 ? s.linked : false })))),
  fc
    .array(transferSpec, { minLength: 1, maxLength: 3 })
    .map(
      (specs) => new Transfers(specs.map((s, i) => ({ ...s, linked: i === specs.length - 1 ? true : s.linked, unknownAccount: i === 0 && s.wrongCurrency }))),
    ),
  fc
    .tuple(fc.nat(20), fc.constantFrom('post_pending' as const, 'void_pending' as const), fc.option(fc.bigInt({ min: 1n, max: 450n })))
    .map(([p, k, a]) => new Resolve(p, k, a)),
  fc.tuple(fc.nat(50), fc.boolean()).map(([s, t]) => new Replay(s, t)),
  fc.integer({ min: 1, max: 4 }).map((s) => new AdvanceTime(s)),
  fc.tuple(fc.nat(20), fc.constantFrom('frozen' as const, 'open' as const)).map(([a, s]) => new Freeze(a, s)),
];

describe('ledger model-based property test (real PostgreSQL)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let t: TestApp;
  const clock = { now: Date.UTC(2026, 0, 1) };

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestApp({ contexts: [ledgerContext], databaseUrl: db.url });
    t.app.get(Clock).now = () => clock.now;
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('agrees with the model and keeps every invariant after every step', async () => {
    const real: Real = {
      bus: t.app.get(CommandBus),
      clock,
      runExpiry: () => t.app.get(Scheduler).runNow('ledger.expire-pending-transfers'),
      db: new Pool({ connectionString: db.url, max: 1 }),
    };
    try {
      await fc.assert(
        fc.asyncProperty(fc.commands([...commands, commands[1]!, commands[1]!, commands[3]!], { maxCommands: 40, size: 'large' }), async (cmds) => {
          await real.db.query('truncate ledger.accounts, ledger.transfers, ledger.postings, ledger.pending_transfers, ledger.outbox');
          const world: World = { model: new LedgerModel(), accounts: [], pendings: [], submissions: [] };
          // Every run starts from a small funded bank: two banks, three customers (one with an overdraft).
          for (const open of [
            new OpenAccount('EUR', false, 0n),
            new OpenAccount('USD', false, 0n),
            new OpenAccount('EUR', true, 0n),
            new OpenAccount('EUR', true, 50n),
            new OpenAccount('USD', true, 0n),
          ]) {
            await open.run(world, real);
          }
          const [eurBank, usdBank, c1, c2, c3] = world.accounts as [string, string, string, string, string];
          await submit(world, real, [
            { id: uuidv4(), kind: 'posted', debitAccountId: eurBank, creditAccountId: c1, amount: 500n, currency: 'EUR' },
            { id: uuidv4(), kind: 'posted', debitAccountId: eurBank, creditAccountId: c2, amount: 300n, currency: 'EUR' },
            { id: uuidv4(), kind: 'posted', debitAccountId: usdBank, creditAccountId: c3, amount: 400n, currency: 'USD' },
          ]);
          await fc.asyncModelRun(() => ({ model: world, real }), cmds);
        }),
        { numRuns: Number(process.env['LEDGER_MODEL_RUNS'] ?? 20), verbose: 1 },
      );
    } finally {
      await real.db.end();
    }
  });
});
