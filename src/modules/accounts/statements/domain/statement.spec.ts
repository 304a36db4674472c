import fc from 'fast-check';
import { buildStatement, justBefore, periodProblem, type LedgerPosting } from './statement';

const account = { id: 'a', accountNumber: '1234567897', iban: null, product: 'checking', currency: 'EUR' };
const posting = (sequence: number, side: 'debit' | 'credit', amount: bigint, balanceAfter: bigint): LedgerPosting => ({
  sequence: String(sequence),
  transferId: `t${sequence}`,
  side,
  amount: amount.toString(),
  balanceAfter: balanceAfter.toString(),
  createdAt: '2026-11-02T10:00:00.000Z',
});

describe('buildStatement', () => {
  it('opening plus every signed posting is the closing balance, with totals in and out', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 6n), max: 10n ** 9n }),
        fc.array(fc.tuple(fc.boolean(), fc.bigInt({ min: 1n, max: 10n ** 8n })), { maxLength: 40 }),
        (opening, moves) => {
          let balance = opening;
          const postings = moves.map(([credit, amount], i) => posting(i + 1, credit ? 'credit' : 'debit', amount, (balance += credit ? amount : -amount)));
          const s = buildStatement({ account, periodFrom: 'f', periodTo: 't', openingBalance: opening, postings, issuedAt: 'i' });
          expect(s.closingBalance).toBe(opening + s.lines.reduce((sum, l) => sum + l.amount, 0n));
          expect(s.closingBalance).toBe(opening + s.totalCredits - s.totalDebits);
          expect(s.lines.map((l) => l.balanceAfter)).toEqual(postings.map((p) => BigInt(p.balanceAfter)));
        },
      ),
    );
  });

  it('refuses a statement whose postings do not add up (a missing posting)', () => {
    const postings = [posting(1, 'credit', 100n, 100n), posting(3, 'credit', 50n, 200n)];
    expect(() => buildStatement({ account, periodFrom: 'f', periodTo: 't', openingBalance: 0n, postings, issuedAt: 'i' })).toThrow(
      /does not add up at posting 3/,
    );
  });
});

describe('periods', () => {
  it('needs from before to and at most 366 days', () => {
    const day = 86_400_000;
    expect(periodProblem(0, day)).toBeNull();
    expect(periodProblem(day, day)).toMatch(/before/);
    expect(periodProblem(0, 367 * day)).toMatch(/366/);
    expect(periodProblem(Number.NaN, day)).toMatch(/ISO 8601/);
  });

  it('justBefore is one microsecond earlier', () => {
    expect(justBefore(Date.parse('2026-12-01T00:00:00.000Z'))).toBe('2026-11-30T23:59:59.999999Z');
  });
});
