import { defineContext } from '@platform/context-definition';
import { NOTIFICATIONS_MIGRATIONS } from '@migrations/notifications';
import { notificationsContract } from './contract';
import { notificationsConfig } from './notifications.config';
import { NotificationsModule } from './notifications.module';
import { WEBHOOK_PERMISSIONS } from './webhooks/webhooks.permissions';

/** Notifications: messages from identity's and accounts' events over email, SMS, push and in-app, with preferences and delivery tracking (schema `notifications`). */
export const notificationsContext = defineContext({
  name: 'notifications',
  module: NotificationsModule,
  dependsOn: ['identity', 'ledger', 'accounts', 'payments'],
  contract: notificationsContract,
  migrations: NOTIFICATIONS_MIGRATIONS,
  config: notificationsConfig,
  permissions: {
    'notifications:read': ['support', 'compliance_officer'],
    ...WEBHOOK_PERMISSIONS,
  },
  routes: ['/v1/notifications', '/v1/admin/notifications'],
  apiTags: [
    {
      name: 'notifications',
      description: 'Messages to users (email, SMS, push, in-app): the in-app inbox, each message’s status timeline, preferences; staff views by user.',
    },
  ],
});
