import { z } from 'zod';
import { MINOR_UNITS_PATTERN, isCurrencyCode } from './money';

/*
 * Building blocks of the contracts' wire formats, so the same thing is spelled the same way
 * in every context (and in the OpenAPI document, where ids make them shared components).
 */

/** An id as clients send them: any UUID form (8-4-4-4-12 hex). */
export const Id = z.guid().meta({ example: '3f2b8c1e-5d4a-4e7b-9a61-0c8d2e7f4b15' });

/** Minor units, non-negative, within Postgres bigint; a decimal string (no float ever). */
export const MinorUnits = z
  .string()
  .regex(MINOR_UNITS_PATTERN, 'must be a non-negative integer of minor units, as a string')
  .refine((v) => BigInt(v) <= 2n ** 63n - 1n, 'must fit a 64-bit signed integer')
  .meta({ id: 'MinorUnits', description: 'Minor units (integer, as a decimal string)', example: '125000' });

/** Minor units that may be negative (balances, signed postings). */
export const SignedMinorUnits = z
  .string()
  .regex(/^-?(0|[1-9][0-9]{0,18})$/, 'must be an integer of minor units, as a string')
  .meta({ id: 'SignedMinorUnits', description: 'Minor units, may be negative (integer, as a decimal string)', example: '-2500' });

/** An ISO 4217 alphabetic code of a currency with a minor unit. */
export const CurrencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code')
  .refine(isCurrencyCode, 'must be an ISO 4217 currency code')
  .meta({ id: 'CurrencyCode', description: 'ISO 4217 alphabetic code', example: 'EUR' });

/** An instant, ISO 8601 with a time zone offset. */
export const Timestamp = z.iso.datetime({ offset: true }).meta({ format: 'date-time', example: '2026-12-01T09:30:00.000Z' });
