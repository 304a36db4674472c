import { composeIBAN, electronicFormatIBAN, isValidIBAN } from 'ibantools';

/**
 * IBANs (ISO 13616): country code, two check digits (ISO 7064 MOD 97-10), then the
 * country's BBAN. Accounts get German-format IBANs (BBAN = 8-digit bank code + our
 * 10-digit account number); validation accepts any country's IBAN that ibantools knows
 * (length, BBAN format and, where a country has one, its national check).
 */

export const BANK_CODE_PATTERN = /^[1-9][0-9]{7}$/;

/** The two check digits for a country and BBAN (ibantools computes them). */
export function ibanCheckDigits(country: string, bban: string): string {
  const iban = composeIBAN({ countryCode: country, bban });
  if (!iban) throw new Error(`${bban} is not a BBAN of ${country}`);
  return iban.slice(2, 4);
}

/** True for a well-formed IBAN (spaces allowed, any case) whose check digits verify. */
export function isValidIban(input: string): boolean {
  const iban = electronicFormatIBAN(input);
  return iban !== null && isValidIBAN(iban);
}

/** The IBAN as stored (electronic format: no spaces, upper case), or null when it is not one. */
export function electronicIban(input: string): string | null {
  const iban = electronicFormatIBAN(input);
  return iban !== null && isValidIBAN(iban) ? iban : null;
}

/** A German IBAN for our bank code and a 10-digit account number. */
export function germanIban(bankCode: string, accountNumber: string): string {
  if (!BANK_CODE_PATTERN.test(bankCode)) throw new Error('a German bank code (BLZ) is eight digits');
  if (!/^[0-9]{10}$/.test(accountNumber)) throw new Error('a German account number in an IBAN is ten digits');
  const iban = composeIBAN({ countryCode: 'DE', bban: `${bankCode}${accountNumber}` });
  if (!iban || !isValidIBAN(iban)) throw new Error(`no valid German IBAN for ${bankCode} ${accountNumber}`);
  return iban;
}
