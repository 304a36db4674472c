import { ConnectorError } from '../connector';
import { adyenTime, parseCsv, settlementLinesOfAdyen } from './settlement-details';

const HEADER =
  'Company Account,Merchant Account,Psp Reference,Merchant Reference,Payment Method,Creation Date,TimeZone,Type,Modification Reference,Gross Currency,Gross Debit (GC),Gross Credit (GC),Exchange Rate,Net Currency,Net Debit (NC),Net Credit (NC),Commission (NC),Markup (NC),Scheme Fees (NC),Interchange (NC),Payment Method Variant,Modification Merchant Reference,Batch Number';

describe('parseCsv (RFC 4180, strict)', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF or LF, and a BOM', () => {
    expect(parseCsv('\ufeffa,b,c\r\n"x, y","say ""hi""","two\nlines"\nlast,,end')).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', 'two\nlines'],
      ['last', '', 'end'],
    ]);
  });

  it('refuses a ragged line, a stray quote and an unterminated field', () => {
    expect(() => parseCsv('a,b\n1,2,3\n')).toThrow(/line 2 has 3 fields/);
    expect(() => parseCsv('a,b\n1"x",2\n')).toThrow(/quote inside an unquoted field/);
    expect(() => parseCsv('a,b\n"1"x,2\n')).toThrow(/text after a closing quote/);
    expect(() => parseCsv('a,b\n"1,2\n')).toThrow(/unterminated/);
  });
});

describe('Adyen settlement details lines', () => {
  const csv = [
    HEADER,
    'Co,SkyroECOM,1813702551707653,3f1c2d4e-0000-4000-8000-000000000001,visa,2026-06-03 11:26:49,CEST,Settled,1713702551795048,EUR,,5.00,1,EUR,,4.88,,0.04,0.01,0.07,visaclassic,,7',
    'Co,SkyroECOM,1813702551707653,3f1c2d4e-0000-4000-8000-000000000001,visa,2026-06-04 09:00:00,CET,Refunded,1913702551700001,EUR,2.00,,1,EUR,2.00,,,,,,visaclassic,,7',
    'Co,OtherAccount,1999999999999999,x,visa,2026-06-04 09:00:00,CET,Settled,1999999999999990,EUR,,9.00,1,EUR,,9.00,,,,,visaclassic,,7',
    'Co,SkyroECOM,,,,2026-06-05 04:55:40,CET,Fee,Transaction Fees June 2026,EUR,,,,EUR,0.50,,,,,,,,7',
    'Co,SkyroECOM,,,,2026-06-05 05:00:00,CET,MerchantPayout,TX1234,EUR,,,,EUR,2.38,,,,,,,,7',
    'Co,SkyroECOM,1813702551707999,3f1c2d4e-0000-4000-8000-000000000002,visa,2026-06-05 06:00:00,UTC,Chargeback,2313642467170922,JPY,1500,,1,JPY,1500,,,,,,visaclassic,,7',
  ].join('\r\n');

  it('maps journal types to kinds with signed minor units, fees from the cost columns, and the account time zone', () => {
    const lines = settlementLinesOfAdyen(csv, 7, 'SkyroECOM');
    expect(lines.map((l) => [l.kind, l.providerType, l.providerReference, l.paymentId, l.gross, l.fee, l.net, l.currency])).toEqual([
      ['charge', 'Settled', '1813702551707653', '3f1c2d4e-0000-4000-8000-000000000001', 500n, 12n, 488n, 'EUR'],
      ['refund', 'Refunded', '1913702551700001', '3f1c2d4e-0000-4000-8000-000000000001', -200n, 0n, -200n, 'EUR'],
      ['fee', 'Fee', 'Transaction Fees June 2026', undefined, -50n, 0n, -50n, 'EUR'],
      ['payout', 'MerchantPayout', 'TX1234', undefined, -238n, 0n, -238n, 'EUR'],
      ['adjustment', 'Chargeback', '1813702551707999', '3f1c2d4e-0000-4000-8000-000000000002', -1500n, 0n, -1500n, 'JPY'],
    ]);
    expect(lines[0]!.occurredAt.toISOString()).toBe('2026-06-03T09:26:49.000Z');
    expect(lines[1]!.occurredAt.toISOString()).toBe('2026-06-04T08:00:00.000Z');
    expect(new Set(lines.map((l) => l.lineId)).size).toBe(lines.length);
  });

  it('finds columns by name whatever their order', () => {
    const cols = HEADER.split(',');
    const row = csv.split('\r\n')[1]!.split(',');
    const order = cols.map((_, i) => cols.length - 1 - i);
    const reversed = [order.map((i) => cols[i]).join(','), order.map((i) => row[i]).join(',')].join('\n');
    expect(settlementLinesOfAdyen(reversed, 7, 'SkyroECOM').map((l) => [l.kind, l.gross, l.fee])).toEqual([['charge', 500n, 12n]]);
  });

  it('refuses a report it cannot read whole: a missing column, an amount with too many digits, an unknown time zone', () => {
    const unreadable = (text: string) => {
      try {
        settlementLinesOfAdyen(text, 3, 'SkyroECOM');
      } catch (error) {
        return error instanceof ConnectorError ? error.code : 'other';
      }
      return 'read';
    };
    expect(unreadable(HEADER.replace('Type,', 'Kind,') + '\n')).toBe('REPORT_UNREADABLE');
    expect(unreadable([HEADER, csv.split('\r\n')[1]!.replace(',5.00,', ',5.001,')].join('\n'))).toBe('REPORT_UNREADABLE');
    expect(unreadable([HEADER, csv.split('\r\n')[1]!.replace('CEST', 'XYZ')].join('\n'))).toBe('REPORT_UNREADABLE');
    expect(adyenTime('2026-06-03T11:26:49', 'CET')).toBeUndefined();
  });
});
