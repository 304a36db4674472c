import { currencyOf, formatMinorUnits } from '@shared-kernel';

/**
 * An amount for people to read, in their locale: minor units (a bigint string) with the
 * currency's exponent applied and the locale's separators (`1,234.56 EUR` in en,
 * `1.234,56 EUR` in de). Only the separators come from Intl: the digits come from the
 * integer, so no amount passes through a float.
 */
export function formatAmount(minorUnits: string, currencyCode: string, locale: string): string {
  const currency = currencyOf(currencyCode);
  if (!currency || !/^-?(0|[1-9][0-9]*)$/.test(minorUnits)) throw new Error(`cannot format ${minorUnits} ${currencyCode}`);
  const negative = minorUnits.startsWith('-');
  const plain = formatMinorUnits(BigInt(negative ? minorUnits.slice(1) : minorUnits), currency);
  const [whole, fraction] = plain.split('.') as [string, string | undefined];
  const { group, decimal } = separatorsOf(locale);
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return `${negative ? '-' : ''}${grouped}${fraction ? decimal + fraction : ''} ${currency.code}`;
}

const SEPARATORS = new Map<string, { readonly group: string; readonly decimal: string }>();

/** A locale's group and decimal separators, looked up once per locale (building an Intl.NumberFormat is not cheap). */
function separatorsOf(locale: string): { readonly group: string; readonly decimal: string } {
  let found = SEPARATORS.get(locale);
  if (!found) {
    const parts = new Intl.NumberFormat(locale, { useGrouping: true, minimumFractionDigits: 1 }).formatToParts(1000.5);
    found = { group: parts.find((p) => p.type === 'group')?.value ?? ',', decimal: parts.find((p) => p.type === 'decimal')?.value ?? '.' };
    if (SEPARATORS.size >= 64) SEPARATORS.clear(); // locales are few; bound it all the same
    SEPARATORS.set(locale, found);
  }
  return found;
}
