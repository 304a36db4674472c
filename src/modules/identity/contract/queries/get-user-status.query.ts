import { Query } from '@nestjs/cqrs';

export type UserStatus = 'pending' | 'active' | 'locked' | 'disabled' | 'closed';

export interface UserStatusView {
  readonly userId: string;
  readonly status: UserStatus;
  readonly roles: readonly string[];
}

/** Whether a user exists and may use the bank (other contexts check before acting for a user). */
export class GetUserStatusQuery extends Query<UserStatusView | null> {
  constructor(readonly userId: string) {
    super();
  }
}
