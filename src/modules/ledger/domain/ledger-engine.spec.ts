import { balancesOf, type LedgerAccountState } from './ledger-account';
import { applyBatch, type LedgerState } from './ledger-engine';
import type { TransferRequest } from './transfer';

const account = (id: string, overrides: Partial<LedgerAccountState> = {}): LedgerAccountState => ({
  id,
  currency: 'EUR',
  normalSide: 'credit',
  debitsMustNotExceedCredits: false,
  creditsMustNotExceedDebits: false,
  overdraftLimit: 0n,
  status: 'open',
  debitsPending: 0n,
  debitsPosted: 0n,
  creditsPending: 0n,
  creditsPosted: 0n,
  ...overrides,
});

function ledger(...accounts: LedgerAccountState[]): LedgerState {
  return { accounts: new Map(accounts.map((a) => [a.id, a])), pendings: new Map(), transfers: new Map() };
}

const t = (id: string, fields: Partial<TransferRequest> = {}): TransferRequest => ({
  id,
  kind: 'posted',
  debitAccountId: 'bank',
  creditAccountId: 'alice',
  amount: 100n,
  currency: 'EUR',
  linked: false,
  code: 1,
  ...fields,
});

/** Post, void or expire a hold: accounts and currency come from the pending transfer. */
const resolve = (id: string, kind: TransferRequest['kind'], pendingId: string, amount?: bigint): TransferRequest => ({
  id,
  kind,
  pendingId,
  amount,
  linked: false,
  code: 1,
});

const NOW = 1_700_000_000_000;

