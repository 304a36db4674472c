import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, defineConfig, int, key32, keyMap, list, type ConfigOf } from '@platform/config/config-slice';

/** The identity context's settings (IDENTITY_* variables). */
export const identityConfig = defineConfig(
  'identity',
  {
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
  },
  (e, { env, dataDir }) => {
    if (env === 'production' && (!e.IDENTITY_PII_KEYS || !e.IDENTITY_BLIND_INDEX_KEY)) {
      throw new ConfigError('Invalid configuration: IDENTITY_PII_KEYS and IDENTITY_BLIND_INDEX_KEY are required in production');
    }
    return {
      env,
      /** Key-encryption keys for personal data (first active). Absent: see keysFile, or ephemeral in tests. */
      piiKeys: e.IDENTITY_PII_KEYS,
      /** HMAC key of the blind indexes (email lookup). Absent like piiKeys. */
      blindIndexKey: e.IDENTITY_BLIND_INDEX_KEY,
      /** Without configured keys: development keeps generated keys here; tests use ephemeral ones. */
      keysFile: join(dataDir, 'identity-keys.json'),
      argon2: {
        memoryKib: e.IDENTITY_ARGON2_MEMORY_KIB,
        iterations: e.IDENTITY_ARGON2_ITERATIONS,
        parallelism: e.IDENTITY_ARGON2_PARALLELISM,
        /** Hashes computed at once (worker threads); more wait in a bounded queue. */
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
    };
  },
);
export type IdentityConfig = ConfigOf<typeof identityConfig>;
