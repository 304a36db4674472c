import { z } from 'zod';
import { CURRENCY_CODES, MINOR_UNITS_PATTERN, decimalRangePattern } from './money';

/*
 * Building blocks of the contracts' wire formats, so the same thing is spelled the same way
 * in every context (and in the OpenAPI document, where ids make them shared components).
 */

/** An id as clients send them: any UUID form (8-4-4-4-12 hex). */
export const Id = z.guid().meta({ example: '3f2b8c1e-5d4a-4e7b-9a61-0c8d2e7f4b15' });

/** A page cursor that is a position in a bigint sequence (postings, audit entries): 1 to 2^63 - 1. */
export const SequenceCursor = z.string().regex(decimalRangePattern(1, 2n ** 63n - 1n), 'must be a cursor from a previous page');

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

/*
 * ISO 8601 as PostgreSQL's date and timestamptz take it: real calendar days with years from
 * 0001 (there is no year 0), offsets within ±15:59 (PostgreSQL refuses +16:00 and beyond), at
 * most nine fractional digits (it keeps six). One pattern each, so that JSON Schema says it.
 */
const DAY = String.raw`(?!0000)(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8])))`;
const OFFSET = String.raw`(?:Z|[+-](?:0\d|1[0-5]):[0-5]\d)`;
const SECONDS = String.raw`:[0-5]\d(?:\.\d{1,9})?`;
const HOURS_MINUTES = String.raw`(?:[01]\d|2[0-3]):[0-5]\d`;

/** An instant, ISO 8601 with a time zone offset (Z or ±hh:mm up to ±15:59, as PostgreSQL takes). */
export const Timestamp = z
  .string()
  .regex(new RegExp(`^${DAY}T${HOURS_MINUTES}${SECONDS}${OFFSET}$`), 'must be an ISO 8601 date-time with a time zone offset (Z, or ±hh:mm up to ±15:59)')
  .meta({ format: 'date-time', example: '2026-12-01T09:30:00.000Z' });

/** An ISO 8601 date-time with an offset (seconds required), or without one (local; seconds optional). */
export const LocalOrZonedDateTime = z
  .string()
  .regex(
    new RegExp(`^${DAY}T${HOURS_MINUTES}(?:${SECONDS}${OFFSET}|(?:${SECONDS})?)$`),
    'must be an ISO 8601 date-time, with a time zone offset up to ±15:59 or without one',
  )
  .meta({ format: 'date-time' });

/** A calendar day, YYYY-MM-DD, from 0001-01-01 (PostgreSQL has no year 0). */
export function calendarDate(message = 'must be a date (YYYY-MM-DD)'): z.ZodString {
  return z
    .string()
    .regex(new RegExp(`^${DAY}$`), message)
    .meta({ format: 'date' });
}

/** One line of text: no C0 or C1 control character, no Unicode line or paragraph separator. */
export const SINGLE_LINE = /^[^\u0000-\u001F\u007F-\u009F\u2028\u2029]*$/;

/**
 * Free text of one line (a name, an address line, a label): refuses NUL and every other C0
 * or C1 control character (tab, CR, LF, ESC, DEL...) and the Unicode line and paragraph
 * separators, which have no place in such a field and break logs, CSV exports and headers.
 * The pattern is spelled with \u escapes so that any JSON Schema tool can compile it.
 */
export function singleLineText(min: number, max: number): z.ZodString {
  return z.string().min(min).max(max).regex(SINGLE_LINE, 'must be one line of text without control characters');
}
