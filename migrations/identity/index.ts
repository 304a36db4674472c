import { IdentitySchema1763900000100 } from './1763900000100-identity-schema';
import { EmailIndexForm1763900500100 } from './1763900500100-email-index-form';

/** The identity context's migrations (schema `identity`), named in its manifest. */
export const IDENTITY_MIGRATIONS = [IdentitySchema1763900000100, EmailIndexForm1763900500100];
