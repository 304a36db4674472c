import { AchParseError, parseAchReturnFile } from './ach-returns';

/** A 94-character record from [position (1-based), text] pieces, spaces elsewhere. */
function record(...fields: Array<[number, string]>): string {
  const chars = Array<string>(94).fill(' ');
  for (const [pos, text] of fields) for (let i = 0; i < text.length; i++) chars[pos - 1 + i] = text[i]!;
  return chars.join('');
}

const batchHeader = record(
  [1, '5'],
  [2, '200'],
  [5, 'SKYRO PAYOUTS'],
  [41, '1234567890'],
  [51, 'PPD'],
  [54, 'PAYOUT'],
  [70, '261203'],
  [79, '1'],
  [80, '02100002'],
  [88, '0000001'],
);
const returnEntry = (code: string, amount: string) =>
  record([1, '6'], [2, code], [4, '02600959'], [12, '3'], [13, '123456789'], [30, amount], [40, 'P0001'], [55, 'JANE ROE'], [79, '1'], [80, '026009590000001']);
const returnAddenda = (rcode: string, death = '') =>
  record([1, '7'], [2, '99'], [4, rcode], [7, '021000020000007'], [22, death], [28, '02600959'], [36, 'ACCOUNT CLOSED'], [80, '026009590000001']);
const nocEntry = record(
  [1, '6'],
  [2, '21'],
  [4, '02600959'],
  [12, '3'],
  [13, '123456789'],
  [30, '0000000000'],
  [40, 'P0002'],
  [55, 'JOHN Q PUBLIC'],
  [79, '1'],
  [80, '026009590000002'],
);
const nocAddenda = (ccode: string, data: string) =>
  record([1, '7'], [2, '98'], [4, ccode], [7, '021000020000009'], [28, '02600959'], [36, data], [80, '026009590000002']);

describe('ACH returns and notifications of change', () => {
  it('reads returns with their R-code, our reason, the original trace and the amount', () => {
    const parsed = parseAchReturnFile(
      [
        batchHeader,
        returnEntry('21', '0000012345'),
        returnAddenda('R02'),
        returnEntry('26', '0000000500'),
        returnAddenda('R01'),
        returnEntry('21', '0000000001'),
        returnAddenda('R99'),
      ].join('\n'),
    );
    expect(parsed).toEqual([
      expect.objectContaining({
        kind: 'return',
        code: 'R02',
        reason: 'account_closed',
        originalTrace: '021000020000007',
        amount: 12_345n,
        returnedEntry: 'credit',
        effectiveDate: '2026-12-03',
        addendaInformation: 'ACCOUNT CLOSED',
        dateOfDeath: null,
      }),
      expect.objectContaining({ code: 'R01', reason: 'insufficient_funds', returnedEntry: 'debit', amount: 500n }),
      expect.objectContaining({ code: 'R99', reason: 'other' }),
    ]);
  });

  it('reads a deceased return with its date of death', () => {
    const [r] = parseAchReturnFile([batchHeader, returnEntry('31', '0000000100'), returnAddenda('R15', '261115')].join('\n'));
    expect(r).toMatchObject({ code: 'R15', reason: 'account_holder_deceased', dateOfDeath: '2026-11-15', returnedEntry: 'credit' });
  });

  it.each([
    ['C01', '987654321'.padEnd(29), { accountNumber: '987654321' }],
    ['C02', '121000358'.padEnd(29), { routingNumber: '121000358' }],
    ['C03', '121000358   987654321'.padEnd(29), { routingNumber: '121000358', accountNumber: '987654321' }],
    ['C05', '32'.padEnd(29), { transactionCode: '32', accountType: 'savings' }],
    ['C06', '987654321         32'.padEnd(29), { accountNumber: '987654321', transactionCode: '32', accountType: 'savings' }],
    ['C07', '121000358987654321     22'.padEnd(29), { routingNumber: '121000358', accountNumber: '987654321', transactionCode: '22', accountType: 'checking' }],
  ])('reads a notification of change %s and its corrected data', (code, data, corrected) => {
    const [n] = parseAchReturnFile([batchHeader, nocEntry, nocAddenda(code, data)].join('\n'));
    expect(n).toEqual({ kind: 'noc', code, originalTrace: '021000020000009', traceNumber: '026009590000002', originalRdfi: '02600959', corrected });
  });

  it('refuses a malformed file as a whole, naming the line', () => {
    expect(() => parseAchReturnFile([batchHeader, returnEntry('21', '0000012345'), returnAddenda('R02').slice(0, 90)].join('\n'))).toThrow(AchParseError);
    expect(() => parseAchReturnFile([batchHeader, returnEntry('22', '0000012345'), returnAddenda('R02')].join('\n'))).toThrow(
      /line 2: transaction code 22 is not a return/,
    );
    expect(() => parseAchReturnFile([batchHeader, returnAddenda('R02')].join('\n'))).toThrow(/without its entry/);
  });
});
