import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/*
 * The committed openapi.json passes Redocly CLI's lint (recommended ruleset as tuned in
 * redocly.yaml, exceptions in .redocly.lint-ignore.yaml) with zero errors; and the same
 * lint does catch what breaks generated clients, shown on a broken copy.
 */

const ROOT = resolve(__dirname, '../..');
const REDOCLY = join(ROOT, 'node_modules/@redocly/cli/bin/cli.js');

interface Problem {
  readonly ruleId: string;
  readonly severity: 'error' | 'warn';
  readonly message: string;
  readonly location: ReadonlyArray<{ readonly pointer?: string }>;
}

async function lint(file: string): Promise<Problem[]> {
  const args = [REDOCLY, 'lint', file, '--config', join(ROOT, 'redocly.yaml'), '--format', 'json'];
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
  const stdout = await new Promise<string>((done, fail) => {
    // Exit code 1 means "problems found": the JSON report on stdout says which.
    execFile(process.execPath, args, { cwd: ROOT, env, maxBuffer: 64 * 1024 * 1024 }, (error, out, err) => {
      if (error && !out.trim().startsWith('{')) fail(new Error(`redocly lint failed to run: ${error.message}\n${err}`));
      else done(out);
    });
  });
  return (JSON.parse(stdout) as { problems: Problem[] }).problems;
}

const describeProblem = (p: Problem) => `${p.ruleId} at ${p.location[0]?.pointer ?? '?'}: ${p.message}`;

describe('OpenAPI lint (Redocly CLI)', () => {
  it('finds no errors in the committed openapi.json', async () => {
    const problems = await lint(join(ROOT, 'openapi.json'));
    expect(problems.filter((p) => p.severity === 'error').map(describeProblem)).toEqual([]);
  });

  describe('on a document broken the ways generated clients break', () => {
    let dir: string;
    let problems: Problem[];
    beforeAll(async () => {
      const spec = JSON.parse(readFileSync(join(ROOT, 'openapi.json'), 'utf8')) as {
        servers: unknown[];
        tags: Array<{ name: string; description?: string }>;
        paths: Record<string, Record<string, Record<string, unknown> & { parameters?: Array<{ in: string }> }>>;
        components: { schemas: Record<string, Record<string, unknown>> };
      };
      spec.servers = [];
      const ledgerAccount = spec.paths['/v1/ledger/accounts/{id}']!['get']!;
      ledgerAccount['parameters'] = (ledgerAccount['parameters'] ?? []).filter((p) => p.in !== 'path');
      delete spec.paths['/v1/ledger/transfers/{id}']!['get']!['security'];
      spec.paths['/v1/ledger/transfers/batch']!['post']!['operationId'] = spec.paths['/v1/ledger/transfers']!['post']!['operationId'];
      delete spec.paths['/v1/ledger/reconciliations']!['post']!['operationId'];
      delete spec.tags.find((t) => t.name === 'ledger')!.description;
      spec.paths['/health/live']!['get']!['tags'] = ['undeclared'];
      spec.components.schemas['Transfer']!['properties'] = {
        ...(spec.components.schemas['Transfer']!['properties'] as object),
        pendingId: { nullable: true, allOf: [{ $ref: '#/components/schemas/MinorUnits' }] },
      };
      dir = mkdtempSync(join(tmpdir(), 'skyro-openapi-lint-'));
      writeFileSync(join(dir, 'openapi.json'), JSON.stringify(spec, null, 2));
      problems = (await lint(join(dir, 'openapi.json'))).filter((p) => p.severity === 'error');
    });
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it.each([
      ['no-empty-servers', '#/servers'],
      ['path-parameters-defined', '#/paths/~1v1~1ledger~1accounts~1{id}/get'],
      ['security-defined', '#/paths/~1v1~1ledger~1transfers~1{id}/get'],
      ['operation-operationId-unique', '#/paths/~1v1~1ledger~1transfers~1batch/post'],
      ['operation-operationId', '#/paths/~1v1~1ledger~1reconciliations/post'],
      ['tag-description', '#/tags'],
      ['operation-tag-defined', '#/paths/~1health~1live/get'],
      ['nullable-type-sibling', '#/components/schemas/Transfer/properties/pendingId'],
    ])('reports %s (an error) at %s', (rule, pointer) => {
      expect(problems.filter((p) => p.ruleId === rule && p.location.some((l) => l.pointer?.startsWith(pointer))).map(describeProblem)).not.toEqual([]);
    });
  });
});
