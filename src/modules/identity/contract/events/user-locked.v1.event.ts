import { defineIntegrationEvent } from '../../../../shared-kernel';

/** Staff locked or disabled an account: its sessions are revoked, it cannot sign in. */
export const UserLocked = defineIntegrationEvent<{ userId: string; status: 'locked' | 'disabled'; by: string }>('identity.user-locked.v1', 'user.events');
