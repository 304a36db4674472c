import { electronicFormatIBAN, isSEPACountry, isValidBIC, isValidIBAN } from 'ibantools';
import { currencyOf } from '@shared-kernel';

/*
 * Bank details as each rail takes them. Pure functions: each answers the normalised value or a
 * problem (a stable code and a message that never echoes the value: these are account
 * numbers). The zod field schemas in bank-fields.ts wrap them for DTOs, so a request problem
 * names its field.
 */

export type Rail = 'ach' | 'wire' | 'sepa' | 'swift';
export const RAILS: readonly Rail[] = ['ach', 'wire', 'sepa', 'swift'];

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly code: string; readonly message: string };

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const bad = (code: string, message: string): Checked<never> => ({ ok: false, code, message });

/** IBAN (ISO 13616): spaces and lower case accepted, answered in electronic form (no spaces, upper case). */
export function checkIban(input: string): Checked<string> {
  const iban = electronicFormatIBAN(input);
  if (!iban || !/^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/.test(iban))
    return bad('IBAN_MALFORMED', 'must be an IBAN: country code, two check digits, then the account (letters and digits)');
  if (!isValidIBAN(iban)) return bad('IBAN_INVALID', "is not a valid IBAN (length, format or check digits do not match the country's rules)");
  return ok(iban);
}

/** BIC (ISO 9362): 8 or 11 characters, upper-cased; the country part must be a real country. */
export function checkBic(input: string): Checked<string> {
  const bic = input.trim().toUpperCase();
  if (!/^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(bic) || !isValidBIC(bic))
    return bad('BIC_INVALID', 'must be a BIC: 8 or 11 letters and digits (bank, country, location, optional branch)');
  return ok(bic);
}

/** ABA routing transit number: 9 digits whose weighted sum (3, 7, 1 repeating) is a multiple of 10. */
export function checkAbaRoutingNumber(input: string): Checked<string> {
  if (!/^[0-9]{9}$/.test(input)) return bad('ROUTING_NUMBER_MALFORMED', 'must be a 9-digit ABA routing number');
  const weights = [3, 7, 1, 3, 7, 1, 3, 7, 1];
  const sum = weights.reduce((total, weight, i) => total + weight * Number(input[i]), 0);
  if (sum % 10 !== 0) return bad('ROUTING_NUMBER_INVALID', 'is not a valid ABA routing number (check digit does not match)');
  // The first two digits name a Federal Reserve district (01-12), a thrift (21-32), an electronic (80) or traveler's check (61-72) range.
  const prefix = Number(input.slice(0, 2));
  if (!((prefix >= 0 && prefix <= 12) || (prefix >= 21 && prefix <= 32) || (prefix >= 61 && prefix <= 72) || prefix === 80)) {
    return bad('ROUTING_NUMBER_INVALID', 'is not a valid ABA routing number (unknown Federal Reserve prefix)');
  }
  return ok(input);
}

/** US bank account number: 4 to 17 digits (the NACHA DFI account field holds 17). */
export function checkUsAccountNumber(input: string): Checked<string> {
  if (!/^[0-9]{4,17}$/.test(input)) return bad('ACCOUNT_NUMBER_INVALID', 'must be a US account number of 4 to 17 digits');
  return ok(input);
}

/** Account number outside the IBAN and US schemes (SWIFT to a country without IBANs): 4-34 letters and digits. */
export function checkForeignAccountNumber(input: string): Checked<string> {
  const value = input.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z0-9]{4,34}$/.test(value)) return bad('ACCOUNT_NUMBER_INVALID', 'must be an account number of 4 to 34 letters and digits');
  return ok(value);
}

/**
 * Character sets:
 * - SEPA (EPC guidance on ISO 20022): the Latin subset a-z A-Z 0-9 / - ? : ( ) . , ' + and space.
 * - SWIFT (CBPR+ and the pain.001 of wires): the SWIFT "X" set, the same characters.
 * - NACHA: upper-case A-Z, digits, space and . , - / & ' ( ); lower case is accepted and
 *   upper-cased when the file is written (banks reject lower case in some fields).
 */
