import type { PermissionGrants } from '@platform/context-definition';

/**
 * The webhooks' permissions, spread into the notifications manifest's. `webhooks:manage`,
 * the family scopes and `webhooks:all_users` are OAuth scopes of API clients (an admin
 * grants them when registering the client); `webhooks:admin` lets staff see and manage any
 * client's endpoints.
 */
export const WEBHOOK_PERMISSIONS: PermissionGrants = {
  /** A client registers and manages its own endpoints. */
  'webhooks:manage': [],
  /** Staff: every client's endpoints, attempts and replays. */
  'webhooks:admin': [],
  /** Receive account.* events (of users who authorized the client, or all with webhooks:all_users). */
  'webhooks:accounts': [],
  /** Receive ledger.* events (bank-wide: needs webhooks:all_users too). */
  'webhooks:ledger': [],
  /** Receive payment.* events (of users who authorized the client, or all with webhooks:all_users). */
  'webhooks:payments': [],
  /** Receive the granted families' events about every user, not only those who authorized the client. */
  'webhooks:all_users': [],
};
