import { defineIntegrationEvent } from '../../../../shared-kernel';

/** Staff changed a user's roles (effective at once in every session). */
export const UserRolesChanged = defineIntegrationEvent<{ userId: string; roles: string[]; by: string }>('identity.user-roles-changed.v1', 'user.events');
