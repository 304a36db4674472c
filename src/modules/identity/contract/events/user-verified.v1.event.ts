import { defineIntegrationEvent } from '../../../../shared-kernel';

/** A user proved their email address; the account is `active`. */
export const UserVerified = defineIntegrationEvent<{ userId: string; verifiedAt: string }>('identity.user-verified.v1', 'user.events');
