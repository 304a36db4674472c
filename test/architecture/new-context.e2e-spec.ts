import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { addContextToIndex, IndexFileError } from '@scripts/new-context/index-file';
import { deriveNames, plural, singular } from '@scripts/new-context/names';
import { contextFolders } from '@scripts/new-context/templates';

/*
 * `npm run new-context` on a copy of the project: what it writes must pass lint and its own
 * unit and e2e tests as generated, and it may touch nothing outside the new context's
 * folders but src/modules/index.ts. The checks run in the copy with its own jest config, so
 * its e2e global setup migrates a template database from the copy's manifests (the new
 * context's migration included).
 */

const root = join(__dirname, '../..');
/** Not copied: dependencies (linked instead), history, build output, local data. */
const NOT_COPIED = new Set(['node_modules', '.git', 'dist', '.data', 'coverage', 'tmp']);

/** The project's lint: type check, ESLint, Prettier, dependency-cruiser. */
const LINT = [['npm', 'run', 'lint']];

const MINUTE = 60_000;

interface Outcome {
  readonly command: string;
  readonly code: number | string;
  readonly output: string;
}

/** The environment of a command in the copy: ours, without what would tie a nested jest to this run. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', FORCE_COLOR: '0' };
  for (const name of Object.keys(env)) if (name.startsWith('JEST_') || name === 'SKYRO_TEST_RUN_ID' || name === 'SKYRO_TEST_TEMPLATE_DB') delete env[name];
  return env;
}

function run(cwd: string, command: readonly string[], timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(command[0]!, command.slice(1), { cwd, env: childEnv(), maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error ? ((error as { code?: number | string }).code ?? 'killed') : 0;
      resolve({ command: command.join(' '), code, output: `${stdout}${stderr}` });
    });
  });
}

/** Fails with the command's output when it did not succeed: from jest's first failure if there is one, else its last lines. */
function expectSuccess(outcome: Outcome): void {
  const { command, code } = outcome;
  const firstFailure = outcome.output.indexOf('\u25cf ');
  const output = firstFailure >= 0 ? outcome.output.slice(firstFailure, firstFailure + 8000) : outcome.output.slice(-8000);
  expect({ command, code, output: code === 0 ? '' : output }).toEqual({ command, code: 0, output: '' });
}

function copyProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'skyro-new-context-'));
  cpSync(root, dir, { recursive: true, filter: (source) => !NOT_COPIED.has(relative(root, source).split(/[\\/]/)[0]!) });
  symlinkSync(realpathSync(join(root, 'node_modules')), join(dir, 'node_modules'));
  return dir;
}

/** Every file of the copy (node_modules aside) with a hash of its content. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(join(dir, folder), { withFileTypes: true })) {
      const path = folder ? `${folder}/${entry.name}` : entry.name;
      if (path === 'node_modules') continue;
      if (entry.isDirectory()) walk(path);
      else
        files.set(
          path,
          createHash('sha256')
            .update(readFileSync(join(dir, path)))
            .digest('hex'),
        );
    }
  };
  walk('');
  return files;
}

/** Files added, removed or changed between two snapshots, sorted. */
function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((p) => before.get(p) !== after.get(p)).sort();
}

const inFolders = (name: string) => (path: string) => contextFolders(name).some((folder) => path.startsWith(`${folder}/`));

