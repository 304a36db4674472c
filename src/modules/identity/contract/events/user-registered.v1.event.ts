import { z } from 'zod';
import { defineIntegrationEvent, Id, Timestamp } from '@shared-kernel';

/** A user signed up; their email is not verified yet (status `pending`). Ids only, no personal data. */
export const UserRegistered = defineIntegrationEvent(
  'identity.user-registered.v1',
  'user.events',
  z.object({ userId: Id, registeredAt: Timestamp }).meta({ id: 'UserRegisteredV1' }),
);
