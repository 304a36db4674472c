import { generateKeyPairSync } from 'node:crypto';
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
    [
      { MODULES: ' , ' },
      'Invalid configuration: MODULES must be "all", a comma-separated list of context names, or "all" followed by contexts to leave out (all,-ledger)',
    ],
    [
      { MODULES: 'ledger,-accounts' },
      'Invalid configuration: MODULES must be "all", a comma-separated list of context names, or "all" followed by contexts to leave out (all,-ledger)',
    ],
    [
      { KAFKA_BROKERS: 'k:9092', KAFKA_SASL_MECHANISM: 'plain' },
      'Invalid configuration: KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required when KAFKA_SASL_MECHANISM is set',
    ],
  ])('stops on %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(new ConfigError(message));
  });

  describe('AUTH_SIGNING_KEYS and AUTH_VERIFICATION_KEYS: EC P-256 JSON Web Keys (ES256)', () => {
    const ec = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }) as Record<string, string>;
    const ed25519 = () => generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }) as Record<string, string>;
    const publicPart = ({ d: _d, ...pub }: Record<string, string>) => pub;
    const signing =
      'Invalid configuration: AUTH_SIGNING_KEYS must be a JSON array of EC P-256 private JSON Web Keys (kty "EC", crv "P-256", with d; alg ES256 if given)';
    const verifying =
      'Invalid configuration: AUTH_VERIFICATION_KEYS must be a JSON array of EC P-256 public JSON Web Keys (kty "EC", crv "P-256", without d; alg ES256 if given)';

    it('accepts private P-256 keys to sign and public ones to verify', () => {
      const key = { ...ec(), kid: 'k1', alg: 'ES256', use: 'sig' };
      const old = publicPart(ec());
      const config = loadConfig({ AUTH_SIGNING_KEYS: JSON.stringify([key]), AUTH_VERIFICATION_KEYS: JSON.stringify([old]) });
      expect(config.auth.signingKeys).toEqual([key]);
      expect(config.auth.verificationKeys).toEqual([old]);
    });

    it.each([
      ['the Ed25519 key of the previous release', () => ({ AUTH_SIGNING_KEYS: JSON.stringify([ed25519()]) }), signing],
      ['a public key to sign with', () => ({ AUTH_SIGNING_KEYS: JSON.stringify([publicPart(ec())]) }), signing],
      ['an empty list of signing keys', () => ({ AUTH_SIGNING_KEYS: '[]' }), signing],
      ['a P-256 key for another algorithm', () => ({ AUTH_SIGNING_KEYS: JSON.stringify([{ ...ec(), alg: 'ES384' }]) }), signing],
      ['not JSON', () => ({ AUTH_SIGNING_KEYS: '{"kty":' }), signing],
      ['an object rather than an array', () => ({ AUTH_SIGNING_KEYS: JSON.stringify(ec()) }), signing],
      ['an Ed25519 key to verify with', () => ({ AUTH_VERIFICATION_KEYS: JSON.stringify([publicPart(ed25519())]) }), verifying],
      ['a private key to verify with', () => ({ AUTH_VERIFICATION_KEYS: JSON.stringify([ec()]) }), verifying],
    ])('stops on %s with one line naming the variable, never the key', (_name, env, message) => {
      const variables = env();
      expect(() => loadConfig(variables)).toThrow(new ConfigError(message));
      try {
        loadConfig(variables);
      } catch (error) {
        const d = /"d":"([^"]+)"/.exec(Object.values(variables)[0]!)?.[1];
        if (d) expect((error as Error).message).not.toContain(d);
      }
    });
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

  it('runs every context but those left out with MODULES=all,-name (the rest of a split deployment)', () => {
    const config = loadConfig({ MODULES: 'all, -ledger', KAFKA_BROKERS: 'k:9092' }, [{ name: 'ledger' }, { name: 'accounts' }]);
    expect(config).toMatchObject({ modules: 'all', excludedModules: ['ledger'], bus: { serve: true } });
    expect(() => loadConfig({ MODULES: 'all,-ledgr' }, [{ name: 'ledger' }])).toThrow(
      'Invalid configuration: MODULES names unknown context "ledgr" (known: ledger)',
    );
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).database.url).toBeUndefined();
  });
});
