import type { z } from 'zod';
import { bool, ConfigError, int, key32, type ConfigReadContext } from '@platform/config/config-slice';

/*
 * The outbound webhooks' settings (NOTIFICATIONS_WEBHOOKS_*), part of the notifications
 * context's configuration slice (notifications.config.ts spreads the variables and reads
 * them with readWebhooksConfig).
 */
export const WEBHOOKS_CONFIG_VARIABLES = {
  NOTIFICATIONS_WEBHOOKS_ALLOW_LOOPBACK: bool.default(false),
  NOTIFICATIONS_WEBHOOKS_ALLOW_HTTP: bool.default(false),
  NOTIFICATIONS_WEBHOOKS_TIMEOUT_MS: int(100, 60_000).default(15_000),
  NOTIFICATIONS_WEBHOOKS_POLL_INTERVAL_MS: int(20, 60_000).default(1_000),
  NOTIFICATIONS_WEBHOOKS_BATCH_SIZE: int(1, 500).default(50),
  NOTIFICATIONS_WEBHOOKS_MAX_PAYLOAD_BYTES: int(1_024, 1_048_576).default(262_144),
  NOTIFICATIONS_WEBHOOKS_ROTATION_WINDOW_SECONDS: int(0, 604_800).default(86_400),
  NOTIFICATIONS_WEBHOOKS_MAX_ENDPOINTS_PER_CLIENT: int(1, 1_000).default(20),
  NOTIFICATIONS_WEBHOOKS_SECRET_KEY: key32.optional(),
};

export interface WebhooksConfig {
  /** Tests only: 127.0.0.1 (exactly) is a permitted target. Refused in production. */
  readonly allowLoopback: boolean;
  /** Tests only: http:// URLs are permitted. Refused in production. */
  readonly allowHttp: boolean;
  /** Per attempt: connecting, sending and the receiver's answer. */
  readonly timeoutMs: number;
  /** How often each process looks for due deliveries (a new message is also attempted at once). */
  readonly pollIntervalMs: number;
  /** Deliveries attempted at once per process and round. */
  readonly batchSize: number;
  /** A payload larger than this is recorded as failed instead of sent. */
  readonly maxPayloadBytes: number;
  /** How long a rotated-out secret still signs (both signatures are sent meanwhile), unless the request names a window. */
  readonly rotationWindowSeconds: number;
  readonly maxEndpointsPerClient: number;
  /** AES-256-GCM key of the stored signing secrets; without it (never in production) a fixed development key. */
  readonly secretKey: Buffer | undefined;
}

type Variables = z.output<z.ZodObject<typeof WEBHOOKS_CONFIG_VARIABLES>>;

export function readWebhooksConfig(e: Variables, { env }: ConfigReadContext): WebhooksConfig {
  if (env === 'production') {
    if (e.NOTIFICATIONS_WEBHOOKS_ALLOW_LOOPBACK) throw new ConfigError('Invalid configuration: NOTIFICATIONS_WEBHOOKS_ALLOW_LOOPBACK is refused in production');
    if (e.NOTIFICATIONS_WEBHOOKS_ALLOW_HTTP) throw new ConfigError('Invalid configuration: NOTIFICATIONS_WEBHOOKS_ALLOW_HTTP is refused in production');
    if (!e.NOTIFICATIONS_WEBHOOKS_SECRET_KEY) throw new ConfigError('Invalid configuration: NOTIFICATIONS_WEBHOOKS_SECRET_KEY is required in production');
  }
  return {
    allowLoopback: e.NOTIFICATIONS_WEBHOOKS_ALLOW_LOOPBACK,
    allowHttp: e.NOTIFICATIONS_WEBHOOKS_ALLOW_HTTP,
    timeoutMs: e.NOTIFICATIONS_WEBHOOKS_TIMEOUT_MS,
    pollIntervalMs: e.NOTIFICATIONS_WEBHOOKS_POLL_INTERVAL_MS,
    batchSize: e.NOTIFICATIONS_WEBHOOKS_BATCH_SIZE,
    maxPayloadBytes: e.NOTIFICATIONS_WEBHOOKS_MAX_PAYLOAD_BYTES,
    rotationWindowSeconds: e.NOTIFICATIONS_WEBHOOKS_ROTATION_WINDOW_SECONDS,
    maxEndpointsPerClient: e.NOTIFICATIONS_WEBHOOKS_MAX_ENDPOINTS_PER_CLIENT,
    secretKey: e.NOTIFICATIONS_WEBHOOKS_SECRET_KEY,
  };
}
