import { RealtimeSchema1796181741451 } from './1796181741451-realtime-schema';

/** The realtime context's migrations (schema `realtime`), named in its manifest. */
export const REALTIME_MIGRATIONS = [RealtimeSchema1796181741451];
