import type { PaymentMethod } from '../contract/views';

/** Currencies each payout rail carries (null: any). SEPA is euro-only, ACH US-dollar-only. */
const RAIL_CURRENCIES: Readonly<Record<'ach' | 'wire' | 'sepa' | 'swift', readonly string[] | null>> = {
  ach: ['USD'],
  sepa: ['EUR'],
  wire: null,
  swift: null,
};

/** Why this rail cannot carry this currency, or null when it can. */
export function railCurrencyMismatch(method: PaymentMethod, currency: string): string | null {
  if (!(method in RAIL_CURRENCIES)) return `${method} is not a payout rail`;
  const allowed = RAIL_CURRENCIES[method as keyof typeof RAIL_CURRENCIES];
  return allowed === null || allowed.includes(currency) ? null : `${method} payouts are made in ${allowed.join(', ')} only`;
}
