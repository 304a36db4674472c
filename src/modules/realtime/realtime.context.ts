import { defineContext } from '@platform/context-definition';
import { REALTIME_MIGRATIONS } from '@migrations/realtime';
import { realtimeContract } from './contract';
import { realtimeConfig } from './realtime.config';
import { RealtimeModule } from './realtime.module';

/**
 * The realtime context: the WebSocket gateway at /v1/realtime that pushes each user's own
 * events (balances, account status, notifications; docs/realtime.md). It owns no data of its
 * own beyond its inbox (schema `realtime`) and a short per-user history in Redis; it depends
 * on the contexts whose events it maps (application/realtime-events.ts).
 */
export const realtimeContext = defineContext({
  name: 'realtime',
  module: RealtimeModule,
  dependsOn: ['accounts', 'notifications', 'payments'],
  contract: realtimeContract,
  migrations: REALTIME_MIGRATIONS,
  config: realtimeConfig,
  routes: ['/v1/realtime'],
  apiTags: [{ name: 'realtime', description: "The realtime gateway: a WebSocket pushing the caller's own balance changes and notifications." }],
});
