import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { openAead, sealAead } from '@platform/crypto/aead';
import { paymentsConfig, type PaymentsConfig } from '../payments.config';

/**
 * Sealing of saved account numbers and IBANs (AES-256-GCM, src/platform/crypto/aead.ts),
 * bound to the beneficiary's id as associated data (copied to another row, it does not
 * open), and a keyed HMAC of the account for equality lookup without the plaintext. Both
 * keys are derived (HKDF-SHA256) from PAYMENTS_BENEFICIARY_KEY, for separate purposes.
 *
 * Without a configured key (never in production: config refuses to boot), development keeps
 * a generated key beside the embedded database, like identity's keys, so saved accounts
 * stay readable across restarts; tests use a fixed, public key so an app restarted within
 * one test (the fault runs) still opens what it sealed.
 */
@Injectable()
export class BeneficiaryCipher {
  private readonly sealKey: Buffer;
  private readonly lookupKey: Buffer;

  constructor(@Inject(paymentsConfig.token) config: PaymentsConfig) {
    const root = beneficiaryRootKey(config.beneficiaries);
    this.sealKey = Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), 'skyro payments beneficiary seal', 32));
    this.lookupKey = Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), 'skyro payments beneficiary lookup', 32));
  }

  seal(beneficiaryId: string, account: string): Buffer {
    return sealAead(this.sealKey, Buffer.from(account, 'utf8'), `beneficiary-account:${beneficiaryId}`);
  }

  open(beneficiaryId: string, sealed: Buffer): string {
    return openAead(this.sealKey, sealed, `beneficiary-account:${beneficiaryId}`).toString('utf8');
  }

  /** Seals other records that hold account details (a queued rail payout, a rail file), bound to `aad`. */
  sealRecord(aad: string, plaintext: string): Buffer {
    return sealAead(this.sealKey, Buffer.from(plaintext, 'utf8'), `record:${aad}`);
  }

  openRecord(aad: string, sealed: Buffer): string {
    return openAead(this.sealKey, sealed, `record:${aad}`).toString('utf8');
  }

  /** One value per rail and account (routing + account number, or IBAN / account number): equal accounts, equal values. */
  lookup(rail: string, account: string): Buffer {
    return createHmac('sha256', this.lookupKey).update(`${rail}\n${account}`).digest();
  }
}

const TEST_KEY = createHash('sha256').update('skyro payments beneficiary test key (public)').digest();

function beneficiaryRootKey(config: PaymentsConfig['beneficiaries']): Buffer {
  if (config.key) return config.key;
  if (config.env === 'test') return TEST_KEY;
  if (!existsSync(config.keyFile)) {
    mkdirSync(dirname(config.keyFile), { recursive: true });
    writeFileSync(config.keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
    chmodSync(config.keyFile, 0o600);
  }
  return Buffer.from(readFileSync(config.keyFile, 'utf8').trim(), 'base64');
}
