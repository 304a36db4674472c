/*
 * An e-mail address has many spellings that are one mailbox to the person typing it: é
 * composed (U+00E9, NFC) or decomposed (e + U+0301, NFD, what some keyboards and macOS
 * file names give), upper or lower case. One spelling must be one user with one login.
 */

/** The form an address is stored and shown in: trimmed, Unicode NFC, case kept. */
export function canonicalEmail(email: string): string {
  return email.trim().normalize('NFC');
}

/**
 * The form an address is looked up by (what the blind index is computed over): NFC,
 * case-folded, NFC again (folding can decompose). Folding is Unicode simple case folding,
 * taken per code point as the round trip through upper case where that gives one code
 * point (µ → μ, ſ → s, final ς → σ, ϐ → β) and lower case otherwise (ß stays ß, İ → i̇):
 * `toLowerCase()` alone keeps ς apart from σ and µ apart from μ.
 */
export function emailLookupForm(email: string): string {
  let folded = '';
  for (const c of canonicalEmail(email)) {
    const upper = c.toUpperCase();
    folded += [...upper].length === 1 ? upper.toLowerCase() : c.toLowerCase();
  }
  return folded.normalize('NFC');
}

/** The lookup form before e-mails were normalised (trimmed, lower-cased): the blind indexes of existing rows were computed over it. */
export function legacyEmailLookupForm(email: string): string {
  return email.trim().toLowerCase();
}
