import { Query } from '@nestjs/cqrs';

export interface UserStatusView {
  readonly userId: string;
  readonly status: 'pending' | 'active' | 'locked' | 'disabled' | 'closed';
  readonly roles: string[];
}

/** Whether a user exists and may act (e.g. accounts checks a customer is active before opening an account). */
export class GetUserStatusQuery extends Query<UserStatusView | null> {
  constructor(readonly userId: string) {
    super();
  }
}
