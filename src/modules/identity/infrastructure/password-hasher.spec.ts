import { loadConfig, settingsOf } from '@platform/config/app-config';
import { identityConfig } from '../identity.config';
import { PasswordHasher } from './password-hasher';

describe('PasswordHasher (argon2id on a bounded worker pool)', () => {
  const hasher = new PasswordHasher(
    settingsOf(
      loadConfig({ IDENTITY_ARGON2_MEMORY_KIB: '8192', IDENTITY_ARGON2_ITERATIONS: '1', IDENTITY_ARGON2_WORKERS: '1', IDENTITY_ARGON2_MAX_QUEUE: '2' }, [
        { name: 'identity', config: identityConfig },
      ]),
      identityConfig,
    ),
  );
  afterAll(() => hasher.onModuleDestroy());

  it('hashes with argon2id and the configured parameters, and verifies', async () => {
    const hash = await hasher.hash('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=8192,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await hasher.verify(hash, 'correct horse battery staple')).toBe(true);
    expect(await hasher.verify(hash, 'correct horse battery stapler')).toBe(false);
    expect(hasher.needsRehash(hash)).toBe(false);
    expect(hasher.needsRehash(hash.replace('m=8192', 'm=4096'))).toBe(true);
  });

  it('salts every hash', async () => {
    expect(await hasher.hash('same password here')).not.toBe(await hasher.hash('same password here'));
  });

  it('turns work away with AUTH_BUSY when the queue is full, instead of piling it up', async () => {
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => hasher.hash('queue me please')));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3); // one running, two queued
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).toHaveLength(3);
    expect(rejected[0]!.reason).toMatchObject({ kind: 'unavailable', code: 'AUTH_BUSY', details: { retryAfterSeconds: 1 } });
  });

  it('treats a malformed stored hash as an error, not as a match', async () => {
    await expect(hasher.verify('$argon2id$v=19$garbage', 'x')).rejects.toThrow('password hashing failed');
  });
});
