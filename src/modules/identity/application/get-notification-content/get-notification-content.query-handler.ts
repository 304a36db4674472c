import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { isUuid } from '@shared-kernel';
import { UnitOfWork } from '@platform/database/unit-of-work';
import {
  GetNotificationContentQuery,
  GetNotificationRecipientQuery,
  type NotificationContentView,
  type NotificationRecipientView,
  type NotificationTemplate,
} from '@modules/identity/contract';
import { DELIVERY } from '@modules/identity/infrastructure/notification-requests';
import { UserRecords } from '@modules/identity/infrastructure/user-records';

/** The notifications context's way to the recipient and token of a requested message (ADR 0007). */
@QueryHandler(GetNotificationContentQuery)
export class GetNotificationContentQueryHandler implements IQueryHandler<GetNotificationContentQuery, NotificationContentView | null> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserRecords,
  ) {}

  async execute(query: GetNotificationContentQuery): Promise<NotificationContentView | null> {
    if (!isUuid(query.notificationId)) return null;
    const { rows } = await this.uow.query<{ user_id: string; template: NotificationTemplate; token_id: string | null; delivery: Buffer | null }>(
      `select n.user_id, n.template, n.token_id, t.delivery
       from identity.notification_requests n left join identity.one_time_tokens t on t.id = n.token_id and t.used_at is null and t.expires_at > now()
       where n.id = $1 and n.expires_at > now()`,
      [query.notificationId],
    );
    const request = rows[0];
    if (!request || (request.token_id && !request.delivery)) return null;
    const user = await this.users.byId(this.uow, request.user_id);
    const personal = user ? await this.users.personalData(this.uow, user) : null;
    if (!user || !personal) return null;
    const token = request.delivery ? await this.users.unseal(this.uow, user.id, DELIVERY, request.delivery) : null;
    return {
      notificationId: query.notificationId,
      template: request.template,
      channel: 'email',
      recipient: { email: personal.email, name: personal.name },
      locale: user.locale,
      variables: token ? { token } : {},
    };
  }
}

/** The notifications context's way to a user's address for messages of other contexts (decrypted at send time). */
@QueryHandler(GetNotificationRecipientQuery)
export class GetNotificationRecipientQueryHandler implements IQueryHandler<GetNotificationRecipientQuery, NotificationRecipientView | null> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserRecords,
  ) {}

  async execute(query: GetNotificationRecipientQuery): Promise<NotificationRecipientView | null> {
    if (!isUuid(query.userId)) return null;
    const user = await this.users.byId(this.uow, query.userId);
    if (!user || user.status === 'closed') return null;
    const personal = await this.users.personalData(this.uow, user);
    if (!personal) return null;
    return { userId: user.id, email: personal.email, name: personal.name, phone: personal.phone ?? null, locale: user.locale };
  }
}
