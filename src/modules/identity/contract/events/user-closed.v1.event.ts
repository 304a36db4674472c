import { z } from 'zod';
import { defineIntegrationEvent, Id, Timestamp } from '@shared-kernel';

/**
 * An account was closed and its personal data erased (its data key destroyed). The user
 * id stays valid as a reference in other contexts' history (ledger entries, audit).
 */
export const UserClosed = defineIntegrationEvent(
  'identity.user-closed.v1',
  'user.events',
  z.object({ userId: Id, closedAt: Timestamp, erased: z.literal(true) }).meta({ id: 'UserClosedV1' }),
);
