import { defineIntegrationEvent } from '../../../../shared-kernel';

/** A user's profile or preferences changed. Names the fields, never their values. */
export const UserProfileChanged = defineIntegrationEvent<{ userId: string; fields: string[] }>('identity.user-profile-changed.v1', 'user.events');
