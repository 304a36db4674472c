import type { ContextManifest } from '@platform/context-definition';
import { accountsContext } from './accounts/accounts.context';
import { identityContext } from './identity/identity.context';
import { ledgerContext } from './ledger/ledger.context';
import { notificationsContext } from './notifications/notifications.context';
import { ordersContext } from './orders/orders.context';
import { paymentsContext } from './payments/payments.context';
import { realtimeContext } from './realtime/realtime.context';

/**
 * Every bounded context of Skyro Core: one line each. A context is a folder under
 * src/modules/<name>/ whose manifest (<name>.context.ts) tells the platform its module,
 * dependencies, contract, migrations, configuration and permissions; MODULES selects which
 * this process runs.
 */
export const CONTEXTS: readonly ContextManifest[] = [
  identityContext,
  ledgerContext,
  accountsContext,
  notificationsContext,
  realtimeContext,
  paymentsContext,
  ordersContext,
];
