/**
 * IBANs (ISO 13616): country code, two check digits (ISO 7064 MOD 97-10), then the
 * country's BBAN. Accounts get German-format IBANs (BBAN = 8-digit bank code + our
 * 10-digit account number); validation accepts any country's IBAN shape.
 */

const IBAN_SHAPE = /^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/;
/** BBAN lengths of the countries we may meet; an IBAN of another length for them is invalid. */
const IBAN_LENGTHS: Readonly<Record<string, number>> = { AT: 20, BE: 16, CH: 21, DE: 22, ES: 24, FR: 27, GB: 22, IE: 22, IT: 27, LU: 20, NL: 18, PL: 28, PT: 25 };
export const BANK_CODE_PATTERN = /^[1-9][0-9]{7}$/;

/** The number mod 97 of an alphanumeric string, letters as 10..35 (A=10), digit by digit. */
function mod97(text: string): number {
  let remainder = 0;
  for (const ch of text) {
    const value = ch >= 'A' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const digit of value) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return remainder;
}

/** The two check digits for a country and BBAN. */
export function ibanCheckDigits(country: string, bban: string): string {
  return String(98 - mod97(`${bban}${country}00`)).padStart(2, '0');
}

/** True for a well-formed IBAN (spaces allowed, any case) whose check digits verify. */
export function isValidIban(input: string): boolean {
  const iban = input.replace(/ /g, '').toUpperCase();
  if (!IBAN_SHAPE.test(iban)) return false;
  const expectedLength = IBAN_LENGTHS[iban.slice(0, 2)];
  if (expectedLength !== undefined && iban.length !== expectedLength) return false;
  return mod97(`${iban.slice(4)}${iban.slice(0, 4)}`) === 1;
}

/** A German IBAN for our bank code and a 10-digit account number. */
export function germanIban(bankCode: string, accountNumber: string): string {
  if (!BANK_CODE_PATTERN.test(bankCode)) throw new Error('a German bank code (BLZ) is eight digits');
  if (!/^[0-9]{10}$/.test(accountNumber)) throw new Error('a German account number in an IBAN is ten digits');
  const bban = `${bankCode}${accountNumber}`;
  return `DE${ibanCheckDigits('DE', bban)}${bban}`;
}
