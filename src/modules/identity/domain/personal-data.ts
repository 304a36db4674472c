/** A user's personal data: stored only encrypted, under the user's own data key. */
export interface PersonalData {
  readonly email: string;
  readonly name: string;
  readonly phone?: string;
  readonly dateOfBirth?: string;
  readonly address?: PostalAddress;
  readonly nationalId?: string;
}

export interface PostalAddress {
  readonly line1: string;
  readonly line2?: string;
  readonly city: string;
  readonly postalCode: string;
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
}

export const PERSONAL_FIELDS = ['name', 'phone', 'dateOfBirth', 'address', 'nationalId'] as const;

/** Applies a partial update and names the fields that really changed (for events: names, never values). */
export function applyProfileChange(current: PersonalData, change: Partial<Omit<PersonalData, 'email'>>): { next: PersonalData; changed: string[] } {
  const next: Record<string, unknown> = { ...current };
  const changed: string[] = [];
  for (const field of PERSONAL_FIELDS) {
    if (!(field in change) || change[field] === undefined) continue;
    if (JSON.stringify(current[field]) === JSON.stringify(change[field])) continue;
    next[field] = change[field];
    changed.push(field);
  }
  return { next: next as unknown as PersonalData, changed };
}
