import { resolve } from 'node:path';
import { envSchema } from './config.schema';
import { ConfigError, describeConfigError, url, type ConfigSlice } from './config-slice';

export interface KafkaConfig {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly topicPrefix: string;
  readonly ssl: boolean;
  readonly sasl?: { readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; readonly username: string; readonly password: string };
  readonly partitions: number;
  readonly replicationFactor?: number;
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
  /** With `all`: contexts this process leaves to other deployments (`MODULES=all,-ledger`). */
  readonly excludedModules: readonly string[];
  readonly database: {
    /** Absent: the embedded PostgreSQL under `embeddedDataDir` is started. */
    readonly url?: string;
    readonly poolMax: number;
    readonly statementTimeoutMs: number;
    /** How long a query waits for a connection before failing as 503 DATABASE_UNAVAILABLE. */
    readonly connectTimeoutMs: number;
    readonly migrateOnBoot: boolean;
    /** Run as the restricted `skyro_app` role (SET ROLE at connect); migrations run as the login user. */
    readonly useAppRole: boolean;
    readonly embeddedDataDir: string;
    /** Contexts with a database of their own (`<NAME>_DATABASE_URL`); the others use `url`. */
    readonly contextUrls: Readonly<Record<string, string>>;
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
  /** Commands and queries between processes (contexts that run elsewhere are reached over Kafka). */
  readonly bus: {
    /** Serve this process's contexts to other processes (needs Kafka). */
    readonly serve: boolean;
    /** Longest wait for a remote answer before the caller gets 503 CONTEXT_UNAVAILABLE. */
    readonly callTimeoutMs: number;
    readonly partitions: number;
    /** Requests one process handles at once (partitions consumed concurrently). */
    readonly concurrency: number;
  };
  /** Settings of the contexts' own configuration slices, by context name (those this process validated). */
  readonly contextSettings: ReadonlyMap<string, unknown>;
  readonly shutdownGraceMs: number;
  readonly tracing: { readonly otlpEndpoint?: string; readonly serviceName: string };
}

export { ConfigError } from './config-slice';

/** A context as configuration sees it: its name and its slice, if it has one. */
export interface ConfiguredContext {
  readonly name: string;
  readonly config?: ConfigSlice<unknown>;
}

/**
 * Reads and validates the environment; throws ConfigError whose message is one line naming
 * the variable. `contexts` are the contexts this codebase has: MODULES must name some of
 * them, and the slices of those it selects are validated too (a process is not stopped by
 * a setting of a context it does not run).
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env, contexts: readonly ConfiguredContext[] = []): AppConfig {
  // Empty strings count as unset: `FOO=` in a shell or a chart means "no value".
  const env = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(describeConfigError(parsed.error));
  const e = parsed.data;

  const sasl = e.KAFKA_SASL_MECHANISM;
  if (sasl && (!e.KAFKA_SASL_USERNAME || !e.KAFKA_SASL_PASSWORD)) {
    throw new ConfigError('Invalid configuration: KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required when KAFKA_SASL_MECHANISM is set');
  }
  if (e.NODE_ENV === 'production' && !e.AUTH_SIGNING_KEYS && !e.AUTH_VERIFICATION_KEYS) {
    throw new ConfigError('Invalid configuration: AUTH_SIGNING_KEYS (or AUTH_VERIFICATION_KEYS on verify-only pods) is required in production');
  }
  // `all`, a list of contexts, or `all,-a,-b`: every context but those (the rest of a split deployment).
  const entries = e.MODULES.split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  const excludedModules = entries.filter((m) => m.startsWith('-')).map((m) => m.slice(1));
  const named = entries.filter((m) => !m.startsWith('-'));
  const modules = named.length === 1 && named[0] === 'all' ? 'all' : named;
  if ((modules !== 'all' && (modules.length === 0 || modules.includes('all') || excludedModules.length > 0)) || excludedModules.includes('')) {
    throw new ConfigError(
      'Invalid configuration: MODULES must be "all", a comma-separated list of context names, or "all" followed by contexts to leave out (all,-ledger)',
    );
  }
  if (contexts.length > 0) {
    const known = new Set(contexts.map((c) => c.name));
    const unknown = [...(modules === 'all' ? [] : modules), ...excludedModules].find((name) => !known.has(name));
    if (unknown) throw new ConfigError(`Invalid configuration: MODULES names unknown context "${unknown}" (known: ${[...known].join(', ')})`);
  }
  const runs = (name: string) => (modules === 'all' ? !excludedModules.includes(name) : modules.includes(name));

  const dataDir = resolve(e.EMBEDDED_DATA_DIR);
  const contextSettings = new Map<string, unknown>();
  for (const context of contexts) {
    if (!context.config || !runs(context.name)) continue;
    const slice = context.config.variables.safeParse(env);
    if (!slice.success) throw new ConfigError(describeConfigError(slice.error));
    contextSettings.set(context.name, context.config.read(slice.data, { env: e.NODE_ENV, dataDir }));
  }
  const contextUrls: Record<string, string> = {};
  for (const context of contexts) {
    const variable = `${context.name.toUpperCase()}_DATABASE_URL`;
    const value = env[variable];
    if (value === undefined) continue;
    const checked = databaseUrl.safeParse(value);
    if (!checked.success) throw new ConfigError(`Invalid configuration: ${variable} ${checked.error.issues[0]!.message}`);
    contextUrls[context.name] = value;
  }
  if (Object.keys(contextUrls).length > 0 && !e.DATABASE_URL) {
    throw new ConfigError(
      `Invalid configuration: DATABASE_URL is required when a context has its own database (${Object.keys(contextUrls)
        .map((n) => `${n.toUpperCase()}_DATABASE_URL`)
        .join(', ')})`,
    );
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
    excludedModules,
    database: {
      url: e.DATABASE_URL,
      poolMax: e.DATABASE_POOL_MAX,
      statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
      connectTimeoutMs: e.DATABASE_CONNECT_TIMEOUT_MS,
      // The embedded database belongs to this process, so it migrates itself; a shared
      // database is migrated by the deploy's migration job unless told otherwise.
      migrateOnBoot: e.DATABASE_MIGRATE_ON_BOOT ?? e.DATABASE_URL === undefined,
      useAppRole: e.DATABASE_USE_APP_ROLE,
      embeddedDataDir: dataDir,
      contextUrls,
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
    bus: {
      // A process that runs only some contexts is part of a split deployment: others may call it.
      serve: e.BUS_SERVE ?? (e.KAFKA_BROKERS !== undefined && (modules !== 'all' || excludedModules.length > 0)),
      callTimeoutMs: e.BUS_CALL_TIMEOUT_MS,
      partitions: e.BUS_TOPIC_PARTITIONS,
      concurrency: e.BUS_CONCURRENCY,
    },
    contextSettings,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    tracing: { otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: e.OTEL_SERVICE_NAME },
  };
}

const databaseUrl = url(['postgres:', 'postgresql:']);

/** The settings of a context's configuration slice (the context must be one this process runs). */
export function settingsOf<T>(config: AppConfig, slice: ConfigSlice<T>): T {
  if (!config.contextSettings.has(slice.context)) throw new Error(`no settings for context ${slice.context}: it is not run by this process`);
  return config.contextSettings.get(slice.context) as T;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
