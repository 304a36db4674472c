import { z } from 'zod';
import { CURRENCY_CODES, MINOR_UNITS_PATTERN } from './money';

/*
 * Building blocks of the contracts' wire formats, so the same thing is spelled the same way
 * in every context (and in the OpenAPI document, where ids make them shared components).
 */

/** An id as clients send them: any UUID form (8-4-4-4-12 hex). */
export const Id = z.guid().meta({ example: '3f2b8c1e-5d4a-4e7b-9a61-0c8d2e7f4b15' });

/** Minor units, non-negative, within Postgres bigint (the pattern states the bound); a decimal string (no float ever). */
export const MinorUnits = z
  .string()
  .regex(MINOR_UNITS_PATTERN, 'must be a non-negative integer of minor units within 64 bits, as a string')
  .meta({ id: 'MinorUnits', description: 'Minor units (integer, as a decimal string)', example: '125000' });

/** Minor units that may be negative (balances, signed postings). */
export const SignedMinorUnits = z
  .string()
  .regex(/^-?(0|[1-9][0-9]{0,18})$/, 'must be an integer of minor units, as a string')
  .meta({ id: 'SignedMinorUnits', description: 'Minor units, may be negative (integer, as a decimal string)', example: '-2500' });

/** An ISO 4217 alphabetic code of a currency with a minor unit: the enum lists them, so the document does too. */
export const CurrencyCode = z
  .enum(CURRENCY_CODES, { error: 'must be an ISO 4217 currency code' })
  .meta({ id: 'CurrencyCode', description: 'ISO 4217 alphabetic code', example: 'EUR' });

/** An instant, ISO 8601 with a time zone offset. */
export const Timestamp = z.iso.datetime({ offset: true }).meta({ format: 'date-time', example: '2026-12-01T09:30:00.000Z' });

/**
 * Free text of one line (a name, an address line, a label): refuses NUL and every other C0
 * or C1 control character (tab, CR, LF, ESC, DEL...) and the Unicode line and paragraph
 * separators, which have no place in such a field and break logs, CSV exports and headers.
 * The pattern is spelled with \u escapes so that any JSON Schema tool can compile it.
 */
export function singleLineText(min: number, max: number): z.ZodString {
  return z
    .string()
    .min(min)
    .max(max)
    .regex(/^[^\u0000-\u001F\u007F-\u009F\u2028\u2029]*$/, 'must be one line of text without control characters');
}
