import { defineIntegrationEvent } from '../../../../shared-kernel';

/** Staff made a locked or disabled account active again. */
export const UserUnlocked = defineIntegrationEvent<{ userId: string; by: string }>('identity.user-unlocked.v1', 'user.events');
