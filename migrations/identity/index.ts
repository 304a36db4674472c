import { IdentitySchema1763900000100 } from './1763900000100-identity-schema';

/** The identity context's migrations (schema `identity`), named in its manifest. */
export const IDENTITY_MIGRATIONS = [IdentitySchema1763900000100];
