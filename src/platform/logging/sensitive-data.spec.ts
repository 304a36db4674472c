import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { findSensitive, looksSensitive, luhnValid, maskSensitive, maskUrlPath } from './sensitive-data';

/** Appends the Luhn check digit. */
function withCheckDigit(payload: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(payload + d)) return payload + d;
  throw new Error('unreachable');
}

describe('sensitive data in free text', () => {
  it('finds every Luhn-valid run of 12 to 19 digits, however it is grouped', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9]\d{10,17}$/), fc.constantFrom('', ' ', '-'), (payload, separator) => {
        const pan = withCheckDigit(payload);
        const grouped = pan.replace(/(\d{4})(?=\d)/g, `$1${separator}`);
        expect(maskSensitive(`card ${grouped} declined`)).toBe('card [REDACTED-PAN] declined');
      }),
    );
  });

  it('leaves UUIDs, hex hashes and trace ids alone even when a group is all digits', () => {
    expect(looksSensitive('0193a5f0-8e3b-7cc1-b6a2-424242424242')).toBe(false);
    expect(looksSensitive('trace ab4242424242424242cd')).toBe(false);
    fc.assert(fc.property(fc.constant(null), () => expect(looksSensitive(`id ${randomUUID()} done`)).toBe(false)));
  });

  it('finds IBANs of any country by form and length, grouped or not, whatever their case', () => {
    for (const iban of [
      'GB82WEST12345698765432',
      'GB82 WEST 1234 5698 7654 32',
      'de89 3704 0044 0532 0130 00',
      'FR1420041010050500013M02606',
      'NO9386011117947',
    ]) {
      expect(maskSensitive(`pay ${iban} now`)).toBe('pay [REDACTED-IBAN] now');
    }
    // A mistyped check digit still names the account.
    expect(looksSensitive('GB00WEST12345698765432')).toBe(true);
    // Wrong length or form for the country: not an IBAN.
    expect(looksSensitive('GB82WEST1234569876543')).toBe(false);
    expect(looksSensitive('GB82WEST12345698765432X')).toBe(false);
    expect(looksSensitive('ZZ82WEST12345698765432')).toBe(false);
  });

  it('finds e-mail addresses, internationalised and percent-encoded ones too', () => {
    expect(maskSensitive('to jane.doe+x@example.co.uk.')).toBe('to [REDACTED-EMAIL].');
    expect(maskSensitive('josé@exämple.com')).toBe('[REDACTED-EMAIL]');
    expect(maskSensitive('/v1/users/jane%40example.com/x')).toBe('/v1/users/[REDACTED-EMAIL]/x');
    expect(looksSensitive('postgres@127.0.0.1 or a@b')).toBe(false);
  });

  it('stays linear on hostile text', () => {
    const hostile = `${'a'.repeat(200_000)}@${'b'.repeat(200_000)} ${'1 '.repeat(100_000)} ${'GB12'.repeat(50_000)}`;
    const started = process.hrtime.bigint();
    findSensitive(hostile);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(500);
  });
});

describe('request ids', () => {
  it('count digits glued to letters as a card number (a request id is refused, not masked)', () => {
    expect(looksSensitive('req4242424242424242', { digitBoundary: 'digit' })).toBe(true);
    expect(looksSensitive('req-4242-4242-4242-4242', { digitBoundary: 'digit' })).toBe(true);
    expect(looksSensitive('req-2024-11-23-0001', { digitBoundary: 'digit' })).toBe(false);
    expect(looksSensitive(randomUUID(), { digitBoundary: 'digit' })).toBe(false);
  });
});

describe('maskUrlPath', () => {
  it('drops the query string and masks sensitive segments like route parameters', () => {
    expect(maskUrlPath('/v1/cards/4242424242424242?token=abc')).toBe('/v1/cards/:pan');
    expect(maskUrlPath('/v1/cards/4242%204242%204242%204242')).toBe('/v1/cards/:pan');
    expect(maskUrlPath('/v1/users/jane%40example.com/profile')).toBe('/v1/users/:email/profile');
    expect(maskUrlPath('/v1/payees/GB82WEST12345698765432#x')).toBe('/v1/payees/:iban');
    expect(maskUrlPath('/v1/accounts/0193a5f0-8e3b-7cc1-b6a2-3c1f2d9e4a10/postings?cursor=1')).toBe(
      '/v1/accounts/0193a5f0-8e3b-7cc1-b6a2-3c1f2d9e4a10/postings',
    );
    // Malformed percent-encoding is kept as it came (the route answers 400), still masked when it must be.
    expect(maskUrlPath('/v1/accounts/%E0%A4%A')).toBe('/v1/accounts/%E0%A4%A');
    expect(maskUrlPath('/v1/x/4242424242424242%E0%A4%A')).toBe('/v1/x/:pan');
  });
});
