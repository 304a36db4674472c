import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { ConfigError } from '../config/app-config';

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
}

/**
 * The keys that sign and verify access tokens. The first configured private key signs;
 * every configured key verifies, so a rotation is: put the new key first, keep the old
 * one after it until the tokens it signed have expired, then drop it.
 * Only EdDSA (Ed25519) keys are accepted: one algorithm, no HS/RS confusion.
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

  /** From JSON arrays of JWKs: private keys (sign + verify) and extra public keys (verify). */
  static async fromJwks(privateJwks: readonly JWK[], publicJwks: readonly JWK[] = []): Promise<KeyRing> {
    const verifiers = new Map<string, KeyObject>();
    const published: JWK[] = [];
    let signing: SigningKey | undefined;
    for (const [index, jwk] of [...privateJwks, ...publicJwks].entries()) {
      if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') {
        throw new ConfigError('Invalid configuration: AUTH_SIGNING_KEYS must hold Ed25519 (OKP) JSON Web Keys');
      }
      const pub: JWK = { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
      const kid = jwk.kid ?? (await calculateJwkThumbprint(pub));
      const publicKey = createPublicKey({ key: pub as Record<string, unknown> & { kty: string }, format: 'jwk' });
      verifiers.set(kid, publicKey);
      published.push({ ...pub, kid, alg: 'EdDSA', use: 'sig' });
      if (index === 0 && jwk.d) {
        signing = { kid, privateKey: createPrivateKey({ key: jwk as Record<string, unknown> & { kty: string }, format: 'jwk' }) };
      }
    }
    return new KeyRing(signing, verifiers, published);
  }

  static async generate(): Promise<{ ring: KeyRing; jwk: JWK }> {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const jwk = await exportJWK(privateKey);
    jwk.kid = await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: jwk.x! });
    return { ring: await KeyRing.fromJwks([jwk]), jwk };
  }

  /** Development default: a key generated once and kept beside the embedded database. */
  static async persistent(file: string): Promise<KeyRing> {
    if (existsSync(file)) return KeyRing.fromJwks(JSON.parse(readFileSync(file, 'utf8')) as JWK[]);
    const { ring, jwk } = await KeyRing.generate();
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify([jwk]), { mode: 0o600 });
    chmodSync(file, 0o600);
    return ring;
  }
}
