import { z } from 'zod';
import { calendarDate, CurrencyCode, Id, MinorUnits, Timestamp } from '@shared-kernel';
import { AccountProductView } from '@modules/accounts/contract';

/* The interest API's HTTP shapes. */

const RatePercent = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,2})(\.[0-9]{1,6})?$/, 'must be a non-negative decimal below 1000 with at most 6 decimals, as a string')
  .meta({ example: '3.65', description: 'Annual rate in percent (ACT/365), a decimal string with at most 6 decimals' });

/** A UTC day, YYYY-MM-DD. */
const Day = calendarDate('must be a date, YYYY-MM-DD');

export const AddInterestRateRequest = z
  .strictObject({
    product: AccountProductView,
    currency: CurrencyCode.describe('ISO 4217; one of ACCOUNTS_CURRENCIES'),
    effectiveFrom: Day.meta({ example: '2026-12-01', description: 'First UTC day the rate applies; today or later' }),
    annualRatePercent: RatePercent,
  })
  .meta({ id: 'AddInterestRateRequest' });

export const InterestRatesQuery = z.strictObject({
  product: AccountProductView.optional(),
  currency: CurrencyCode.optional(),
});

export const InterestRate = z
  .object({
    product: AccountProductView,
    currency: CurrencyCode,
    effectiveFrom: Day.meta({ example: '2026-12-01' }),
    annualRatePercent: RatePercent,
  })
  .meta({ id: 'InterestRate' });
export type InterestRate = z.infer<typeof InterestRate>;

export const InterestRateList = z
  .object({ items: z.array(InterestRate).describe('By product, currency, then effectiveFrom') })
  .meta({ id: 'InterestRateList' });
export type InterestRateList = z.infer<typeof InterestRateList>;

export const InterestCapitalisation = z
  .object({
    period: z
      .string()
      .regex(/^([0-9]{4}-[0-9]{2}|final)$/)
      .meta({ example: '2026-11', description: 'The month paid (YYYY-MM), or final (at closure)' }),
    amount: MinorUnits.describe('Minor units paid'),
    transferId: Id.describe('The ledger transfer'),
    postedAt: Timestamp.nullable().describe('null while the transfer is being retried'),
  })
  .meta({ id: 'InterestCapitalisation' });

export const AccountInterest = z
  .object({
    accountId: Id,
    currency: CurrencyCode,
    currentRatePercent: RatePercent.nullable().describe("Today's rate for the account's product and currency (null: none)"),
    accruedUnpaid: MinorUnits.describe('Accrued and not yet paid, minor units (the daily amounts; the sub-unit remainder carries on)'),
    accruedThrough: Day.nullable().describe('Last day accrued'),
    capitalisations: z.array(InterestCapitalisation),
  })
  .meta({ id: 'AccountInterest' });
export type AccountInterest = z.infer<typeof AccountInterest>;
