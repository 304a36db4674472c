import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { ConfigError } from '../config/app-config';
import { KeyRing } from './key-ring';

const jwkOf = (type: 'ec' | 'ed25519' | 'rsa', options: { namedCurve?: string } = {}): JWK => {
  const { privateKey } =
    type === 'ec'
      ? generateKeyPairSync('ec', { namedCurve: options.namedCurve ?? 'P-256' })
      : type === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : generateKeyPairSync('ed25519');
  return privateKey.export({ format: 'jwk' });
};
const publicOf = ({ d: _d, ...pub }: JWK): JWK => pub;

describe('KeyRing', () => {
  it('generates EC P-256 keys named by their thumbprint and publishes only their public part, for ES256', async () => {
    const { ring, jwk } = await KeyRing.generate();
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String), d: expect.any(String) });
    expect(jwk.kid).toBe(await calculateJwkThumbprint({ kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! }));
    expect(ring.signing?.kid).toBe(jwk.kid);
    expect(ring.signing?.privateKey.asymmetricKeyType).toBe('ec');
    expect(ring.publicJwks).toEqual([{ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid: jwk.kid, alg: 'ES256', use: 'sig' }]);
  });

  it('signs with the first private key; every key verifies (rotation by prepending)', async () => {
    const next = { ...jwkOf('ec'), kid: 'next' };
    const current = { ...jwkOf('ec'), kid: 'current' };
    const retiring = { ...publicOf(jwkOf('ec')), kid: 'retiring' };
    const ring = await KeyRing.fromJwks([next, current], [retiring]);
    expect(ring.signing?.kid).toBe('next');
    expect(ring.publicJwks.map((k) => k.kid)).toEqual(['next', 'current', 'retiring']);
    for (const kid of ['next', 'current', 'retiring']) expect(ring.verificationKey(kid)?.type).toBe('public');
    expect(ring.verificationKey('other')).toBeUndefined();
    // Verify-only pods have no signing key at all.
    expect((await KeyRing.fromJwks([], [retiring])).signing).toBeUndefined();
  });

  const shape = (variable: string, kind: 'private' | 'public') =>
    `Invalid configuration: ${variable} must be a JSON array of EC P-256 ${kind} JSON Web Keys (kty "EC", crv "P-256", ${kind === 'private' ? 'with' : 'without'} d; alg ES256 if given)`;

  it.each([
    ['an Ed25519 key (the previous release)', () => [jwkOf('ed25519')], [], shape('AUTH_SIGNING_KEYS', 'private')],
    ['an RSA key', () => [jwkOf('rsa')], [], shape('AUTH_SIGNING_KEYS', 'private')],
    ['a P-384 key', () => [jwkOf('ec', { namedCurve: 'P-384' })], [], shape('AUTH_SIGNING_KEYS', 'private')],
    ['a secp256k1 key', () => [jwkOf('ec', { namedCurve: 'secp256k1' })], [], shape('AUTH_SIGNING_KEYS', 'private')],
    ['a P-256 key for another algorithm', () => [{ ...jwkOf('ec'), alg: 'ECDH-ES' }], [], shape('AUTH_SIGNING_KEYS', 'private')],
    ['a public key to sign with', () => [publicOf(jwkOf('ec'))], [], shape('AUTH_SIGNING_KEYS', 'private')],
    ['an Ed25519 key to verify with', () => [], [publicOf(jwkOf('ed25519'))], shape('AUTH_VERIFICATION_KEYS', 'public')],
    ['a private key to verify with', () => [], [jwkOf('ec')], shape('AUTH_VERIFICATION_KEYS', 'public')],
    [
      'a d that is not the private key of x, y',
      () => [{ ...jwkOf('ec'), d: jwkOf('ec').d }],
      [],
      'Invalid configuration: AUTH_SIGNING_KEYS holds a key whose x, y are not a P-256 point or whose d does not match them',
    ],
    [
      'a point off the curve',
      () => [],
      [{ ...publicOf(jwkOf('ec')), y: publicOf(jwkOf('ec')).y }],
      'Invalid configuration: AUTH_VERIFICATION_KEYS holds a key whose x, y are not a P-256 point',
    ],
    [
      'two keys under one kid',
      () => [{ ...jwkOf('ec'), kid: 'k' }],
      [{ ...publicOf(jwkOf('ec')), kid: 'k' }],
      'Invalid configuration: AUTH_VERIFICATION_KEYS holds a different key under the kid "k" of another key',
    ],
  ])('refuses %s with one line naming the variable', async (_name, signing, verifying, message) => {
    const attempt = KeyRing.fromJwks(signing(), verifying);
    await expect(attempt).rejects.toThrow(new ConfigError(message));
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
  });

  it('accepts the same key listed twice (signing and verifying)', async () => {
    const jwk = { ...jwkOf('ec'), kid: 'k' };
    expect((await KeyRing.fromJwks([jwk], [publicOf(jwk)])).publicJwks).toHaveLength(1);
  });

  describe('persistent (development default)', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'skyro-keys-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('generates a P-256 key once, readable only by its owner, and keeps it', async () => {
      const file = join(dir, 'nested', 'auth-keys.json');
      const first = await KeyRing.persistent(file);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual([
        expect.objectContaining({ kty: 'EC', crv: 'P-256', d: expect.any(String), kid: first.signing!.kid }),
      ]);
      const replaced = jest.fn();
      expect((await KeyRing.persistent(file, replaced)).signing!.kid).toBe(first.signing!.kid);
      expect(replaced).not.toHaveBeenCalled();
    });

    it('replaces the Ed25519 key of the previous release with a P-256 key, and says so', async () => {
      const file = join(dir, 'auth-keys.json');
      const old = { ...jwkOf('ed25519'), kid: 'old-ed25519' };
      writeFileSync(file, JSON.stringify([old]), { mode: 0o644 });
      const replaced = jest.fn();
      const ring = await KeyRing.persistent(file, replaced);
      expect(replaced).toHaveBeenCalledWith('OKP/Ed25519');
      expect(ring.signing?.privateKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
      expect(ring.verificationKey('old-ed25519')).toBeUndefined();
      const stored = JSON.parse(readFileSync(file, 'utf8')) as JWK[];
      expect(stored).toEqual([expect.objectContaining({ kty: 'EC', crv: 'P-256', kid: ring.signing!.kid })]);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      // Next start: the new key is kept.
      expect((await KeyRing.persistent(file, replaced)).signing!.kid).toBe(ring.signing!.kid);
      expect(replaced).toHaveBeenCalledTimes(1);
    });
  });
});
