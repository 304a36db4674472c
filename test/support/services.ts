import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ServiceUrls {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly kafkaBrokers: string;
}

/**
 * The real PostgreSQL, Redis and Kafka the e2e tests run against: from the environment,
 * or from the env file `scripts/services.sh up` writes.
 */
export function serviceUrls(): ServiceUrls {
  const stateFile = join(process.env['SKYRO_STATE_DIR'] ?? '/tmp/skyro-services', 'env');
  const fromFile: Record<string, string> = {};
  if (existsSync(stateFile)) {
    for (const line of readFileSync(stateFile, 'utf8').split('\n')) {
      const match = /^(?:export\s+)?([A-Z_]+)=(.*)$/.exec(line.trim());
      if (match) fromFile[match[1]!] = match[2]!.replace(/^['"]|['"]$/g, '');
    }
  }
  const pick = (name: string) => {
    const value = process.env[`SKYRO_TEST_${name}`] ?? fromFile[name];
    if (!value) throw new Error(`${name} for tests is unknown: run "scripts/services.sh up" first (or set SKYRO_TEST_${name})`);
    return value;
  };
  return { databaseUrl: pick('DATABASE_URL'), redisUrl: pick('REDIS_URL'), kafkaBrokers: pick('KAFKA_BROKERS') };
}
