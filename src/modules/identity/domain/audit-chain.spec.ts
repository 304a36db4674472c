import { chainHash, findBreak, GENESIS_HASH, type AuditEntry } from './audit-chain';

const entry = (seq: number, details: Record<string, unknown> = {}): AuditEntry => ({
  seq,
  occurredAt: '2026-01-01T00:00:00.000Z',
  type: 'login.succeeded',
  actorId: 'u1',
  subjectId: 'u1',
  ip: null,
  requestId: null,
  details,
});

function chain(entries: AuditEntry[]) {
  let prev = GENESIS_HASH;
  return entries.map((e) => {
    const hash = chainHash(prev, e);
    const row = { entry: e, prevHash: prev, hash };
    prev = hash;
    return row;
  });
}

describe('audit hash chain', () => {
  const start = { seq: 0, hash: GENESIS_HASH };

  it('verifies an untouched chain', () => {
    expect(findBreak(chain([entry(1), entry(2), entry(3)]), start).break).toBeNull();
  });

  it('does not depend on key order inside details', () => {
    expect(chainHash(GENESIS_HASH, entry(1, { a: 1, b: 2 }))).toEqual(chainHash(GENESIS_HASH, entry(1, { b: 2, a: 1 })));
  });

  it('finds a changed row', () => {
    const rows = chain([entry(1), entry(2), entry(3)]);
    rows[1] = { ...rows[1]!, entry: entry(2, { forged: true }) };
    expect(findBreak(rows, start).break).toEqual({ seq: 2, reason: 'hash_mismatch' });
  });

  it('finds a removed row', () => {
    const rows = chain([entry(1), entry(2), entry(3)]);
    expect(findBreak([rows[0]!, rows[2]!], start).break).toEqual({ seq: 2, reason: 'gap' });
  });

  it('finds a row whose hash was recomputed after a change (the next link breaks)', () => {
    const rows = chain([entry(1), entry(2), entry(3)]);
    const forged = entry(2, { forged: true });
    rows[1] = { entry: forged, prevHash: rows[0]!.hash, hash: chainHash(rows[0]!.hash, forged) };
    expect(findBreak(rows, start).break).toEqual({ seq: 3, reason: 'link_mismatch' });
  });
});
