import { z } from 'zod';
import { defineIntegrationEvent, Id } from '@shared-kernel';

/** A user's profile or preferences changed. Names the fields, never their values. */
export const UserProfileChanged = defineIntegrationEvent(
  'identity.user-profile-changed.v1',
  'user.events',
  z.object({ userId: Id, fields: z.array(z.string()) }).meta({ id: 'UserProfileChangedV1' }),
);
