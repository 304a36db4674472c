import { z } from 'zod';
import { defineIntegrationEvent, Id } from '@shared-kernel';

/** Staff locked or disabled an account: its sessions are revoked, it cannot sign in. */
export const UserLocked = defineIntegrationEvent(
  'identity.user-locked.v1',
  'user.events',
  z.object({ userId: Id, status: z.enum(['locked', 'disabled']), by: z.string() }).meta({ id: 'UserLockedV1' }),
);
