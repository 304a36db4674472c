import { z } from 'zod';
import type { FieldError } from '@shared-kernel';
import {
  checkAbaRoutingNumber,
  checkAccountName,
  checkBic,
  checkForeignAccountNumber,
  checkIban,
  checkRailCurrency,
  checkRemittance,
  checkUsAccountNumber,
  isSepaIban,
  type Checked,
  type Rail,
} from './bank-details';
import { countrySpecs } from 'ibantools';

/*
 * zod field schemas over the pure checks in bank-details.ts, for DTOs: each answers the
 * normalised value, and a failure is an issue on the field itself (so the problem document
 * names it, e.g. `iban must be an IBAN…`). The messages never repeat the input.
 */

function field<T>(check: (input: string) => Checked<T>) {
  return z.string().transform((input, ctx): T => {
    const checked = check(input);
    if (!checked.ok) {
      ctx.addIssue({ code: 'custom', message: checked.message, params: { code: checked.code } });
      return z.NEVER;
    }
    return checked.value;
  });
}

export const IbanField = field(checkIban).meta({ description: 'IBAN (ISO 13616), spaces allowed', example: 'DE89 3704 0044 0532 0130 00' });
export const BicField = field(checkBic).meta({ description: 'BIC (ISO 9362), 8 or 11 characters', example: 'COBADEFFXXX' });
export const AbaRoutingNumberField = field(checkAbaRoutingNumber).meta({
  description: 'ABA routing transit number (9 digits, checksum)',
  example: '011000015',
});
export const UsAccountNumberField = field(checkUsAccountNumber).meta({ description: 'US account number, 4 to 17 digits', example: '123456789' });
export const accountNameField = (rail: Rail) => field((v) => checkAccountName(rail, v));
export const remittanceField = (rail: Rail) => field((v) => checkRemittance(rail, v));

/** A beneficiary as a client describes it (before the rail's rules are applied). */
export interface BeneficiaryInput {
  readonly rail: Rail;
  readonly name: string;
  readonly currency: string;
  readonly country?: string;
  readonly iban?: string;
  readonly bic?: string;
  readonly routingNumber?: string;
  readonly accountNumber?: string;
  readonly accountType?: 'checking' | 'savings';
}

/** A beneficiary with every field in its rail's normal form. */
export interface BankDetails {
  readonly rail: Rail;
  readonly name: string;
  readonly currency: string;
  readonly country: string;
  readonly iban: string | null;
  readonly bic: string | null;
  readonly routingNumber: string | null;
  readonly accountNumber: string | null;
  readonly accountType: 'checking' | 'savings' | null;
}

const ALLOWED: Readonly<Record<Rail, ReadonlySet<keyof BeneficiaryInput>>> = {
  ach: new Set(['routingNumber', 'accountNumber', 'accountType']),
  wire: new Set(['routingNumber', 'accountNumber', 'accountType']),
  sepa: new Set(['iban', 'bic']),
  swift: new Set(['iban', 'bic', 'accountNumber']),
};

/**
 * The rail's rules on a whole beneficiary: which fields it needs (ACH and wire: routing and
 * account number, US; SEPA: an IBAN of a SEPA country, EUR; SWIFT: a BIC and an IBAN where the
 * country has IBANs, else an account number), each checked; every problem names its field.
 */
export interface BankFieldError extends FieldError {
  /** The message without the field's name ("must be …"), for a zod issue on that field. */
  readonly reason: string;
}

export function checkBeneficiary(input: BeneficiaryInput): { ok: true; value: BankDetails } | { ok: false; errors: BankFieldError[] } {
  const errors: BankFieldError[] = [];
  const fail = (field: string, reason: string, code: string) => errors.push({ field, reason, code, message: `${field} ${reason}` });
  const take = <T>(name: keyof BeneficiaryInput, checked: Checked<T>): T | null => {
    if (checked.ok) return checked.value;
    fail(name, checked.message, checked.code);
    return null;
  };
  const need = (name: keyof BeneficiaryInput): string | null => {
    const v = input[name];
    if (typeof v === 'string') return v;
    fail(name, `is required for ${input.rail}`, 'FIELD_REQUIRED');
    return null;
  };
  for (const name of ['iban', 'bic', 'routingNumber', 'accountNumber', 'accountType'] as const) {
    if (input[name] !== undefined && !ALLOWED[input.rail].has(name)) fail(name, `is not used by ${input.rail}`, 'FIELD_NOT_USED');
  }
  const name = take('name', checkAccountName(input.rail, input.name));
  const currency = take('currency', checkRailCurrency(input.rail, input.currency));
  let country = input.country?.toUpperCase() ?? null;
  let iban: string | null = null;
  let bic: string | null = null;
  let routingNumber: string | null = null;
  let accountNumber: string | null = null;
  let accountType: 'checking' | 'savings' | null = null;

  if (input.rail === 'ach' || input.rail === 'wire') {
    const routing = need('routingNumber');
    if (routing !== null) routingNumber = take('routingNumber', checkAbaRoutingNumber(routing));
    const account = need('accountNumber');
    if (account !== null) accountNumber = take('accountNumber', checkUsAccountNumber(account));
    accountType = input.accountType ?? (input.rail === 'ach' ? 'checking' : null);
    if (country !== null && country !== 'US') fail('country', `must be US for ${input.rail}`, 'COUNTRY_RAIL_MISMATCH');
    country = 'US';
  } else if (input.rail === 'sepa') {
    const raw = need('iban');
    if (raw !== null) iban = take('iban', checkIban(raw));
    if (iban !== null && !isSepaIban(iban)) {
      fail('iban', 'is not of a country in the SEPA scheme', 'IBAN_NOT_SEPA');
      iban = null;
    }
    if (input.bic !== undefined) bic = take('bic', checkBic(input.bic));
    if (iban !== null) {
      if (country !== null && country !== iban.slice(0, 2)) fail('country', "must be the IBAN's country", 'COUNTRY_MISMATCH');
      country = iban.slice(0, 2);
    }
  } else {
    const rawBic = need('bic');
    if (rawBic !== null) bic = take('bic', checkBic(rawBic));
    if (country === null && bic !== null) country = bic.slice(4, 6);
    const ibanCountry = country !== null && countrySpecs[country]?.chars !== undefined;
    if (ibanCountry) {
      const raw = need('iban');
      if (raw !== null) iban = take('iban', checkIban(raw));
      if (iban !== null && iban.slice(0, 2) !== country) fail('iban', "must be of the beneficiary's country", 'COUNTRY_MISMATCH');
      if (input.accountNumber !== undefined) fail('accountNumber', 'is not used where the country has IBANs: send iban', 'FIELD_NOT_USED');
    } else {
      if (input.iban !== undefined) fail('iban', 'is not used for a country without IBANs: send accountNumber', 'FIELD_NOT_USED');
      const raw = need('accountNumber');
      if (raw !== null) accountNumber = take('accountNumber', checkForeignAccountNumber(raw));
    }
  }
  // Without a country of its own, it follows from the IBAN or BIC: when those failed, their problem says enough.
  const derivedFromFailed = country === null && errors.some((e) => e.field === 'iban' || e.field === 'bic');
  if (!derivedFromFailed && (country === null || !/^[A-Z]{2}$/.test(country))) fail('country', 'must be an ISO 3166 alpha-2 code', 'COUNTRY_REQUIRED');
  if (errors.length) return { ok: false, errors };
  return { ok: true, value: { rail: input.rail, name: name!, currency: currency!, country: country!, iban, bic, routingNumber, accountNumber, accountType } };
}