const LATIN = /^[A-Za-z0-9/\-?:().,'+ ]*$/;
const NACHA = /^[A-Za-z0-9 .,\-/&'()]*$/;

export interface RailTextRules {
  readonly charset: RegExp;
  readonly charsetName: string;
  /** Account holder name, characters. */
  readonly nameMax: number;
  /** Remittance information, characters. */
  readonly remittanceMax: number;
}

export const RAIL_TEXT: Readonly<Record<Rail, RailTextRules>> = {
  // SEPA Rulebook: Nm max 70, Ustrd max 140.
  sepa: { charset: LATIN, charsetName: "the SEPA Latin set (letters, digits, space and / - ? : ( ) . , ' +)", nameMax: 70, remittanceMax: 140 },
  // CBPR+: Nm max 140, Ustrd max 140.
  swift: { charset: LATIN, charsetName: "the SWIFT X set (letters, digits, space and / - ? : ( ) . , ' +)", nameMax: 140, remittanceMax: 140 },
  wire: { charset: LATIN, charsetName: "the SWIFT X set (letters, digits, space and / - ? : ( ) . , ' +)", nameMax: 140, remittanceMax: 140 },
  // NACHA: individual name 22 positions (entry detail 55-76); addenda payment information 80.
  ach: { charset: NACHA, charsetName: "the NACHA set (letters, digits, space and . , - / & ' ( ))", nameMax: 22, remittanceMax: 80 },
};

function checkText(rail: Rail, what: 'name' | 'remittance', input: string): Checked<string> {
  const rules = RAIL_TEXT[rail];
  const value = input.trim().replace(/\s+/g, ' ');
  const max = what === 'name' ? rules.nameMax : rules.remittanceMax;
  if (what === 'name' && value.length === 0) return bad('NAME_REQUIRED', 'must not be empty');
  if (!rules.charset.test(value)) return bad(what === 'name' ? 'NAME_CHARSET' : 'REMITTANCE_CHARSET', `must use only ${rules.charsetName} on ${rail}`);
  if (value.length > max) return bad(what === 'name' ? 'NAME_TOO_LONG' : 'REMITTANCE_TOO_LONG', `must be at most ${max} characters on ${rail}`);
  return ok(value);
}

/** Account holder name within the rail's character set and length (spaces collapsed). */
export const checkAccountName = (rail: Rail, input: string): Checked<string> => checkText(rail, 'name', input);
/** Remittance text (unstructured) within the rail's character set and length. */
export const checkRemittance = (rail: Rail, input: string): Checked<string> => checkText(rail, 'remittance', input);

/**
 * Currencies SWIFT payments are refused in: currencies of comprehensively sanctioned
 * jurisdictions that correspondent banks do not clear (KPW, IRR, SYP, CUP), and the ones
 * this rail has a better home for is not a rule here (EUR to a SEPA IBAN may still go SWIFT).
 */
export const SWIFT_REFUSED_CURRENCIES: ReadonlySet<string> = new Set(['KPW', 'IRR', 'SYP', 'CUP']);

/** Whether a rail carries this currency (SEPA: EUR; ACH and domestic wire: USD; SWIFT: any known except the refused). */
export function checkRailCurrency(rail: Rail, currency: string): Checked<string> {
  if (!currencyOf(currency)) return bad('CURRENCY_UNKNOWN', 'must be an ISO 4217 currency code');
  switch (rail) {
    case 'sepa':
      return currency === 'EUR' ? ok(currency) : bad('CURRENCY_RAIL_MISMATCH', 'SEPA carries only EUR');
    case 'ach':
      return currency === 'USD' ? ok(currency) : bad('CURRENCY_RAIL_MISMATCH', 'ACH carries only USD');
    case 'wire':
      return currency === 'USD' ? ok(currency) : bad('CURRENCY_RAIL_MISMATCH', 'domestic wires carry only USD');
    case 'swift':
      return SWIFT_REFUSED_CURRENCIES.has(currency) ? bad('CURRENCY_RAIL_MISMATCH', `SWIFT payments in ${currency} are not offered`) : ok(currency);
  }
}

/** Whether an IBAN's country takes part in the SEPA scheme. */
export function isSepaIban(iban: string): boolean {
  return isSEPACountry(iban.slice(0, 2));
}

/** The last four characters of an account number or IBAN, as shown to its owner (`••••3000`). */
export function lastFour(value: string): string {
  return value.slice(-4);
}
