import { resolve } from 'node:path';
import { z } from 'zod';
import { envSchema } from './config.schema';

export interface KafkaConfig {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly topicPrefix: string;
  readonly ssl: boolean;
  readonly sasl?: { readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; readonly username: string; readonly password: string };
  readonly partitions: number;
  readonly replicationFactor?: number;
}

export interface IdentityConfig {
  /** Key-encryption keys for personal data (first active). Absent: see auth.keysFile's neighbour, or ephemeral in tests. */
  readonly piiKeys?: ReadonlyArray<{ readonly kid: string; readonly key: Buffer }>;
  /** HMAC key of the blind indexes (email lookup). Absent like piiKeys. */
  readonly blindIndexKey?: Buffer;
  /** Without configured keys: development keeps generated keys here; tests use ephemeral ones. */
  readonly keysFile: string;
  readonly argon2: {
    readonly memoryKib: number;
    readonly iterations: number;
    readonly parallelism: number;
    /** Hashes computed at once (worker threads); more wait in a bounded queue. */
    readonly workers: number;
    readonly maxQueue: number;
    readonly maxWaitMs: number;
  };
  readonly login: { readonly accountMaxFailures: number; readonly ipMaxFailures: number; readonly failureWindowSeconds: number };
  readonly publicIpLimitPerMinute: number;
  readonly emailTokenTtlSeconds: number;
  readonly passwordResetTtlSeconds: number;
  readonly webauthn: { readonly rpId: string; readonly rpName: string; readonly origins: readonly string[] };
}

/** Typed, validated configuration; the only place that reads process.env. */
export interface AppConfig {
  readonly env: 'development' | 'test' | 'production';
  readonly http: {
    readonly host: string;
    readonly port: number;
    readonly bodyLimitBytes: number;
    readonly corsOrigins: readonly string[];
    readonly trustProxy: boolean;
    readonly docsEnabled: boolean;
  };
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** `all`, or the context names this process runs. */
  readonly modules: 'all' | readonly string[];
  readonly database: {
    /** Absent: the embedded PostgreSQL under `embeddedDataDir` is started. */
    readonly url?: string;
    readonly poolMax: number;
    readonly statementTimeoutMs: number;
    readonly migrateOnBoot: boolean;
    /** Run as the restricted `skyro_app` role (SET ROLE at connect); migrations run as the login user. */
    readonly useAppRole: boolean;
    readonly embeddedDataDir: string;
  };
  /** Absent: in-process cache. */
  readonly redisUrl?: string;
  /** Prepended to every Redis key (several deployments or test runs sharing one Redis). */
  readonly redisKeyPrefix: string;
  /** Absent: events are delivered to in-process subscribers. */
  readonly kafka?: KafkaConfig;
  readonly outbox: { readonly pollIntervalMs: number; readonly batchSize: number };
  readonly consumers: { readonly maxAttempts: number; readonly retryBaseMs: number };
  readonly auth: {
    readonly issuer: string;
    readonly audience: string;
    /** EC P-256 private JWKs (ES256): the first signs, all verify. Absent: see keysFile. */
    readonly signingKeys?: ReadonlyArray<Record<string, string>>;
    /** Extra EC P-256 public JWKs that verify only (pods that never sign, or a retiring key). */
    readonly verificationKeys: ReadonlyArray<Record<string, string>>;
    readonly accessTokenTtlSeconds: number;
    readonly refreshTokenTtlSeconds: number;
    /** Without configured keys: development keeps a generated key here; tests use an ephemeral one. */
    readonly keysFile: string;
  };
  readonly ledger: {
    /** Ledger batches one process commits at the same time (group commit pipelines). */
    readonly commitConcurrency: number;
  };
  readonly identity: IdentityConfig;
  readonly accounts: {
    /** Currencies accounts may be opened in. */
    readonly currencies: readonly string[];
    /** Bank code (BLZ) in the German-format IBANs of EUR accounts. */
    readonly ibanBankCode: string;
    /** Overdraft policy in minor units: given to new checking accounts, and the most staff may grant. Savings: never. */
    readonly checkingOverdraftLimit: bigint;
    readonly checkingMaxOverdraft: bigint;
  };
  readonly shutdownGraceMs: number;
  readonly tracing: { readonly otlpEndpoint?: string; readonly serviceName: string };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads and validates the environment; throws ConfigError whose message is one line naming the variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  // Empty strings count as unset: `FOO=` in a shell or a chart means "no value".
  const env = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(describe(parsed.error));
  const e = parsed.data;

  const sasl = e.KAFKA_SASL_MECHANISM;
  if (sasl && (!e.KAFKA_SASL_USERNAME || !e.KAFKA_SASL_PASSWORD)) {
    throw new ConfigError('Invalid configuration: KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required when KAFKA_SASL_MECHANISM is set');
  }
  if (e.NODE_ENV === 'production' && !e.AUTH_SIGNING_KEYS && !e.AUTH_VERIFICATION_KEYS) {
    throw new ConfigError('Invalid configuration: AUTH_SIGNING_KEYS (or AUTH_VERIFICATION_KEYS on verify-only pods) is required in production');
  }
  const runsIdentity = e.MODULES.trim() === 'all' || e.MODULES.split(',').some((m) => m.trim() === 'identity');
  if (e.NODE_ENV === 'production' && runsIdentity && (!e.IDENTITY_PII_KEYS || !e.IDENTITY_BLIND_INDEX_KEY)) {
    throw new ConfigError('Invalid configuration: IDENTITY_PII_KEYS and IDENTITY_BLIND_INDEX_KEY are required in production');
  }
  if (e.ACCOUNTS_CHECKING_OVERDRAFT_LIMIT > e.ACCOUNTS_CHECKING_MAX_OVERDRAFT) {
    throw new ConfigError('Invalid configuration: ACCOUNTS_CHECKING_OVERDRAFT_LIMIT must not exceed ACCOUNTS_CHECKING_MAX_OVERDRAFT');
  }
  const modules = e.MODULES.trim() === 'all' ? 'all' : e.MODULES.split(',').map((m) => m.trim()).filter(Boolean);
  if (modules !== 'all' && modules.length === 0) {
    throw new ConfigError('Invalid configuration: MODULES must be "all" or a comma-separated list of context names');
  }

