import fc from 'fast-check';
import { isUtf8MediaType, JSON_LIMITS, jsonShapeViolation } from './json-body';

/** An independent measure of a parsed value: its depth, widest object and array, and the commas its text holds. */
function shapeOf(value: unknown, depth = 0): { depth: number; members: number; items: number; commas: number } {
  if (value === null || typeof value !== 'object') return { depth, members: 0, items: 0, commas: 0 };
  const children = Array.isArray(value) ? (value as unknown[]) : Object.values(value as Record<string, unknown>);
  const shape = {
    depth: depth + 1,
    members: Array.isArray(value) ? 0 : children.length,
    items: Array.isArray(value) ? children.length : 0,
    commas: Math.max(children.length - 1, 0),
  };
  for (const child of children) {
    const s = shapeOf(child, depth + 1);
    shape.depth = Math.max(shape.depth, s.depth);
    shape.members = Math.max(shape.members, s.members);
    shape.items = Math.max(shape.items, s.items);
    shape.commas += s.commas;
  }
  return shape;
}

describe('JSON shape limits', () => {
  const small = { maxDepth: 3, maxObjectMembers: 3, maxArrayItems: 5, maxValues: 40 } as const;

  it('agrees with a walk of the parsed value on any JSON text, strings with quotes, braces and escapes included', () => {
    const text = fc.string({ unit: fc.constantFrom('a', '"', '\\', '{', '}', '[', ']', ',', ':', 'é', '\u2028') });
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.integer(), text, fc.constant(null), tie('array'), tie('object')),
      array: fc.array(tie('value'), { maxLength: 7 }),
      object: fc.dictionary(text, tie('value'), { maxKeys: 5 }),
    })).value;
    fc.assert(
      fc.property(json, fc.boolean(), (value, pretty) => {
        const s = shapeOf(value);
        const deep = s.depth > small.maxDepth;
        const wide = s.members > small.maxObjectMembers || s.items > small.maxArrayItems;
        // The scan counts one value, then one more per comma.
        const many = 1 + s.commas > small.maxValues;
        const got = jsonShapeViolation(JSON.stringify(value, null, pretty ? 2 : undefined), small)?.code;
        if (got === undefined) return !deep && !wide && !many;
        return got === 'JSON_TOO_DEEP' ? deep : wide || many;
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a 10,000-deep body at its 65th level and a 100,000-key object at its 1,001st key', () => {
    expect(jsonShapeViolation('{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000))?.code).toBe('JSON_TOO_DEEP');
    expect(jsonShapeViolation('['.repeat(10_000))?.code).toBe('JSON_TOO_DEEP');
    expect(jsonShapeViolation('['.repeat(JSON_LIMITS.maxDepth) + ']'.repeat(JSON_LIMITS.maxDepth))).toBeUndefined();
    const keys = (n: number) => `{${Array.from({ length: n }, (_, i) => `"k${i}":0`).join(',')}}`;
    expect(jsonShapeViolation(keys(100_000))?.code).toBe('JSON_TOO_LARGE');
    expect(jsonShapeViolation(keys(1_000))).toBeUndefined();
    expect(jsonShapeViolation(keys(1_001))?.code).toBe('JSON_TOO_LARGE');
  });

  it('takes 5,000 transfers in one array and refuses 10,001 items', () => {
    const transfer = JSON.stringify({ id: 'x', debitAccountId: 'y', creditAccountId: 'z', amount: '1', currency: 'EUR', linked: false, code: 1 });
    expect(jsonShapeViolation(`{"transfers":[${Array(5000).fill(transfer).join(',')}]}`)).toBeUndefined();
    expect(jsonShapeViolation(`[${Array(10_001).fill('0').join(',')}]`)?.code).toBe('JSON_TOO_LARGE');
    expect(jsonShapeViolation(`[${Array(10_000).fill('0').join(',')}]`)).toBeUndefined();
  });

  it('bounds the values of the whole body', () => {
    const arrays = `[${Array(30)
      .fill(`[${Array(9_000).fill('0').join(',')}]`)
      .join(',')}]`;
    expect(jsonShapeViolation(arrays)?.says).toMatch(/more than 200000 values/);
  });

  it('never counts what sits inside a string, and leaves malformed text to the parser', () => {
    expect(jsonShapeViolation(JSON.stringify({ a: '['.repeat(1000) + '\\"{'.repeat(1000) }))).toBeUndefined();
    expect(jsonShapeViolation('{"a":"unterminated')).toBeUndefined();
    expect(jsonShapeViolation(']]]]}}}')).toBeUndefined();
    expect(jsonShapeViolation('')).toBeUndefined();
  });
});

describe('UTF-8 JSON media types', () => {
  it.each([
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['APPLICATION/JSON;charset="UTF-8"', true],
    ['application/json; foo=bar', true],
    ['application/json; charset=utf-16', false],
    ['application/json; charset=iso-8859-1', false],
    ['application/json;;', false],
    ['application/json;', false],
    ['application/json; charset', false],
    ['application/json; =utf-8', false],
    ['application/jsonx', false],
    [undefined, false],
  ])('%s → %s', (header, ok) => {
    expect(isUtf8MediaType(header, 'application/json')).toBe(ok);
  });
});