describe('applyBatch', () => {
  it('posts a transfer: debit and credit totals move, postings carry the balance after', () => {
    const s = ledger(account('bank', { normalSide: 'debit' }), account('alice', { debitsMustNotExceedCredits: true }));
    const r = applyBatch(s, [[t('t1', { amount: 250n })]], NOW);
    expect(r.outcomes[0]![0]!.status).toBe('created');
    expect(s.accounts.get('alice')!.creditsPosted).toBe(250n);
    expect(s.accounts.get('bank')!.debitsPosted).toBe(250n);
    expect(r.created[0]!.postings.map((p) => [p.accountId, p.side, p.amount, p.balanceAfter])).toEqual([
      ['bank', 'debit', 250n, 250n],
      ['alice', 'credit', 250n, 250n],
    ]);
  });

  it('refuses a debit beyond credits (plus overdraft) and changes nothing', () => {
    const s = ledger(account('alice', { debitsMustNotExceedCredits: true, creditsPosted: 100n }), account('shop'));
    const r = applyBatch(s, [[t('t1', { debitAccountId: 'alice', creditAccountId: 'shop', amount: 101n })]], NOW);
    expect(r.outcomes[0]).toEqual([{ id: 't1', status: 'failed', error: 'EXCEEDS_CREDITS' }]);
    expect(s.accounts.get('alice')!.debitsPosted).toBe(0n);
    expect(r.created).toEqual([]);

    const withOverdraft = ledger(account('alice', { debitsMustNotExceedCredits: true, creditsPosted: 100n, overdraftLimit: 50n }), account('shop'));
    expect(applyBatch(withOverdraft, [[t('t1', { debitAccountId: 'alice', creditAccountId: 'shop', amount: 150n })]], NOW).outcomes[0]![0]!.status).toBe(
      'created',
    );
    expect(balancesOf(withOverdraft.accounts.get('alice')!)).toEqual({ posted: -50n, pending: 0n, available: 0n });
  });

  it('applies transfers in order within a batch, each seeing the ones before', () => {
    const s = ledger(account('alice', { debitsMustNotExceedCredits: true, creditsPosted: 100n }), account('shop'));
    const spend = (id: string) => t(id, { debitAccountId: 'alice', creditAccountId: 'shop', amount: 40n });
    const r = applyBatch(s, [[spend('a')], [spend('b')], [spend('c')]], NOW);
    expect(r.outcomes.map((o) => o[0]!.status)).toEqual(['created', 'created', 'failed']);
    expect(s.accounts.get('alice')!.debitsPosted).toBe(80n);
  });

  it('treats a replay as the first result and another body under the same id as a conflict', () => {
    const s = ledger(account('bank'), account('alice'));
    applyBatch(s, [[t('t1')]], NOW);
    const r = applyBatch(s, [[t('t1')], [t('t1', { amount: 101n })]], NOW + 5);
    expect(r.outcomes[0]![0]!.status).toBe('exists');
    expect(r.outcomes[1]![0]).toEqual({ id: 't1', status: 'failed', error: 'ID_EXISTS_WITH_DIFFERENT_FIELDS' });
    expect(s.accounts.get('alice')!.creditsPosted).toBe(100n);
  });

  it('commits a linked chain all or nothing', () => {
    const s = ledger(
      account('alice', { debitsMustNotExceedCredits: true, creditsPosted: 100n }),
      account('fx_eur'),
      account('fx_usd', { currency: 'USD' }),
      account('bob', { currency: 'USD' }),
    );
    const chain = [
      t('c1', { debitAccountId: 'alice', creditAccountId: 'fx_eur', amount: 100n, linked: true }),
      t('c2', { debitAccountId: 'fx_usd', creditAccountId: 'bob', amount: 108n, currency: 'USD' }),
    ];
    expect(applyBatch(s, [chain], NOW).outcomes[0]!.map((o) => o.status)).toEqual(['created', 'created']);
    const again = [
      t('c3', { debitAccountId: 'alice', creditAccountId: 'fx_eur', amount: 1n, linked: true }),
      t('c4', { debitAccountId: 'fx_usd', creditAccountId: 'bob', amount: 1n, currency: 'USD' }),
    ];
    const r = applyBatch(s, [again], NOW);
    expect(r.outcomes[0]).toEqual([
      { id: 'c3', status: 'failed', error: 'EXCEEDS_CREDITS' },
      { id: 'c4', status: 'failed', error: 'LINKED_EVENT_FAILED' },
    ]);
    expect(s.accounts.get('bob')!.creditsPosted).toBe(108n);
    expect(s.transfers.has('c4')).toBe(false);
  });

  it('rolls back earlier members of a chain when a later one fails, and rejects an open chain', () => {
    const s = ledger(account('bank'), account('alice'), account('bob', { currency: 'USD' }));
    const r = applyBatch(s, [[t('a', { linked: true }), t('b', { creditAccountId: 'bob' })], [t('c', { linked: true })]], NOW);
    expect(r.outcomes).toEqual([
      [
        { id: 'a', status: 'failed', error: 'LINKED_EVENT_FAILED' },
        { id: 'b', status: 'failed', error: 'CURRENCY_MISMATCH' },
      ],
      [{ id: 'c', status: 'failed', error: 'LINKED_CHAIN_OPEN' }],
    ]);
    expect(s.accounts.get('alice')!.creditsPosted).toBe(0n);
    expect(r.created).toEqual([]);
  });

  describe('two-phase transfers', () => {
    const setup = () => ledger(account('alice', { debitsMustNotExceedCredits: true, creditsPosted: 100n }), account('shop'));
    const hold = (amount = 80n, timeoutSeconds?: number) =>
      t('p1', { kind: 'pending', debitAccountId: 'alice', creditAccountId: 'shop', amount, timeoutSeconds });

    it('holds funds: they leave "available" but not "posted", and count against the limit', () => {
      const s = setup();
      applyBatch(s, [[hold()]], NOW);
      expect(balancesOf(s.accounts.get('alice')!)).toEqual({ posted: 100n, pending: -80n, available: 20n });
      const r = applyBatch(s, [[t('x', { debitAccountId: 'alice', creditAccountId: 'shop', amount: 30n })]], NOW);
      expect(r.outcomes[0]![0]).toMatchObject({ status: 'failed', error: 'EXCEEDS_CREDITS' });
    });

    it('posts part of a hold and releases the rest; resolves at most once', () => {
      const s = setup();
      applyBatch(s, [[hold()]], NOW);
      const r = applyBatch(s, [[resolve('post', 'post_pending', 'p1', 50n)]], NOW);
      expect(r.outcomes[0]![0]).toMatchObject({ status: 'created', transfer: { amount: 50n, debitAccountId: 'alice', pendingId: 'p1' } });
      expect(balancesOf(s.accounts.get('alice')!)).toEqual({ posted: 50n, pending: 0n, available: 50n });
      expect(r.created[0]!.postings.map((p) => [p.accountId, p.bucket, p.amount])).toEqual([
        ['alice', 'pending', -80n],
        ['alice', 'posted', 50n],
        ['shop', 'pending', -80n],
        ['shop', 'posted', 50n],
      ]);
      const again = applyBatch(s, [[resolve('void', 'void_pending', 'p1')]], NOW);
      expect(again.outcomes[0]![0]).toMatchObject({ status: 'failed', error: 'PENDING_TRANSFER_ALREADY_POSTED' });
    });

    it('voids a hold, refuses posting more than held, and expires after its timeout', () => {
      const s = setup();
      applyBatch(s, [[hold(80n, 60)]], NOW);
      expect(applyBatch(s, [[resolve('big', 'post_pending', 'p1', 81n)]], NOW).outcomes[0]![0]).toMatchObject({ error: 'EXCEEDS_PENDING_AMOUNT' });
      expect(applyBatch(s, [[resolve('half', 'void_pending', 'p1', 40n)]], NOW).outcomes[0]![0]).toMatchObject({ error: 'PENDING_AMOUNT_MISMATCH' });
      expect(applyBatch(s, [[{ ...resolve('other', 'post_pending', 'p1'), creditAccountId: 'alice' }]], NOW).outcomes[0]![0]).toMatchObject({
        error: 'PENDING_ACCOUNTS_MISMATCH',
      });
      expect(applyBatch(s, [[resolve('early', 'expire_pending', 'p1')]], NOW).outcomes[0]![0]).toMatchObject({ error: 'PENDING_TRANSFER_NOT_EXPIRED' });
      const late = NOW + 60_000;
      expect(applyBatch(s, [[resolve('post', 'post_pending', 'p1')]], late).outcomes[0]![0]).toMatchObject({ error: 'PENDING_TRANSFER_EXPIRED' });
      expect(applyBatch(s, [[resolve('exp', 'expire_pending', 'p1')]], late).outcomes[0]![0]!.status).toBe('created');
      expect(balancesOf(s.accounts.get('alice')!)).toEqual({ posted: 100n, pending: 0n, available: 100n });
      expect(s.pendings.get('p1')!.state).toBe('expired');
    });
  });

  it('keeps closed accounts out of postings and frozen ones from paying out', () => {
    const s = ledger(account('bank'), account('closed', { status: 'closed' }), account('frozen', { status: 'frozen', creditsPosted: 10n }));
    const r = applyBatch(
      s,
      [
        [t('a', { creditAccountId: 'closed' })],
        [t('b', { debitAccountId: 'frozen', creditAccountId: 'bank', amount: 1n })],
        [t('c', { creditAccountId: 'frozen' })],
      ],
      NOW,
    );
    expect(r.outcomes.map((o) => (o[0]!.status === 'failed' ? o[0]!.error : o[0]!.status))).toEqual(['ACCOUNT_CLOSED', 'ACCOUNT_FROZEN', 'created']);
  });

  it('validates the basics', () => {
    const s = ledger(account('bank'), account('alice'), account('usd', { currency: 'USD' }));
    const errors = (requests: TransferRequest[]) =>
      applyBatch(
        s,
        requests.map((r) => [r]),
        NOW,
      ).outcomes.map((o) => (o[0]!.status === 'failed' ? o[0]!.error : 'ok'));
    expect(
      errors([
        t('1', { amount: 0n }),
        t('2', { creditAccountId: 'bank' }),
        t('3', { debitAccountId: 'nope' }),
        t('4', { creditAccountId: 'nope' }),
        t('5', { creditAccountId: 'usd' }),
        resolve('6', 'post_pending', 'nope'),
        t('7', { amount: 2n ** 63n }),
      ]),
    ).toEqual([
      'AMOUNT_MUST_BE_POSITIVE',
      'ACCOUNTS_MUST_BE_DIFFERENT',
      'DEBIT_ACCOUNT_NOT_FOUND',
      'CREDIT_ACCOUNT_NOT_FOUND',
      'CURRENCY_MISMATCH',
      'PENDING_TRANSFER_NOT_FOUND',
      'OVERFLOW',
    ]);
  });
});
