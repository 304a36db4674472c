import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { isUuid } from '@shared-kernel';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { GetClientAccessQuery, type ClientAccessView } from '@modules/identity/contract';

/** For other contexts (notifications' webhooks): is this client active, with which scopes, and does it act for this user? */
@QueryHandler(GetClientAccessQuery)
export class GetClientAccessQueryHandler implements IQueryHandler<GetClientAccessQuery, ClientAccessView | null> {
  constructor(private readonly uow: UnitOfWork) {}

  async execute({ clientId, userId }: GetClientAccessQuery): Promise<ClientAccessView | null> {
    const { rows } = await this.uow.query<{ scopes: string[]; active: boolean; acts_for_user: boolean | null }>(
      `select c.scopes, c.disabled_at is null as active,
              case when $2::text is null then null else exists (
                select 1 from identity.refresh_token_families f
                 where f.client_id = c.id and f.user_id = $2::uuid and f.revoked_at is null and f.expires_at > now()) end as acts_for_user
         from identity.oauth_clients c where c.id = $1`,
      [clientId, userId && isUuid(userId) ? userId : null],
    );
    const row = rows[0];
    if (!row) return null;
    return { clientId, active: row.active, scopes: row.scopes, actsForUser: userId === undefined ? null : (row.acts_for_user ?? false) };
  }
}
