/** The identity context's keys (personal data, blind index): see identity-keys.ts. */
export const IDENTITY_KEYS = Symbol('IDENTITY_KEYS');
/** The bundled list of common passwords, as a set. */
export const COMMON_PASSWORDS = Symbol('COMMON_PASSWORDS');
