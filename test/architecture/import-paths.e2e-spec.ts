import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/*
 * The import-path house rule (ESLint skyro/import-paths, scripts/lint/import-paths.mjs) on a
 * throwaway tree with the project's tsconfig.json: what it reports, and what `eslint --fix`
 * makes of it.
 */

const root = join(__dirname, '../..');

interface Outcome {
  readonly fixed: Record<string, string>;
  readonly left: string[];
}

function lintAndFix(files: Record<string, string>): Outcome {
  const dir = mkdtempSync(join(tmpdir(), 'skyro-imports-'));
  try {
    for (const file of ['tsconfig.json', 'scripts/lint/import-paths.mjs']) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      copyFileSync(join(root, file), join(dir, file));
    }
    // Only this rule, without type information: fast, and nothing else reports.
    writeFileSync(
      join(dir, 'eslint.config.mjs'),
      [
        "import tseslint from 'typescript-eslint';",
        "import importPaths from './scripts/lint/import-paths.mjs';",
        "export default [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, plugins: { skyro: { rules: { 'import-paths': importPaths } } }, rules: { 'skyro/import-paths': 'error' } }];",
      ].join('\n'),
    );
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    let output: string;
    try {
      output = execFileSync(join(root, 'node_modules/.bin/eslint'), ['--fix', '--format', 'json', '.'], { cwd: dir, encoding: 'utf8' });
    } catch (error) {
      output = (error as { stdout: string }).stdout;
    }
    const results = JSON.parse(output) as Array<{ filePath: string; messages: Array<{ ruleId: string | null; message: string }> }>;
    const left = results.flatMap((r) => r.messages.map((m) => `${r.filePath.slice(dir.length + 1)}: ${m.ruleId ?? 'fatal'}: ${m.message}`));
    const fixed = Object.fromEntries(Object.keys(files).map((file) => [file, readFileSync(join(dir, file), 'utf8')]));
    return { fixed, left };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('import paths (eslint skyro/import-paths)', () => {
  it('turns chains and imports from another area into aliases, the rest into relative paths', () => {
    const { fixed, left } = lintAndFix({
      'src/modules/accounts/application/open-account/open-account.ts': [
        "import { UnitOfWork } from '../../../../platform/database/unit-of-work';",
        "import { Money } from '../../../../shared-kernel';",
        "import { Account } from '../../domain/account';",
        "import { policy } from '../overdraft-policy.config';",
        "import { rules } from './rules';",
        "import { LEDGER } from '@app/modules/ledger/contract';",
        'export const all = [UnitOfWork, Money, Account, policy, rules, LEDGER];',
        '',
      ].join('\n'),
      'src/platform/http/edge.ts': [
        "import { problem } from '@platform/http/problem';",
        "import { clock } from '@platform/clock';",
        "import { version } from '../../../package.json';",
        "export * from '../../shared-kernel/money';",
        'export const all = [problem, clock, version];',
        '',
      ].join('\n'),
      'test/ledger/ledger.e2e-spec.ts': [
        "import { createApp } from '../../src/bootstrap';",
        "import { CONTEXTS } from '../../src/modules';",
        "import { startTestApp } from '../support/app';",
        "import { sql } from '@test/support/database';",
        'export const all = [createApp, CONTEXTS, startTestApp, sql];',
        '',
      ].join('\n'),
    });
    expect(fixed).toEqual({
      'src/modules/accounts/application/open-account/open-account.ts': [
        "import { UnitOfWork } from '@platform/database/unit-of-work';",
        "import { Money } from '@shared-kernel';",
        "import { Account } from '@modules/accounts/domain/account';",
        "import { policy } from '../overdraft-policy.config';",
        "import { rules } from './rules';",
        "import { LEDGER } from '@modules/ledger/contract';",
        'export const all = [UnitOfWork, Money, Account, policy, rules, LEDGER];',
        '',
      ].join('\n'),
      'src/platform/http/edge.ts': [
        "import { problem } from './problem';",
        "import { clock } from '../clock';",
        "import { version } from '../../../package.json';",
        "export * from '@shared-kernel/money';",
        'export const all = [problem, clock, version];',
        '',
      ].join('\n'),
      'test/ledger/ledger.e2e-spec.ts': [
        "import { createApp } from '@app/bootstrap';",
        "import { CONTEXTS } from '@modules';",
        "import { startTestApp } from '../support/app';",
        "import { sql } from '../support/database';",
        'export const all = [createApp, CONTEXTS, startTestApp, sql];',
        '',
      ].join('\n'),
    });
    expect(left).toEqual([]);
  });

  it('refuses an alias in a require() or import() of built code, which the build would leave as it is', () => {
    const { left } = lintAndFix({
      'src/main.ts': "export const later = () => import('@platform/tracing/tracing');\nexport const now = require('./modules');\n",
      'test/support/loader.ts': "export const later = () => import('@platform/tracing/tracing');\n",
    });
    expect(left).toEqual([
      expect.stringMatching(/^src\/main\.ts: skyro\/import-paths: '@platform\/tracing\/tracing' in a require\(\) or import\(\) call survives the build/),
    ]);
  });
});
