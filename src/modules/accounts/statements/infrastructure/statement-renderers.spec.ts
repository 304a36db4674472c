import { buildStatement } from '../domain/statement';
import { csvField, render, renderCsv } from './statement-renderers';

const statement = (lines: number) => {
  let balance = 10_000n;
  return buildStatement({
    id: '0193a5f0-8e3b-7cc1-b6a2-3c1f2d9e4a10',
    kind: 'monthly',
    account: { id: 'a', accountNumber: '1234567897', iban: 'DE12999000001234567897', product: 'savings', currency: 'EUR' },
    periodFrom: '2026-11-01T00:00:00.000Z',
    periodTo: '2026-12-01T00:00:00.000Z',
    openingBalance: balance,
    postings: Array.from({ length: lines }, (_, i) => {
      const side = i % 3 === 0 ? 'debit' : 'credit';
      balance += side === 'credit' ? 1_234n : -999n;
      return {
        sequence: String(i + 1),
        transferId: `0193a5f0-0000-7000-8000-${String(i).padStart(12, '0')}`,
        side,
        amount: side === 'credit' ? '1234' : '999',
        balanceAfter: balance.toString(),
        createdAt: `2026-11-0${1 + (i % 9)}T08:00:00.000Z`,
      } as const;
    }),
    issuedAt: '2026-12-01T01:00:00.000Z',
  });
};

describe('CSV (RFC 4180)', () => {
  it('quotes fields with commas, quotes or line breaks and doubles quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
  });

  it('has a header, an opening row, one row per posting with minor units and decimals, and a closing row, CRLF-terminated', () => {
    const s = statement(3);
    const text = renderCsv(s).toString('utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    const rows = text
      .trimEnd()
      .split('\r\n')
      .map((r) => r.split(','));
    expect(rows[0]).toEqual([
      'type',
      'posted_at',
      'sequence',
      'transfer_id',
      'side',
      'amount_minor',
      'amount',
      'balance_after_minor',
      'balance_after',
      'currency',
    ]);
    expect(rows[1]).toEqual(['opening', '2026-11-01T00:00:00.000Z', '', '', '', '', '', '10000', '100.00', 'EUR']);
    expect(rows.slice(2, 5).map((r) => [r[4], r[5], r[6], r[7]])).toEqual([
      ['debit', '-999', '-9.99', '9001'],
      ['credit', '1234', '12.34', '10235'],
      ['credit', '1234', '12.34', '11469'],
    ]);
    expect(rows[5]).toEqual(['closing', '2026-12-01T00:00:00.000Z', '', '', '', '', '', '11469', '114.69', 'EUR']);
  });
});

describe('PDF', () => {
  it('is a PDF, several pages for a long statement, and the same bytes every time', async () => {
    const s = statement(100);
    const [a, b] = await Promise.all([render(s, 'pdf'), render(s, 'pdf')]);
    expect(a.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(a.content.equals(b.content)).toBe(true);
    expect(a.sha256).toBe(b.sha256);
    expect(a.content.toString('latin1').match(/\/Type \/Page\b/g)).toHaveLength(3);
    // A different statement is a different document.
    expect((await render(statement(99), 'pdf')).sha256).not.toBe(a.sha256);
  });
});