  return {
    env: e.NODE_ENV,
    http: {
      host: e.HOST,
      port: e.PORT,
      bodyLimitBytes: e.BODY_LIMIT_BYTES,
      corsOrigins: e.CORS_ORIGINS,
      trustProxy: e.TRUST_PROXY,
      docsEnabled: e.DOCS_ENABLED,
    },
    logLevel: e.LOG_LEVEL,
    modules,
    database: {
      url: e.DATABASE_URL,
      poolMax: e.DATABASE_POOL_MAX,
      statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
      // The embedded database belongs to this process, so it migrates itself; a shared
      // database is migrated by the deploy's migration job unless told otherwise.
      migrateOnBoot: e.DATABASE_MIGRATE_ON_BOOT ?? e.DATABASE_URL === undefined,
      useAppRole: e.DATABASE_USE_APP_ROLE,
      embeddedDataDir: resolve(e.EMBEDDED_DATA_DIR),
    },
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    kafka: e.KAFKA_BROKERS
      ? {
          brokers: e.KAFKA_BROKERS,
          clientId: e.KAFKA_CLIENT_ID,
          topicPrefix: e.KAFKA_TOPIC_PREFIX,
          ssl: e.KAFKA_SSL,
          sasl: sasl ? { mechanism: sasl, username: e.KAFKA_SASL_USERNAME!, password: e.KAFKA_SASL_PASSWORD! } : undefined,
          partitions: e.KAFKA_TOPIC_PARTITIONS,
          replicationFactor: e.KAFKA_REPLICATION_FACTOR,
        }
      : undefined,
    outbox: { pollIntervalMs: e.OUTBOX_POLL_INTERVAL_MS, batchSize: e.OUTBOX_BATCH_SIZE },
    consumers: { maxAttempts: e.CONSUMER_MAX_ATTEMPTS, retryBaseMs: e.CONSUMER_RETRY_BASE_MS },
    auth: {
      issuer: e.AUTH_ISSUER,
      audience: e.AUTH_AUDIENCE,
      signingKeys: e.AUTH_SIGNING_KEYS,
      verificationKeys: e.AUTH_VERIFICATION_KEYS ?? [],
      accessTokenTtlSeconds: e.AUTH_ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: e.AUTH_REFRESH_TOKEN_TTL_SECONDS,
      keysFile: resolve(e.EMBEDDED_DATA_DIR, 'auth-keys.json'),
    },
    ledger: { commitConcurrency: e.LEDGER_COMMIT_CONCURRENCY },
    identity: {
      piiKeys: e.IDENTITY_PII_KEYS,
      blindIndexKey: e.IDENTITY_BLIND_INDEX_KEY,
      keysFile: resolve(e.EMBEDDED_DATA_DIR, 'identity-keys.json'),
      argon2: {
        memoryKib: e.IDENTITY_ARGON2_MEMORY_KIB,
        iterations: e.IDENTITY_ARGON2_ITERATIONS,
        parallelism: e.IDENTITY_ARGON2_PARALLELISM,
        workers: e.IDENTITY_ARGON2_WORKERS,
        maxQueue: e.IDENTITY_ARGON2_MAX_QUEUE,
        maxWaitMs: e.IDENTITY_ARGON2_MAX_WAIT_MS,
      },
      login: {
        accountMaxFailures: e.IDENTITY_LOGIN_ACCOUNT_MAX_FAILURES,
        ipMaxFailures: e.IDENTITY_LOGIN_IP_MAX_FAILURES,
        failureWindowSeconds: e.IDENTITY_LOGIN_FAILURE_WINDOW_SECONDS,
      },
      publicIpLimitPerMinute: e.IDENTITY_PUBLIC_IP_LIMIT_PER_MINUTE,
      emailTokenTtlSeconds: e.IDENTITY_EMAIL_TOKEN_TTL_SECONDS,
      passwordResetTtlSeconds: e.IDENTITY_PASSWORD_RESET_TTL_SECONDS,
      webauthn: { rpId: e.IDENTITY_WEBAUTHN_RP_ID, rpName: e.IDENTITY_WEBAUTHN_RP_NAME, origins: e.IDENTITY_WEBAUTHN_ORIGINS },
    },
    accounts: {
      currencies: e.ACCOUNTS_CURRENCIES,
      ibanBankCode: e.ACCOUNTS_IBAN_BANK_CODE,
      checkingOverdraftLimit: e.ACCOUNTS_CHECKING_OVERDRAFT_LIMIT,
      checkingMaxOverdraft: e.ACCOUNTS_CHECKING_MAX_OVERDRAFT,
    },
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    tracing: { otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: e.OTEL_SERVICE_NAME },
  };
}

function describe(error: z.ZodError): string {
  // One line, first problem only: the operator fixes one variable at a time anyway.
  const issue = error.issues[0]!;
  const variable = String(issue.path[0] ?? 'environment');
  // Zod's own enum message is generic; ours (set in the schema) are kept as written.
  const message = issue.code === 'invalid_value' && 'values' in issue && issue.message.startsWith('Invalid')
    ? `must be one of ${(issue.values as unknown[]).join(', ')}`
    : issue.message;
  return `Invalid configuration: ${variable} ${message}`;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
