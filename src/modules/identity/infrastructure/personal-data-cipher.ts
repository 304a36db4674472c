import { createHmac, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { openAead, sealAead } from '@platform/crypto/aead';
import { emailLookupForm, legacyEmailLookupForm } from '../domain/email-address';
import { IDENTITY_KEYS } from './identity.tokens';
import type { IdentityKeys } from './identity-keys';

export interface WrappedDataKey {
  readonly kekId: string;
  readonly wrapped: Buffer;
}

/**
 * Envelope encryption of personal data (ADR 0006): each user has a random AES-256 data
 * key, stored wrapped (AES-256-GCM) by a key-encryption key named by id; fields are
 * AES-256-GCM under the data key with the user id and purpose as associated data, so a
 * ciphertext copied to another user or column does not decrypt. Destroying the wrapped
 * data key makes every ciphertext of that user unreadable (crypto-shredding).
 */
@Injectable()
export class PersonalDataCipher {
  constructor(@Inject(IDENTITY_KEYS) private readonly keys: IdentityKeys) {}

  newDataKey(userId: string): { dataKey: Buffer; wrapped: WrappedDataKey } {
    const dataKey = randomBytes(32);
    const kek = this.keys.keks.get(this.keys.activeKid)!;
    return { dataKey, wrapped: { kekId: this.keys.activeKid, wrapped: sealAead(kek, dataKey, `dek:${userId}`) } };
  }

  /** The key-encryption key new data keys are wrapped with. */
  get activeKekId(): string {
    return this.keys.activeKid;
  }

  /** Re-wraps a data key under the active key-encryption key (rotation); the data key itself stays. */
  rewrap(userId: string, key: WrappedDataKey): WrappedDataKey {
    const kek = this.keys.keks.get(this.keys.activeKid)!;
    return { kekId: this.keys.activeKid, wrapped: sealAead(kek, this.unwrap(userId, key), `dek:${userId}`) };
  }

  unwrap(userId: string, key: WrappedDataKey): Buffer {
    const kek = this.keys.keks.get(key.kekId);
    if (!kek) throw new Error(`unknown key-encryption key ${key.kekId}`);
    return openAead(kek, key.wrapped, `dek:${userId}`);
  }

  encrypt(dataKey: Buffer, userId: string, purpose: string, plaintext: string): Buffer {
    return sealAead(dataKey, Buffer.from(plaintext, 'utf8'), `${purpose}:${userId}`);
  }

  decrypt(dataKey: Buffer, userId: string, purpose: string, ciphertext: Buffer): string {
    return openAead(dataKey, ciphertext, `${purpose}:${userId}`).toString('utf8');
  }

  /**
   * Deterministic, keyed lookup value for an email: equality search without the plaintext.
   * Over the address's lookup form (NFC, case-folded): every spelling of one address gives
   * one value.
   */
  emailIndex(email: string): Buffer {
    return this.blindIndex(emailLookupForm(email));
  }

  /** The value rows indexed before addresses were normalised hold (trimmed, lower-cased only); see ReindexEmails. */
  legacyEmailIndex(email: string): Buffer {
    return this.blindIndex(legacyEmailLookupForm(email));
  }

  private blindIndex(form: string): Buffer {
    return createHmac('sha256', this.keys.blindIndexKey).update(`email:${form}`).digest();
  }
}
