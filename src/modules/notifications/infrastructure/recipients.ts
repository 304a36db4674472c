import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { QueryBus } from '@nestjs/cqrs';
import { APP_CONFIG, type AppConfig } from '@platform/config/app-config';
import {
  GetNotificationContentQuery,
  GetNotificationRecipientQuery,
  type NotificationContentView,
  type NotificationRecipientView,
} from '@modules/identity/contract';
import { notificationsConfig, type NotificationsConfig } from '../notifications.config';

/**
 * Identity's answers, asked at send time (ADR 0007): the content of its own requests
 * (recipient and one-time token) and any user's address. Nothing of them is stored here.
 * Over the bus, so it works the same when identity runs in another process.
 */
@Injectable()
export class Recipients {
  constructor(private readonly queries: QueryBus) {}

  content(notificationId: string): Promise<NotificationContentView | null> {
    return this.queries.execute(new GetNotificationContentQuery({ notificationId }));
  }

  recipient(userId: string): Promise<NotificationRecipientView | null> {
    return this.queries.execute(new GetNotificationRecipientQuery({ userId }));
  }
}

/** Where links in messages point: NOTIFICATIONS_LINK_BASE_URL, else this process's own address. */
@Injectable()
export class LinkBase {
  constructor(
    @Inject(notificationsConfig.token) private readonly config: NotificationsConfig,
    @Inject(APP_CONFIG) private readonly app: AppConfig,
    private readonly adapter: HttpAdapterHost,
  ) {}

  url(): string {
    if (this.config.linkBaseUrl) return this.config.linkBaseUrl;
    const server = this.adapter.httpAdapter?.getHttpServer() as { address?: () => unknown } | undefined;
    const address = server?.address?.();
    const port = address && typeof address === 'object' && 'port' in address ? (address as { port: number }).port : this.app.http.port;
    return `http://127.0.0.1:${port}`;
  }

  /** identity's token links: the token in the fragment, so it never reaches an access log. */
  tokenLink(template: string, token: string): string | null {
    const page = template === 'verify-email' ? 'verify-email' : template === 'password-reset' ? 'reset-password' : null;
    return page ? `${this.url()}/auth/${page}#token=${encodeURIComponent(token)}` : null;
  }
}
