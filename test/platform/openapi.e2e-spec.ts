import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderOpenApi } from '../../src/openapi-document';

describe('OpenAPI document', () => {
  let document: string;
  beforeAll(async () => {
    document = await renderOpenApi();
  });

  it('matches the committed openapi.json (run `npm run openapi` after changing the API)', () => {
    const committed = readFileSync(join(__dirname, '../../openapi.json'), 'utf8');
    expect(committed).toBe(document);
  });

  it('describes every operation with a success schema and problem-document errors', () => {
    const spec = JSON.parse(document) as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }>; parameters?: unknown[]; requestBody?: unknown }>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(spec.components.schemas).toHaveProperty('ProblemDocument');
    for (const [path, operations] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const where = `${method.toUpperCase()} ${path}`;
        const success = Object.entries(operation.responses).filter(([code]) => code.startsWith('2'));
        expect({ where, success: success.length > 0 }).toEqual({ where, success: true });
        for (const [code, response] of success) {
          if (code === '204') continue;
          expect({ where, code, schema: Object.values(response.content ?? {}).some((c) => c.schema) }).toEqual({ where, code, schema: true });
        }
        const hasInput = Boolean(operation.requestBody) || (operation.parameters ?? []).length > 0;
        const errors = Object.entries(operation.responses).filter(([code]) => /^[45]/.test(code));
        if (hasInput) expect({ where, documents400: errors.some(([code]) => code === '400') }).toEqual({ where, documents400: true });
        for (const [code, response] of errors) {
          expect({ where, code, problem: Boolean(response.content?.['application/problem+json']) }).toEqual({ where, code, problem: true });
        }
      }
    }
  });
});
