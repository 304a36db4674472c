import { z } from 'zod';
import { atLeastOneOf, notAllTrue, RULES_CHECKED_IN_CODE } from './field-rules';

describe('atLeastOneOf', () => {
  const Factor = atLeastOneOf(
    z.strictObject({ code: z.string().optional(), recoveryCode: z.string().optional() }),
    ['code', 'recoveryCode'],
    'is required (or send recoveryCode)',
  );

  it('refuses an object with none of the fields, on the first field, with the message', () => {
    const result = Factor.safeParse({});
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => ({ path: i.path, message: i.message }))).toEqual([
      { path: ['code'], message: 'is required (or send recoveryCode)' },
    ]);
    for (const ok of [{ code: '123456' }, { recoveryCode: 'ABCD' }, { code: '1', recoveryCode: '2' }]) expect(Factor.safeParse(ok).success).toBe(true);
  });

  it('states the rule in the JSON Schema, as one anyOf branch per field, next to the closed object', () => {
    const json = z.toJSONSchema(Factor) as Record<string, unknown>;
    expect(json['anyOf']).toEqual([{ required: ['code'] }, { required: ['recoveryCode'] }]);
    expect(json['additionalProperties']).toBe(false);
  });
});

describe('notAllTrue', () => {
  it('states "not all true" as anyOf of one field absent or false, for the code to check', () => {
    const rule = notAllTrue(['debits', 'credits']);
    expect(rule).toEqual({
      anyOf: [{ properties: { debits: { enum: [false] } } }, { properties: { credits: { enum: [false] } } }],
      [RULES_CHECKED_IN_CODE]: true,
    });
    // What the branches accept, as a JSON Schema validator reads them.
    const accepts = (value: Partial<Record<string, boolean>>) =>
      (rule['anyOf'] as { properties: Record<string, { enum: boolean[] }> }[]).some((branch) =>
        Object.entries(branch.properties).every(([field, { enum: allowed }]) => {
          const v = value[field];
          return v === undefined || allowed.includes(v);
        }),
      );
    expect([{}, { debits: true }, { credits: true }, { debits: true, credits: false }, { debits: false, credits: false }].map(accepts)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(accepts({ debits: true, credits: true })).toBe(false);
  });
});