describe('names and the edit of src/modules/index.ts (no files)', () => {
  it('derives every spelling from the context name, and the thing it keeps', () => {
    const fx = deriveNames('fx_rates', undefined, 1);
    expect([fx.context.pascal, fx.context.kebab, fx.context.camel, fx.context.constant]).toEqual(['FxRates', 'fx-rates', 'fxRates', 'FX_RATES']);
    expect([fx.thing.pascal, fx.thing.kebab, fx.things.kebab, fx.things.snake, fx.component.pascal]).toEqual([
      'FxRate',
      'fx-rate',
      'fx-rates',
      'fx_rates',
      'FxRate',
    ]);
    expect([fx.route, fx.controllerPath]).toEqual(['/v1/fx-rates', 'fx-rates']);
    const members = deriveNames('loyalty', 'member', 1);
    expect([members.thing.pascal, members.things.kebab, members.component.pascal, members.route, members.controllerPath]).toEqual([
      'Member',
      'members',
      'LoyaltyMember',
      '/v1/loyalty',
      'loyalty/members',
    ]);
    expect(['rates', 'entries', 'boxes', 'status', 'loyalty', 'kyc'].map(singular)).toEqual(['rate', 'entry', 'box', 'status', 'loyalty', 'kyc']);
    expect(['rate', 'entry', 'box', 'status', 'loyalty', 'day'].map(plural)).toEqual(['rates', 'entries', 'boxes', 'statuses', 'loyalties', 'days']);
  });

  it('adds the import in path order and the entry last, on one line or one a line, and refuses what it does not know', () => {
    const oneLine = [
      "import { aContext } from './a/a.context';",
      "import { cContext } from './c/c.context';",
      '',
      'export const CONTEXTS: readonly ContextManifest[] = [cContext, aContext];',
      '',
    ].join('\n');
    expect(addContextToIndex(oneLine, 'b', "import { bContext } from './b/b.context';", 'bContext')).toBe(
      [
        "import { aContext } from './a/a.context';",
        "import { bContext } from './b/b.context';",
        "import { cContext } from './c/c.context';",
        '',
        'export const CONTEXTS: readonly ContextManifest[] = [cContext, aContext, bContext];',
        '',
      ].join('\n'),
    );
    const perLine = "import { aContext } from './a/a.context';\nexport const CONTEXTS: readonly ContextManifest[] = [\n  aContext,\n];\n";
    expect(addContextToIndex(perLine, 'z', "import { zContext } from './z/z.context';", 'zContext')).toBe(
      "import { aContext } from './a/a.context';\nimport { zContext } from './z/z.context';\nexport const CONTEXTS: readonly ContextManifest[] = [\n  aContext,\n  zContext,\n];\n",
    );
    expect(() => addContextToIndex(oneLine, 'a', "import { aContext } from './a/a.context';", 'aContext')).toThrow(IndexFileError);
    expect(() =>
      addContextToIndex(oneLine.replace('[cContext, aContext]', '[...others, aContext]'), 'b', "import { bContext } from './b/b.context';", 'bContext'),
    ).toThrow(IndexFileError);
  });
});

