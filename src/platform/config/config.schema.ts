import { z } from 'zod';
import { bool, int, list, url } from './config-slice';

/**
 * A JSON array of EC P-256 JSON Web Keys, the only keys of ES256 tokens (ADR 14): private
 * ones (`d`) to sign, public ones to verify only. The key material itself (a point on the
 * curve, `d` matching it) is checked when the key ring is built.
 */
const p256JwkList = (kind: 'private' | 'public') =>
  z.string().transform((value, ctx) => {
    const message = `must be a JSON array of EC P-256 ${kind} JSON Web Keys (kty "EC", crv "P-256"${kind === 'private' ? ', with d' : ', without d'}; alg ES256 if given)`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = undefined;
    }
    const isKey = (k: unknown): k is Record<string, string> => {
      if (typeof k !== 'object' || k === null || Array.isArray(k)) return false;
      const jwk = k as Record<string, unknown>;
      const optional = (name: string, allowed?: string) =>
        jwk[name] === undefined || (typeof jwk[name] === 'string' && (allowed === undefined ? jwk[name] !== '' : jwk[name] === allowed));
      return (
        jwk['kty'] === 'EC' &&
        jwk['crv'] === 'P-256' &&
        typeof jwk['x'] === 'string' &&
        typeof jwk['y'] === 'string' &&
        // Verify-only keys are public: private material there would be a secret in the wrong place.
        (kind === 'private' ? typeof jwk['d'] === 'string' : jwk['d'] === undefined) &&
        optional('alg', 'ES256') &&
        optional('use', 'sig') &&
        optional('kid')
      );
    };
    if (Array.isArray(parsed) && (kind === 'public' || parsed.length > 0) && parsed.every(isKey)) return parsed;
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  });

const brokerList = list.pipe(
  z.array(z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'must be a comma-separated list of host:port')).min(1, 'must name at least one broker'),
);

/**
 * Every variable the platform reads, with its default (each context adds its own slice,
 * see config-slice.ts). Unknown variables are ignored; a wrong value stops the process
 * with one line naming the variable (see loadConfig).
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: int(0, 65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MODULES: z.string().default('all'),

  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  DATABASE_POOL_MAX: int(1, 1000).default(20),
  DATABASE_STATEMENT_TIMEOUT_MS: int(0, 3_600_000).default(30_000),
  DATABASE_CONNECT_TIMEOUT_MS: int(100, 600_000).default(10_000),
  DATABASE_MIGRATE_ON_BOOT: bool.optional(),
  DATABASE_USE_APP_ROLE: bool.default(true),
  EMBEDDED_DATA_DIR: z.string().min(1).default('.data'),

  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._:-]*$/, 'may only hold letters, digits, ".", "_", ":" and "-"')
    .default(''),

  KAFKA_BROKERS: brokerList.optional(),
  KAFKA_CLIENT_ID: z.string().min(1).default('skyro-core'),
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/, 'may only hold letters, digits, ".", "_" and "-"')
    .default(''),
  KAFKA_SSL: bool.default(false),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: z.string().optional(),
  KAFKA_TOPIC_PARTITIONS: int(1, 1000).default(6),
  KAFKA_REPLICATION_FACTOR: int(1, 10).optional(),

  OUTBOX_POLL_INTERVAL_MS: int(10, 60_000).default(250),
  OUTBOX_BATCH_SIZE: int(1, 10_000).default(500),
  CONSUMER_MAX_ATTEMPTS: int(1, 100).default(5),
  CONSUMER_RETRY_BASE_MS: int(1, 60_000).default(200),

  BODY_LIMIT_BYTES: int(1024, 100 * 1024 * 1024).default(1024 * 1024),
  CORS_ORIGINS: list.default([]),
  TRUST_PROXY: bool.default(false),
  SHUTDOWN_GRACE_MS: int(0, 300_000).default(25_000),
  DOCS_ENABLED: bool.default(true),

  AUTH_ISSUER: z.string().min(1).default('http://127.0.0.1:3000'),
  AUTH_AUDIENCE: z.string().min(1).default('skyro-api'),
  AUTH_SIGNING_KEYS: p256JwkList('private').optional(),
  AUTH_VERIFICATION_KEYS: p256JwkList('public').optional(),
  AUTH_ACCESS_TOKEN_TTL_SECONDS: int(30, 86_400).default(600),
  AUTH_REFRESH_TOKEN_TTL_SECONDS: int(300, 31_536_000).default(2_592_000),

  BUS_SERVE: bool.optional(),
  BUS_CALL_TIMEOUT_MS: int(100, 120_000).default(5_000),
  BUS_TOPIC_PARTITIONS: int(1, 1000).default(12),
  BUS_CONCURRENCY: int(1, 10_000).default(64),

  OTEL_EXPORTER_OTLP_ENDPOINT: url(['http:', 'https:']).optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('skyro-core'),
});

export type Env = z.infer<typeof envSchema>;
