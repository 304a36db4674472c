import { defineContext } from '@platform/context-definition';
import { NOTIFICATIONS_MIGRATIONS } from '@migrations/notifications';
import { notificationsContract } from './contract';
import { notificationsConfig } from './notifications.config';
import { NotificationsModule } from './notifications.module';
import { WEBHOOK_PERMISSIONS } from './webhooks/webhooks.permissions';

/** The notifications context: messages, each created once by the id its caller chose (schema `notifications`). */
export const notificationsContext = defineContext({
  name: 'notifications',
  module: NotificationsModule,
  dependsOn: ['identity', 'ledger', 'accounts'],
  contract: notificationsContract,
  migrations: NOTIFICATIONS_MIGRATIONS,
  config: notificationsConfig,
  permissions: {
    'notifications:read': ['support', 'compliance_officer'],
    'notifications:write': [],
    ...WEBHOOK_PERMISSIONS,
  },
  routes: ['/v1/notifications'],
  apiTags: [{ name: 'notifications', description: 'The notifications context: messages, each created once by the id its caller chose.' }],
});