describe('npm run new-context, on a copy of the project', () => {
  let dir: string;
  const generate = (...args: string[]) => run(dir, ['npm', 'run', '-s', 'new-context', '--', ...args], 2 * MINUTE);

  beforeAll(() => {
    dir = copyProject();
  }, 2 * MINUTE);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(
    "refuses an invalid, reserved or existing name, a test fixture's and a bad thing, changing nothing",
    async () => {
      const before = snapshot(dir);
      const refusals = await Promise.all([
        generate('Loyalty'),
        generate('fx-rates'),
        generate('platform'),
        generate('order'),
        generate('ledger'),
        generate('fx_bank'),
        generate('loyalty', '--thing', 'Member'),
      ]);
      expect(refusals.map((r) => [r.code, /new-context: (.*)/.exec(r.output)?.[1]])).toEqual([
        [1, expect.stringContaining('"Loyalty" is not a context name')],
        [1, expect.stringContaining('"fx-rates" is not a context name')],
        [1, expect.stringContaining('platform is a reserved word')],
        [1, expect.stringContaining('order is a reserved word')],
        [1, expect.stringContaining('ledger exists already')],
        [1, expect.stringContaining('fx_bank is a test context already (test/fixtures/bus-contexts.ts)')],
        [1, expect.stringContaining('--thing "Member"')],
      ]);
      expect(changes(before, snapshot(dir))).toEqual([]);
    },
    3 * MINUTE,
  );

  it.each<[string, string[], string]>([
    ['loyalty', [], '/v1/loyalty'],
    ['fx_rates', ['--thing', 'quote'], '/v1/fx-rates/quotes'],
  ])(
    'writes the %s context and changes nothing outside its folders but src/modules/index.ts',
    async (name, options, url) => {
      const before = snapshot(dir);
      const indexBefore = readFileSync(join(dir, 'src/modules/index.ts'), 'utf8');
      const outcome = await generate(name, ...options);
      expectSuccess(outcome);

      const changed = changes(before, snapshot(dir));
      expect(changed.filter((p) => !inFolders(name)(p))).toEqual(['src/modules/index.ts']);
      const written = changed.filter(inFolders(name));
      const n = deriveNames(name, options[1]);
      const [c, t, ts] = [n.context.kebab, n.thing.kebab, n.things.kebab];
      expect(written.map((p) => p.replace(/\/\d{13}-/, '/<timestamp>-'))).toEqual(
        [
          `migrations/${name}/<timestamp>-${c}-schema.ts`,
          `migrations/${name}/index.ts`,
          `src/modules/${name}/${c}.config.ts`,
          `src/modules/${name}/${c}.context.ts`,
          `src/modules/${name}/${c}.module.ts`,
          `src/modules/${name}/api/${ts}.http-controller.ts`,
          `src/modules/${name}/api/dto/${ts}.requests.ts`,
          `src/modules/${name}/application/create-${t}/create-${t}.command-handler.spec.ts`,
          `src/modules/${name}/application/create-${t}/create-${t}.command-handler.ts`,
          `src/modules/${name}/application/get-${t}/get-${t}.query-handler.ts`,
          `src/modules/${name}/contract/commands/create-${t}.command.ts`,
          `src/modules/${name}/contract/events/${t}-created.v1.event.ts`,
          `src/modules/${name}/contract/index.ts`,
          `src/modules/${name}/contract/queries/get-${t}.query.ts`,
          `src/modules/${name}/contract/views.ts`,
          `src/modules/${name}/infrastructure/${t}.repository.ts`,
          `test/${name}/${c}-api.e2e-spec.ts`,
          `test/${name}/${c}-split.e2e-spec.ts`,
        ].sort(),
      );
      for (const path of written) expect(outcome.output).toContain(path);

      // One import, one entry: without them the file is what it was.
      const indexAfter = readFileSync(join(dir, 'src/modules/index.ts'), 'utf8');
      const importLine = `import { ${n.context.camel}Context } from './${name}/${c}.context';\n`;
      expect(indexAfter).toContain(importLine);
      // (Prettier may break the CONTEXTS line once it grows: compare the files with whitespace folded.)
      const folded = (text: string): string => text.replace(/\s+/g, ' ').replace(/\[ /g, '[').replace(/,? \]/g, ']');
      const withoutEntry = indexAfter.replace(importLine, '').replace(new RegExp(`,\\s*${n.context.camel}Context,?\\s*\\]`), ']');
      expect(folded(withoutEntry)).toBe(folded(indexBefore));
      expect(readFileSync(join(dir, `test/${name}/${c}-api.e2e-spec.ts`), 'utf8')).toContain(`'${url}'`);
    },
    3 * MINUTE,
  );

  it(
    'refuses a context that exists now, changing nothing',
    async () => {
      const before = snapshot(dir);
      const again = await generate('loyalty');
      expect([again.code, /new-context: (.*)/.exec(again.output)?.[1]]).toEqual([1, expect.stringContaining('loyalty exists already')]);
      expect(changes(before, snapshot(dir))).toEqual([]);
    },
    2 * MINUTE,
  );

  it(
    'passes lint as generated',
    async () => {
      for (const command of LINT) expectSuccess(await run(dir, command, 8 * MINUTE));
    },
    10 * MINUTE,
  );

  it(
    'passes its unit and e2e tests as generated, and the OpenAPI checks once openapi.json is regenerated',
    async () => {
      expectSuccess(await run(dir, ['npm', 'run', '-s', 'openapi'], 3 * MINUTE));
      const jest = await run(
        dir,
        ['npx', 'jest', '--ci', 'src/modules/loyalty', 'test/loyalty', 'src/modules/fx_rates', 'test/fx_rates', 'test/platform/openapi'],
        8 * MINUTE,
      );
      expectSuccess(jest);
      for (const file of [
        'src/modules/loyalty/application/create-loyalty/create-loyalty.command-handler.spec.ts',
        'test/loyalty/loyalty-api.e2e-spec.ts',
        'test/loyalty/loyalty-split.e2e-spec.ts',
        'src/modules/fx_rates/application/create-quote/create-quote.command-handler.spec.ts',
        'test/fx_rates/fx-rates-api.e2e-spec.ts',
        'test/fx_rates/fx-rates-split.e2e-spec.ts',
        'test/platform/openapi.e2e-spec.ts',
      ]) {
        expect(jest.output).toMatch(new RegExp(`PASS (unit|e2e) ${file.replace(/[.]/g, '\\.')}`));
      }
    },
    10 * MINUTE,
  );
});
