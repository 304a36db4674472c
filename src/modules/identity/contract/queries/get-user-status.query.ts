import { z } from 'zod';
import { defineQuery, Id } from '@shared-kernel';

export const UserStatus = z.enum(['pending', 'active', 'locked', 'disabled', 'closed']);
export type UserStatus = z.infer<typeof UserStatus>;

export const UserStatusView = z.object({ userId: Id, status: UserStatus, roles: z.array(z.string()) }).meta({ id: 'UserStatus' });
export type UserStatusView = z.infer<typeof UserStatusView>;

/** Whether a user exists and may use the bank (other contexts check before acting for a user). */
export const GetUserStatusQuery = defineQuery('identity.get-user-status.v1', {
  payload: z.object({ userId: Id }),
  result: UserStatusView.nullable(),
});
export type GetUserStatusQuery = InstanceType<typeof GetUserStatusQuery>;
