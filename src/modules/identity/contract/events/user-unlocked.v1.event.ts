import { z } from 'zod';
import { defineIntegrationEvent, Id } from '@shared-kernel';

/** Staff made a locked or disabled account active again. */
export const UserUnlocked = defineIntegrationEvent(
  'identity.user-unlocked.v1',
  'user.events',
  z.object({ userId: Id, by: z.string() }).meta({ id: 'UserUnlockedV1' }),
);
