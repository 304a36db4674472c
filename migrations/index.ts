import { PlatformSchema1763900000000 } from './platform/1763900000000-platform-schema';
import { IdempotencyKeys1763900000001 } from './platform/1763900000001-idempotency-keys';
import { AppRole1763900000002 } from './platform/1763900000002-app-role';
import { OutboxPayloadText1763900300000 } from './platform/1763900300000-outbox-payload-text';
import { IdentitySchema1763900000100 } from './identity/1763900000100-identity-schema';
import { LedgerSchema1763900100000 } from './ledger/1763900100000-ledger-schema';
import { AccountsSchema1763900200000 } from './accounts/1763900200000-accounts-schema';
import { AccountClosures1763900200001 } from './accounts/1763900200001-account-closures';
import { StatementsAndInterest1763900200100 } from './accounts/1763900200100-statements-and-interest';

/**
 * Every migration, in order. Listed explicitly (not globbed) so the compiled app, the
 * CLI and the tests all load the same set without path tricks. Each context keeps its
 * migrations in its own folder and touches only its own schema.
 */
export const ALL_MIGRATIONS = [
  // platform
  PlatformSchema1763900000000,
  IdempotencyKeys1763900000001,
  AppRole1763900000002,
  // identity
  IdentitySchema1763900000100,
  // ledger
  LedgerSchema1763900100000,
  // accounts
  AccountsSchema1763900200000,
  AccountClosures1763900200001,
  StatementsAndInterest1763900200100,
  // platform, after the contexts: converts the outboxes they created before payloads became text
  OutboxPayloadText1763900300000,
];
