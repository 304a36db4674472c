import { createPrivateKey, createPublicKey, generateKeyPair as generateNodeKeyPair, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { ConfigError } from '../config/app-config';

/** The one algorithm of access and ID tokens: ECDSA P-256 with SHA-256 (ADR 14). */
export const TOKEN_ALGORITHM = 'ES256';

const PROBE = Buffer.from('skyro key-ring probe');

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
}

/**
 * The keys that sign and verify access tokens. The first configured private key signs;
 * every configured key verifies, so a rotation is: put the new key first, keep the old
 * one after it until the tokens it signed have expired, then drop it.
 * Only EC P-256 keys (ES256) are accepted: one algorithm, no HS/RS confusion.
 */
export class KeyRing {
  private constructor(
    readonly signing: SigningKey | undefined,
    private readonly verifiers: ReadonlyMap<string, KeyObject>,
    readonly publicJwks: readonly JWK[],
  ) {}

  verificationKey(kid: string): KeyObject | undefined {
    return this.verifiers.get(kid);
  }

  /**
   * From JSON arrays of JWKs: private keys (AUTH_SIGNING_KEYS: sign + verify) and extra
   * public keys (AUTH_VERIFICATION_KEYS: verify). Anything but an EC P-256 key is a
   * ConfigError naming the variable.
   */
  static async fromJwks(privateJwks: readonly JWK[], publicJwks: readonly JWK[] = []): Promise<KeyRing> {
    const verifiers = new Map<string, KeyObject>();
    const published: JWK[] = [];
    let signing: SigningKey | undefined;
    const entries = [
      ...privateJwks.map((jwk) => ({ jwk, variable: 'AUTH_SIGNING_KEYS', private: true })),
      ...publicJwks.map((jwk) => ({ jwk, variable: 'AUTH_VERIFICATION_KEYS', private: false })),
    ];
    for (const [index, entry] of entries.entries()) {
      const { jwk, variable } = entry;
      // The same words as loadConfig's check of the variable's shape (config.schema.ts).
      if (!isP256(jwk) || (entry.private ? typeof jwk.d !== 'string' : jwk.d !== undefined)) {
        throw new ConfigError(
          `Invalid configuration: ${variable} must be a JSON array of EC P-256 ${entry.private ? 'private' : 'public'} JSON Web Keys (kty "EC", crv "P-256"${entry.private ? ', with d' : ', without d'}; alg ES256 if given)`,
        );
      }
      const badMaterial = () =>
        new ConfigError(
          `Invalid configuration: ${variable} holds a key whose x, y are not a P-256 point${entry.private ? ' or whose d does not match them' : ''}`,
        );
      const pub: JWK = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
      let publicKey: KeyObject;
      let privateKey: KeyObject | undefined;
      try {
        publicKey = createPublicKey({ key: pub as Record<string, unknown> & { kty: string }, format: 'jwk' });
        if (entry.private) {
          privateKey = createPrivateKey({ key: { ...pub, d: jwk.d } as Record<string, unknown> & { kty: string }, format: 'jwk' });
        }
      } catch {
        throw badMaterial();
      }
      // Node imports a `d` that does not belong to `x`, `y` without complaint (and derives
      // the public key from x, y, not d): such a key would sign tokens that its own
      // published key does not verify. One signature tells.
      if (privateKey && !verify('sha256', PROBE, publicKey, sign('sha256', PROBE, privateKey))) throw badMaterial();
      const kid = jwk.kid ?? (await calculateJwkThumbprint(pub));
      const known = verifiers.get(kid);
      // A kid names one key: two different keys under one kid would make verification ambiguous.
      if (known && !known.equals(publicKey))
        throw new ConfigError(`Invalid configuration: ${variable} holds a different key under the kid "${kid}" of another key`);
      if (!known) {
        verifiers.set(kid, publicKey);
        published.push({ ...pub, kid, alg: TOKEN_ALGORITHM, use: 'sig' });
      }
      if (index === 0 && privateKey) signing = { kid, privateKey };
    }
    return new KeyRing(signing, verifiers, published);
  }

  static async generate(): Promise<{ ring: KeyRing; jwk: JWK }> {
    const { privateKey } = await promisify(generateNodeKeyPair)('ec', { namedCurve: 'P-256' });
    const jwk = privateKey.export({ format: 'jwk' }) as JWK;
    jwk.kid = await calculateJwkThumbprint({ kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! });
    return { ring: await KeyRing.fromJwks([jwk]), jwk };
  }

  /**
   * Development default: a key generated once and kept beside the embedded database.
   * A file from a release that signed with another algorithm (Ed25519 until ES256) is
   * replaced by a new key: tokens signed with the old one stop verifying, which in
   * development only means signing in again. `onReplaced` is told so it can say that.
   */
  static async persistent(file: string, onReplaced: (previous: string) => void = () => undefined): Promise<KeyRing> {
    if (existsSync(file)) {
      const stored = JSON.parse(readFileSync(file, 'utf8')) as JWK[];
      if (Array.isArray(stored) && stored.length > 0 && stored.every(isP256)) return KeyRing.fromJwks(stored);
      onReplaced(describeKeys(stored));
    }
    const { ring, jwk } = await KeyRing.generate();
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify([jwk]), { mode: 0o600 });
    chmodSync(file, 0o600);
    return ring;
  }
}

function isP256(jwk: unknown): jwk is JWK & { x: string; y: string } {
  if (typeof jwk !== 'object' || jwk === null) return false;
  const k = jwk as JWK;
  return (
    k.kty === 'EC' &&
    k.crv === 'P-256' &&
    typeof k.x === 'string' &&
    typeof k.y === 'string' &&
    (k.alg === undefined || k.alg === TOKEN_ALGORITHM) &&
    (k.use === undefined || k.use === 'sig') &&
    (k.kid === undefined || (typeof k.kid === 'string' && k.kid.length > 0))
  );
}

function describeKeys(stored: unknown): string {
  if (!Array.isArray(stored)) return 'not a key list';
  const kinds = stored.map((k: unknown) => (typeof k === 'object' && k !== null ? [(k as JWK).kty, (k as JWK).crv].filter(Boolean).join('/') : typeof k));
  return kinds.length ? kinds.join(', ') : 'no keys';
}
