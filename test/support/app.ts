import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import request from 'supertest';
import { createApp, shutdown } from '@app/bootstrap';
import { loadConfig, type AppConfig } from '@platform/config/app-config';
import type { ContextManifest } from '@platform/context-definition';
import { KeyRing } from '@platform/auth/key-ring';
import { recordSecrets, secretsIn, secretsInAuthorization, suiteLogger } from './run-logs';
import { serviceUrls } from './services';

export interface TestAppOptions {
  /** The contexts this app runs. */
  readonly contexts: readonly ContextManifest[];
  /** Every context the app knows (default: those it runs); the others' contracts are reached over Kafka. */
  readonly available?: readonly ContextManifest[];
  readonly databaseUrl: string;
  /** Use the real Redis (default: in-process cache). */
  readonly redis?: boolean;
  /** Use the real Kafka with this topic prefix (default: in-process delivery). */
  readonly kafkaTopicPrefix?: string;
  readonly env?: Record<string, string>;
  /** Default: the run's log file at info (test/support/run-logs.ts), which the scan after the suite reads. */
  readonly logger?: Logger;
  /** Listen on a real port (default: supertest drives the server directly). */
  readonly listen?: boolean;
}

export interface TestApp {
  readonly app: NestFastifyApplication;
  readonly config: AppConfig;
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

// One signing key per test process, shared by every app it starts: several "pods" must
// accept each other's tokens, as they do in production.
let signingKeys: Promise<string> | undefined;
/** AUTH_SIGNING_KEYS of this test process (for child processes that must accept its tokens). */
export function testSigningKeys(): Promise<string> {
  signingKeys ??= KeyRing.generate().then(({ jwk }) => JSON.stringify([jwk]));
  return signingKeys;
}

export async function startTestApp(options: TestAppOptions): Promise<TestApp> {
  const services = serviceUrls();
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      PORT: '0',
      DATABASE_URL: options.databaseUrl,
      DATABASE_POOL_MAX: '10',
      OUTBOX_POLL_INTERVAL_MS: '50',
      CONSUMER_RETRY_BASE_MS: '20',
      AUTH_SIGNING_KEYS: await testSigningKeys(),
      // Several files and checkouts share one Redis: apps on the same (per-file) database
      // form one deployment and share a key space; other files' keys are invisible to them.
      ...(options.redis ? { REDIS_URL: services.redisUrl, REDIS_KEY_PREFIX: `${new URL(options.databaseUrl).pathname.slice(1)}:` } : {}),
      ...(options.kafkaTopicPrefix !== undefined
        ? { KAFKA_BROKERS: services.kafkaBrokers, KAFKA_TOPIC_PREFIX: options.kafkaTopicPrefix, KAFKA_TOPIC_PARTITIONS: '3' }
        : {}),
      ...options.env,
    },
    options.available ?? options.contexts,
  );
  const app = await createApp(config, { contexts: options.contexts, available: options.available, logger: options.logger ?? suiteLogger() });
  try {
    if (options.listen) await app.listen({ port: 0, host: '127.0.0.1' });
    else {
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
    }
  } catch (error) {
    // A half-started app still holds pools and timers: close it or jest never exits.
    await app.close().catch(() => undefined);
    throw error;
  }
  let closed = false;
  return {
    app,
    config,
    http: () => recording(request(app.getHttpServer())),
    async close() {
      if (closed) return;
      closed = true;
      await shutdown(app);
    },
  };
}

type Agent = ReturnType<typeof request>;

/**
 * supertest, noting every address, password and token a test sends or receives, so the log
 * scan after the suite can look for each of them by value (patterns alone cannot know a
 * password).
 */
function recording(agent: Agent): Agent {
  for (const method of ['get', 'post', 'put', 'patch', 'delete', 'options', 'head'] as const) {
    const open = agent[method].bind(agent);
    agent[method] = (url: string) => {
      const test = open(url);
      const send = test.send.bind(test);
      const set = test.set.bind(test) as (field: unknown, value?: unknown) => typeof test;
      test.send = (data?: string | object) => {
        recordSecrets(secretsIn(data));
        return send(data);
      };
      test.set = (field: unknown, value?: unknown) => {
        const headers = typeof field === 'string' ? { [field]: value } : ((field ?? {}) as Record<string, unknown>);
        for (const [name, v] of Object.entries(headers)) if (/^authorization$/i.test(name) && typeof v === 'string') recordSecrets(secretsInAuthorization(v));
        return set(field, value);
      };
      test.on('response', (res: { body?: unknown }) => recordSecrets(secretsIn(res.body)));
      return test;
    };
  }
  return agent;
}

/** A topic prefix unique to this test file and run, so files never share topics or groups. */
export function kafkaPrefix(tag: string): string {
  return `t${process.env['SKYRO_TEST_RUN_ID'] ?? 'adhoc'}-${tag}-${process.pid}.`;
}

export async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await probe();
    if (accept(last)) return last;
    if (Date.now() > deadline) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
}
