import { z } from 'zod';
import { defineIntegrationEvent, Id, Timestamp } from '@shared-kernel';

/** A user proved their email address; the account is `active`. */
export const UserVerified = defineIntegrationEvent(
  'identity.user-verified.v1',
  'user.events',
  z.object({ userId: Id, verifiedAt: Timestamp }).meta({ id: 'UserVerifiedV1' }),
);
