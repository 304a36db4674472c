/**
 * Domestic account numbers: ten digits, the last a Luhn (mod 10) check digit over the
 * first nine, which catch every single-digit typo and most transpositions. The first
 * digit is never 0, so the number keeps its length wherever it is treated as a number.
 */
export const ACCOUNT_NUMBER_PATTERN = /^[1-9][0-9]{9}$/;

export function luhnCheckDigit(payload: string): number {
  let sum = 0;
  // Doubling starts at the rightmost payload digit (the check digit will sit to its right).
  for (let i = payload.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = payload.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** Builds an account number from nine digits (first non-zero), appending the check digit. */
export function accountNumberFrom(payload: string): string {
  if (!/^[1-9][0-9]{8}$/.test(payload)) throw new Error('an account number payload is nine digits, the first non-zero');
  return `${payload}${luhnCheckDigit(payload)}`;
}

export function isValidAccountNumber(number: string): boolean {
  return ACCOUNT_NUMBER_PATTERN.test(number) && luhnCheckDigit(number.slice(0, -1)) === Number(number.slice(-1));
}
