import { currencyOf, formatMinorUnits } from '@shared-kernel';

/*
 * ISO 20022 amounts are decimals with the currency's exponent (EUR 2, JPY 0, BHD 3): written
 * from bigint minor units and read back into them by string arithmetic, never a float.
 */

export class Iso20022Error extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'Iso20022Error';
  }
}

function exponentOf(currency: string, field: string): { code: string; minorUnits: number } {
  const c = currencyOf(currency);
  if (!c) throw new Iso20022Error(field, `${field} has an unknown currency`);
  return c;
}

/** 12345n EUR → "123.45"; 500n JPY → "500". */
export function decimalAmount(amount: bigint, currency: string, field = 'amount'): string {
  if (amount < 0n) throw new Iso20022Error(field, `${field} must not be negative`);
  return formatMinorUnits(amount, exponentOf(currency, field));
}

/** "123.45" EUR → 12345n; "123.4" → 12340n; more fraction digits than the currency has is refused. */
export function minorUnitsOf(text: string, currency: string, field = 'amount'): bigint {
  const c = exponentOf(currency, field);
  const m = /^(\d{1,18})(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new Iso20022Error(field, `${field} is not a decimal amount`);
  const fraction = m[2] ?? '';
  if (fraction.length > c.minorUnits && /[1-9]/.test(fraction.slice(c.minorUnits)))
    throw new Iso20022Error(field, `${field} has more decimals than ${c.code} has`);
  return BigInt(m[1]! + fraction.slice(0, c.minorUnits).padEnd(c.minorUnits, '0'));
}
