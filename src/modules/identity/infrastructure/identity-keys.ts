import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { IdentityConfig } from '../identity.config';

export interface IdentityKeys {
  /** Key-encryption keys by id; `activeKid` wraps new data keys. */
  readonly keks: ReadonlyMap<string, Buffer>;
  readonly activeKid: string;
  readonly blindIndexKey: Buffer;
}

/**
 * Configured keys in production (required there, see loadConfig); without them a test
 * process gets ephemeral keys and development keeps generated ones beside the embedded
 * database, so personal data stays readable across restarts.
 */
export function loadIdentityKeys(config: IdentityConfig): IdentityKeys {
  if (config.piiKeys && config.blindIndexKey) return fromConfig(config.piiKeys, config.blindIndexKey);
  if (config.env === 'test') return fromConfig(config.piiKeys ?? [{ kid: 'test', key: randomBytes(32) }], config.blindIndexKey ?? randomBytes(32));
  return persistent(config.keysFile);
}

function fromConfig(keks: ReadonlyArray<{ kid: string; key: Buffer }>, blindIndexKey: Buffer): IdentityKeys {
  return { keks: new Map(keks.map((k) => [k.kid, k.key])), activeKid: keks[0]!.kid, blindIndexKey };
}

function persistent(file: string): IdentityKeys {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    const generated = { kid: `dev-${Date.now().toString(36)}`, kek: randomBytes(32).toString('base64'), blindIndexKey: randomBytes(32).toString('base64') };
    writeFileSync(file, JSON.stringify(generated), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  const stored = JSON.parse(readFileSync(file, 'utf8')) as { kid: string; kek: string; blindIndexKey: string };
  return fromConfig([{ kid: stored.kid, key: Buffer.from(stored.kek, 'base64') }], Buffer.from(stored.blindIndexKey, 'base64'));
}
