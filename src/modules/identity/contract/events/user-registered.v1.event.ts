import { defineIntegrationEvent } from '../../../../shared-kernel';

/** A user signed up; their email is not verified yet (status `pending`). Ids only, no personal data. */
export const UserRegistered = defineIntegrationEvent<{ userId: string; registeredAt: string }>('identity.user-registered.v1', 'user.events');
