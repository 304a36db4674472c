import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('runs with no configuration at all: embedded database, memory cache, in-process events', () => {
    const config = loadConfig({});
    expect(config.database.url).toBeUndefined();
    expect(config.database.migrateOnBoot).toBe(true);
    expect(config.redisUrl).toBeUndefined();
    expect(config.kafka).toBeUndefined();
    expect(config.modules).toBe('all');
    expect(config.http).toMatchObject({ host: '127.0.0.1', port: 3000, bodyLimitBytes: 1_048_576, corsOrigins: [] });
  });

  it('switches to the real services when their variables are set', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u:p@db:5432/skyro',
      REDIS_URL: 'redis://cache:6379',
      KAFKA_BROKERS: 'k1:9092, k2:9092',
      MODULES: 'ledger, accounts',
    });
    expect(config.database.url).toBe('postgres://u:p@db:5432/skyro');
    expect(config.database.migrateOnBoot).toBe(false);
    expect(config.redisUrl).toBe('redis://cache:6379');
    expect(config.kafka?.brokers).toEqual(['k1:9092', 'k2:9092']);
    expect(config.modules).toEqual(['ledger', 'accounts']);
  });

  it.each([
    [{ PORT: 'abc' }, 'Invalid configuration: PORT must be a whole number'],
    [{ PORT: '70000' }, 'Invalid configuration: PORT must be at most 65535'],
    [{ DATABASE_URL: 'mysql://x' }, 'Invalid configuration: DATABASE_URL must be a URL with scheme postgres:// or postgresql://'],
    [{ REDIS_URL: 'localhost:6379' }, 'Invalid configuration: REDIS_URL must be a URL with scheme redis:// or rediss://'],
    [{ KAFKA_BROKERS: 'kafka' }, 'Invalid configuration: KAFKA_BROKERS must be a comma-separated list of host:port'],
    [{ LOG_LEVEL: 'loud' }, 'Invalid configuration: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent'],
    [{ KAFKA_SSL: 'maybe' }, 'Invalid configuration: KAFKA_SSL must be true or false'],
    [{ MODULES: ' , ' }, 'Invalid configuration: MODULES must be "all" or a comma-separated list of context names'],
    [{ KAFKA_BROKERS: 'k:9092', KAFKA_SASL_MECHANISM: 'plain' }, 'Invalid configuration: KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required when KAFKA_SASL_MECHANISM is set'],
  ])('stops on %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(new ConfigError(message));
  });

  it('never echoes the offending value (it may hold a password)', () => {
    try {
      loadConfig({ DATABASE_URL: 'mysql://admin:s3cr3t@db/x' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect((error as Error).message).not.toContain('s3cr3t');
      expect((error as Error).message.split('\n')).toHaveLength(1);
    }
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).database.url).toBeUndefined();
  });
});
