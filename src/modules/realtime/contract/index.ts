import { defineContract } from '@shared-kernel';

/**
 * The realtime context offers other contexts nothing on the bus: it only listens to their
 * events (application/realtime-events.ts) and speaks WebSocket to clients (docs/realtime.md).
 */
export const realtimeContract = defineContract({});
