import { z } from 'zod';
import { defineIntegrationEvent, Id } from '@shared-kernel';

/** Staff changed a user's roles (effective at once in every session). */
export const UserRolesChanged = defineIntegrationEvent(
  'identity.user-roles-changed.v1',
  'user.events',
  z.object({ userId: Id, roles: z.array(z.string()), by: z.string() }).meta({ id: 'UserRolesChangedV1' }),
);
