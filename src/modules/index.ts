import type { ContextDefinition } from '../platform/context-definition';
import { identityContext } from './identity/identity.module';
import { ledgerContext } from './ledger/ledger.module';
import { accountsContext } from './accounts/accounts.module';

/**
 * Every bounded context of Skyro Core, in start order. A context is a Nest module under
 * src/modules/<name>/ that owns the Postgres schema <name>; MODULES selects a subset.
 */
export const CONTEXTS: readonly ContextDefinition[] = [identityContext, ledgerContext, accountsContext];
