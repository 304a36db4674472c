import { defineConfig, int, type ConfigOf } from '@platform/config/config-slice';

/**
 * The realtime gateway's settings (REALTIME_* variables), validated at boot by every process
 * that runs the context. docs/realtime.md explains each bound.
 */
export const realtimeConfig = defineConfig(
  'realtime',
  {
    REALTIME_HISTORY_SIZE: int(0, 10_000).default(100),
    REALTIME_HISTORY_TTL_SECONDS: int(1, 86_400).default(900),
    REALTIME_MAX_BUFFERED_BYTES: int(1024, 64 * 1024 * 1024).default(1024 * 1024),
    REALTIME_MAX_FRAME_BYTES: int(256, 1024 * 1024).default(16 * 1024),
    REALTIME_HEARTBEAT_MS: int(100, 300_000).default(30_000),
    REALTIME_AUTH_TIMEOUT_MS: int(100, 60_000).default(10_000),
    REALTIME_SESSION_RECHECK_MS: int(100, 3_600_000).default(60_000),
    REALTIME_MAX_CONNECTIONS_PER_USER: int(1, 1000).default(20),
    REALTIME_MAX_MESSAGES_PER_10S: int(1, 10_000).default(50),
  },
  (e) => ({
    /** Events kept per user for resuming after a reconnect (0: no history)... */
    historySize: e.REALTIME_HISTORY_SIZE,
    /** ...and for how long after the last one (the per-user history expires as a whole). */
    historyTtlMs: e.REALTIME_HISTORY_TTL_SECONDS * 1000,
    /** A connection whose unsent bytes exceed this is a slow consumer and is closed (4408). */
    maxBufferedBytes: e.REALTIME_MAX_BUFFERED_BYTES,
    /** Larger client frames are refused with close code 1009. */
    maxFrameBytes: e.REALTIME_MAX_FRAME_BYTES,
    /** Every connection is pinged this often; one that has not answered the previous ping is dropped. */
    heartbeatMs: e.REALTIME_HEARTBEAT_MS,
    /** A connection not authenticated within this time is closed (4401). */
    authTimeoutMs: e.REALTIME_AUTH_TIMEOUT_MS,
    /** Backstop for missed revocation notices: every session held is looked up again this often. */
    sessionRecheckMs: e.REALTIME_SESSION_RECHECK_MS,
    maxConnectionsPerUser: e.REALTIME_MAX_CONNECTIONS_PER_USER,
    /** Client frames allowed per connection per 10 s (pings and token refreshes included); beyond, 4429. */
    maxMessagesPer10s: e.REALTIME_MAX_MESSAGES_PER_10S,
  }),
);
export type RealtimeConfig = ConfigOf<typeof realtimeConfig>;
