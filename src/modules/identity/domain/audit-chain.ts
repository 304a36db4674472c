import { createHash } from 'node:crypto';
import { canonicalJson } from '@shared-kernel';

/** One security event as it is chained: everything stored except the hashes themselves. */
export interface AuditEntry {
  readonly seq: number;
  readonly occurredAt: string;
  readonly type: string;
  readonly actorId: string | null;
  readonly subjectId: string | null;
  readonly ip: string | null;
  readonly requestId: string | null;
  readonly details: Readonly<Record<string, unknown>>;
}

/** The hash the first entry links to. */
export const GENESIS_HASH: Buffer = Buffer.alloc(32);

/**
 * hash(n) = SHA-256(hash(n-1) || canonical JSON of entry n). Changing, removing or
 * reordering any entry changes every later hash; seq is gap-free, so a removed tail row
 * shows as a seq the head no longer reaches (see ADR 0008 on anchoring the head).
 */
export function chainHash(previous: Buffer, entry: AuditEntry): Buffer {
  return createHash('sha256').update(previous).update(canonicalJson(entry), 'utf8').digest();
}

export interface ChainBreak {
  readonly seq: number;
  readonly reason: 'hash_mismatch' | 'link_mismatch' | 'gap';
}

/** Walks stored rows in seq order from `previous` and reports the first break, if any. */
export function findBreak(
  rows: ReadonlyArray<{ entry: AuditEntry; prevHash: Buffer; hash: Buffer }>,
  previous: { seq: number; hash: Buffer },
): { break: ChainBreak | null; last: { seq: number; hash: Buffer } } {
  let last = previous;
  for (const row of rows) {
    if (row.entry.seq !== last.seq + 1) return { break: { seq: last.seq + 1, reason: 'gap' }, last };
    if (!row.prevHash.equals(last.hash)) return { break: { seq: row.entry.seq, reason: 'link_mismatch' }, last };
    if (!chainHash(row.prevHash, row.entry).equals(row.hash)) return { break: { seq: row.entry.seq, reason: 'hash_mismatch' }, last };
    last = { seq: row.entry.seq, hash: row.hash };
  }
  return { break: null, last };
}
