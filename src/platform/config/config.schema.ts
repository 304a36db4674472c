import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const url = (protocols: readonly string[]) =>
  z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be a URL with scheme ${protocols.map((p) => p.replace(':', '://')).join(' or ')}`);

const list = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

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
      const optional = (name: string, allowed?: string) => jwk[name] === undefined || (typeof jwk[name] === 'string' && (allowed === undefined ? jwk[name] !== '' : jwk[name] === allowed));
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

/** `{"kid": "<base64 of 32 bytes>", ...}`: AES-256 key-encryption keys, the first one active. */
const keyMap = z.string().transform((value, ctx) => {
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const entries = Object.entries(parsed as Record<string, unknown>);
      if (entries.length > 0 && entries.every(([kid, k]) => /^[A-Za-z0-9._-]{1,64}$/.test(kid) && typeof k === 'string' && Buffer.from(k, 'base64').length === 32)) {
        return entries.map(([kid, k]) => ({ kid, key: Buffer.from(k as string, 'base64') }));
      }
    }
  } catch {
    // reported below
  }
  ctx.addIssue({ code: 'custom', message: 'must be a JSON object of key ids to base64-encoded 32-byte keys' });
  return z.NEVER;
});

const key32 = z.string().refine((v) => Buffer.from(v, 'base64').length === 32, 'must be a base64-encoded 32-byte key').transform((v) => Buffer.from(v, 'base64'));

/** Money in configuration: minor units, a non-negative integer within Postgres bigint. */
const minorUnits = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,17})$/, 'must be a non-negative whole number of minor units')
  .transform((v) => BigInt(v));

const brokerList = list.pipe(
  z
    .array(z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'must be a comma-separated list of host:port'))
    .min(1, 'must name at least one broker'),
);

/**
 * Every variable the process reads, with its default. Unknown variables are ignored;
 * a wrong value stops the process with one line naming the variable (see loadConfig).
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
  DATABASE_MIGRATE_ON_BOOT: bool.optional(),
  DATABASE_USE_APP_ROLE: bool.default(true),
  EMBEDDED_DATA_DIR: z.string().min(1).default('.data'),

  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  REDIS_KEY_PREFIX: z.string().regex(/^[A-Za-z0-9._:-]*$/, 'may only hold letters, digits, ".", "_", ":" and "-"').default(''),

  KAFKA_BROKERS: brokerList.optional(),
  KAFKA_CLIENT_ID: z.string().min(1).default('skyro-core'),
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/, 'may only hold letters, digits, ".", "_" and "-"').default(''),
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

  LEDGER_COMMIT_CONCURRENCY: int(1, 16).default(2),

  IDENTITY_PII_KEYS: keyMap.optional(),
  IDENTITY_BLIND_INDEX_KEY: key32.optional(),
  IDENTITY_ARGON2_MEMORY_KIB: int(8192, 4_194_304).default(19_456),
  IDENTITY_ARGON2_ITERATIONS: int(1, 20).default(2),
  IDENTITY_ARGON2_PARALLELISM: int(1, 16).default(1),
  IDENTITY_ARGON2_WORKERS: int(1, 64).default(1),
  IDENTITY_ARGON2_MAX_QUEUE: int(0, 10_000).default(64),
  IDENTITY_ARGON2_MAX_WAIT_MS: int(10, 60_000).default(2_000),
  IDENTITY_LOGIN_ACCOUNT_MAX_FAILURES: int(1, 1000).default(5),
  IDENTITY_LOGIN_IP_MAX_FAILURES: int(1, 100_000).default(50),
  IDENTITY_LOGIN_FAILURE_WINDOW_SECONDS: int(1, 86_400).default(900),
  IDENTITY_PUBLIC_IP_LIMIT_PER_MINUTE: int(1, 1_000_000).default(120),
  IDENTITY_EMAIL_TOKEN_TTL_SECONDS: int(60, 604_800).default(86_400),
  IDENTITY_PASSWORD_RESET_TTL_SECONDS: int(60, 86_400).default(1_800),
  IDENTITY_WEBAUTHN_RP_ID: z.string().min(1).default('localhost'),
  IDENTITY_WEBAUTHN_RP_NAME: z.string().min(1).default('Skyro'),
  IDENTITY_WEBAUTHN_ORIGINS: list.default(['http://localhost:3000']),

  ACCOUNTS_CURRENCIES: list.pipe(z.array(z.string().regex(/^[A-Z]{3}$/, 'must be ISO 4217 codes, comma-separated')).min(1, 'must name at least one currency')).default(['EUR', 'USD', 'GBP']),
  ACCOUNTS_IBAN_BANK_CODE: z.string().regex(/^[1-9][0-9]{7}$/, 'must be an 8-digit German bank code (BLZ)').default('99900000'),
  ACCOUNTS_CHECKING_OVERDRAFT_LIMIT: minorUnits.default(0n),
  ACCOUNTS_CHECKING_MAX_OVERDRAFT: minorUnits.default(100_000n),

  OTEL_EXPORTER_OTLP_ENDPOINT: url(['http:', 'https:']).optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('skyro-core'),
});

export type Env = z.infer<typeof envSchema>;
