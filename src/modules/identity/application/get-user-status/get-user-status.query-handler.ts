import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { isUuid } from '@shared-kernel';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { GetUserStatusQuery, type UserStatusView } from '@modules/identity/contract';

/** For other contexts (accounts, payments...): does this user exist, and may they act? */
@QueryHandler(GetUserStatusQuery)
export class GetUserStatusQueryHandler implements IQueryHandler<GetUserStatusQuery, UserStatusView | null> {
  constructor(private readonly uow: UnitOfWork) {}

  async execute(query: GetUserStatusQuery): Promise<UserStatusView | null> {
    if (!isUuid(query.userId)) return null;
    const { rows } = await this.uow.query<{ status: UserStatusView['status']; roles: string[] }>('select status, roles from identity.users where id = $1', [
      query.userId,
    ]);
    return rows[0] ? { userId: query.userId, status: rows[0].status, roles: rows[0].roles } : null;
  }
}
