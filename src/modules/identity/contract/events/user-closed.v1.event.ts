import { defineIntegrationEvent } from '../../../../shared-kernel';

/**
 * An account was closed and its personal data erased (its data key destroyed). The user
 * id stays valid as a reference in other contexts' history (ledger entries, audit).
 */
export const UserClosed = defineIntegrationEvent<{ userId: string; closedAt: string; erased: true }>('identity.user-closed.v1', 'user.events');
