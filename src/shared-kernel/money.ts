import currencyCodes from 'currency-codes';

/** Largest amount Postgres `bigint` holds: every balance and amount stays within it. */
export const MAX_MINOR_UNITS = 2n ** 63n - 1n;

/** Minor units on the wire: a decimal string without sign, leading zeros or fraction. */
export const MINOR_UNITS_PATTERN = /^(0|[1-9][0-9]{0,18})$/;

export interface Currency {
  /** ISO 4217 alphabetic code, e.g. `EUR`. */
  readonly code: string;
  /** Digits after the decimal point of the minor unit (EUR 2, JPY 0, BHD 3). */
  readonly minorUnits: number;
}

const CURRENCIES: ReadonlyMap<string, Currency> = new Map(
  currencyCodes
    .codes()
    .map((code) => currencyCodes.code(code))
    // Precious metals, bond units and test codes (ISO "N.A." minor unit, listed for no
    // country) are not money an account holds.
    .filter((c): c is NonNullable<typeof c> => c !== undefined && Number.isInteger(c.digits) && !c.countries.some((country) => country.startsWith('Zz')))
    .map((c) => [c.code, { code: c.code, minorUnits: c.digits }]),
);

export function currencyOf(code: string): Currency | undefined {
  return CURRENCIES.get(code);
}

export function isCurrencyCode(code: string): boolean {
  return CURRENCIES.has(code);
}

/** Parses wire minor units; undefined when not a valid non-negative amount within bigint. */
export function parseMinorUnits(text: string): bigint | undefined {
  if (!MINOR_UNITS_PATTERN.test(text)) return undefined;
  const value = BigInt(text);
  return value <= MAX_MINOR_UNITS ? value : undefined;
}

/** `12345` EUR → `123.45` (statements and display; never arithmetic). */
export function formatMinorUnits(amount: bigint, currency: Currency): string {
  const negative = amount < 0n;
  const digits = (negative ? -amount : amount).toString().padStart(currency.minorUnits + 1, '0');
  const whole = currency.minorUnits ? digits.slice(0, -currency.minorUnits) : digits;
  const fraction = currency.minorUnits ? `.${digits.slice(-currency.minorUnits)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}
