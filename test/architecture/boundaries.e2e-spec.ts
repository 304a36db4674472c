import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = join(__dirname, '../..');
const depcruise = join(root, 'node_modules/.bin/depcruise');
/** The project's import aliases (@platform/*, @modules/*, ...), for a tree that uses them. */
const PATHS = (JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } }).compilerOptions.paths;

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

/** Runs the project's dependency-cruiser rules over a throwaway source tree (with the project's aliases if asked). */
function violationsIn(files: Record<string, string>, options: { aliases?: boolean } = {}): Violation[] {
  const dir = mkdtempSync(join(tmpdir(), 'skyro-arch-'));
  try {
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    mkdirSync(join(dir, 'migrations'), { recursive: true });
    const paths = options.aliases ? { paths: PATHS } : {};
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'node20', moduleResolution: 'node16', strict: true, ...paths } }));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'arch-fixture', dependencies: { '@nestjs/common': '*' } }));
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    let output: string;
    try {
      output = execFileSync(depcruise, ['src', 'migrations', '--config', join(root, '.dependency-cruiser.js'), '--output-type', 'json'], {
        cwd: dir,
        encoding: 'utf8',
      });
    } catch (error) {
      output = (error as { stdout: string }).stdout;
    }
    const result = JSON.parse(output) as { summary: { violations: Violation[] } };
    return result.summary.violations;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rulesBroken = (v: Violation[]) => v.map((x) => `${x.rule.name}: ${x.from} -> ${x.to}`).sort();

describe('architecture rules (dependency-cruiser, run by npm run lint)', () => {
  it('accepts a module that uses another only through its contract, as declared', () => {
    expect(
      violationsIn({
        'src/modules/ledger/contract/index.ts': 'export const LEDGER = 1;\n',
        'src/modules/accounts/application/open.handler.ts': "import { LEDGER } from '../../ledger/contract';\nexport const x = LEDGER;\n",
      }),
    ).toEqual([]);
  });

  it('rejects reaching into another module past its contract', () => {
    expect(
      rulesBroken(
        violationsIn({
          'src/modules/ledger/infrastructure/transfer.repository.ts': 'export const repo = 1;\n',
          'src/modules/accounts/application/open.handler.ts':
            "import { repo } from '../../ledger/infrastructure/transfer.repository';\nexport const x = repo;\n",
        }),
      ),
    ).toEqual(['module-only-via-contract: src/modules/accounts/application/open.handler.ts -> src/modules/ledger/infrastructure/transfer.repository.ts']);
  });

  it('judges an aliased import by the file it resolves to', () => {
    expect(
      rulesBroken(
        violationsIn(
          {
            'src/modules/ledger/contract/index.ts': 'export const LEDGER = 1;\n',
            'src/modules/ledger/infrastructure/transfer.repository.ts': 'export const repo = 1;\n',
            'src/modules/accounts/application/open.handler.ts':
              "import { LEDGER } from '@modules/ledger/contract';\nimport { repo } from '@modules/ledger/infrastructure/transfer.repository';\nexport const x = [LEDGER, repo];\n",
            'src/platform/outbox.ts': "import { LEDGER } from '@modules/ledger/contract';\nexport const m = LEDGER;\n",
            'src/shared-kernel/index.ts': "import { m } from '@platform/outbox';\nexport const k = m;\n",
          },
          { aliases: true },
        ),
      ),
    ).toEqual([
      'module-only-via-contract: src/modules/accounts/application/open.handler.ts -> src/modules/ledger/infrastructure/transfer.repository.ts',
      'platform-imports-no-module: src/platform/outbox.ts -> src/modules/ledger/contract/index.ts',
      'shared-kernel-is-a-leaf: src/shared-kernel/index.ts -> src/platform/outbox.ts',
    ]);
  });

  it('rejects a dependency that is not declared in the allowed map', () => {
    expect(
      rulesBroken(
        violationsIn({
          'src/modules/accounts/contract/index.ts': 'export const ACCOUNTS = 1;\n',
          'src/modules/ledger/application/post.handler.ts': "import { ACCOUNTS } from '../../accounts/contract';\nexport const x = ACCOUNTS;\n",
        }),
      ),
    ).toEqual(['only-declared-dependencies-of-ledger: src/modules/ledger/application/post.handler.ts -> src/modules/accounts/contract/index.ts']);
  });

  it('keeps the domain free of frameworks and the platform free of modules', () => {
    expect(
      rulesBroken(
        violationsIn({
          'src/modules/ledger/domain/transfer.ts': "import { Injectable } from '@nestjs/common';\nexport const t = Injectable;\n",
          'src/modules/ledger/ledger.module.ts': 'export class LedgerModule {}\n',
          'src/platform/outbox.ts': "import { LedgerModule } from '../modules/ledger/ledger.module';\nexport const m = LedgerModule;\n",
        }),
      ),
    ).toEqual([
      // node_modules is a symlink to the project's, so the resolved path runs through it.
      expect.stringMatching(/^domain-is-pure: src\/modules\/ledger\/domain\/transfer\.ts -> .*node_modules\/@nestjs\/common\/index\.js$/),
      'platform-imports-no-module: src/platform/outbox.ts -> src/modules/ledger/ledger.module.ts',
    ]);
  });

  it("keeps the platform away from the contexts' migrations, and each context to its own", () => {
    expect(
      rulesBroken(
        violationsIn({
          'migrations/platform/index.ts': 'export const PLATFORM = 1;\n',
          'migrations/ledger/index.ts': 'export const LEDGER_MIGRATIONS = [];\n',
          'src/platform/database/plan.ts':
            "import { PLATFORM } from '../../../migrations/platform';\nimport { LEDGER_MIGRATIONS } from '../../../migrations/ledger';\nexport const m = [PLATFORM, LEDGER_MIGRATIONS];\n",
          'src/modules/accounts/accounts.context.ts': "import { LEDGER_MIGRATIONS } from '../../../migrations/ledger';\nexport const m = LEDGER_MIGRATIONS;\n",
        }),
      ),
    ).toEqual([
      'migrations-of-a-context-are-its-own: src/modules/accounts/accounts.context.ts -> migrations/ledger/index.ts',
      'platform-imports-no-module: src/platform/database/plan.ts -> migrations/ledger/index.ts',
    ]);
  });

  it('rejects cycles and undeclared contexts', () => {
    const v = rulesBroken(
      violationsIn({
        'src/modules/ledger/application/a.ts': "import { b } from './b';\nexport const a = () => b;\n",
        'src/modules/ledger/application/b.ts': "import { a } from './a';\nexport const b = () => a;\n",
        'src/modules/mystery/thing.ts': "import { a } from '../ledger/application/a';\nexport const t = a;\n",
      }),
    );
    expect(v).toEqual(
      expect.arrayContaining([
        'no-circular: src/modules/ledger/application/a.ts -> src/modules/ledger/application/b.ts',
        'undeclared-context: src/modules/mystery/thing.ts -> src/modules/ledger/application/a.ts',
      ]),
    );
  });
});
