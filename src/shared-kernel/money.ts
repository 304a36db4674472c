import currencyCodes from 'currency-codes';

/** Largest amount Postgres `bigint` holds: every balance and amount stays within it. */
export const MAX_MINOR_UNITS = 2n ** 63n - 1n;

/**
 * The decimal integers from `min` (0 or 1) to `max` as a regular expression, no sign or leading
 * zeros: a JSON Schema `pattern` can state the bound a parser checks, so a document that says
 * "bigint" says exactly which strings are accepted (19 digits are not all within bigint).
 */
export function decimalRangePattern(min: 0 | 1, max: bigint): RegExp {
  const digits = max.toString();
  const alternatives = min === 0 ? ['0'] : [];
  // Fewer digits than max: any.
  if (digits.length > 1) alternatives.push(`[1-9][0-9]{0,${digits.length - 2}}`);
  // As many digits: the same leading digits as max, then a smaller one, then any.
  for (let i = 0; i < digits.length; i++) {
    const low = i === 0 ? 1 : 0;
    const d = Number(digits[i]);
    if (d > low) alternatives.push(`${digits.slice(0, i)}[${low}-${d - 1}]${i < digits.length - 1 ? `[0-9]{${digits.length - 1 - i}}` : ''}`);
  }
  alternatives.push(digits);
  return new RegExp(`^(${alternatives.join('|')})$`);
}

/** Minor units on the wire: a decimal string without sign, leading zeros or fraction, within bigint. */
export const MINOR_UNITS_PATTERN = decimalRangePattern(0, MAX_MINOR_UNITS);
/** Minor units above zero (amounts), within bigint. */
export const POSITIVE_MINOR_UNITS_PATTERN = decimalRangePattern(1, MAX_MINOR_UNITS);

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

/** Every code isCurrencyCode accepts, sorted (a schema's enum). */
export const CURRENCY_CODES: readonly [string, ...string[]] = [...CURRENCIES.keys()].sort() as [string, ...string[]];

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
