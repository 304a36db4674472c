import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startChildApp } from '../support/child-app';
import { createTestDatabase } from '../support/database';

/*
 * `npm run build` (nest build) gives what the image runs, `node dist/src/main.js`: plain
 * CommonJS in which no import alias of tsconfig.json (@platform/*, @modules/*, ...) is left,
 * since node knows none of them, and that serves.
 */

const root = join(__dirname, '../..');
const MINUTE = 60_000;

function run(command: string, args: readonly string[]): Promise<{ code: number | string; output: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: root, env: { ...process.env, FORCE_COLOR: '0' }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number | string }).code ?? 'killed') : 0, output: `${stdout}${stderr}` });
    });
  });
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js'))
    .map((f) => join(dir, f));
}

describe('npm run build', () => {
  beforeAll(async () => {
    const build = await run('npm', ['run', '-s', 'build']);
    expect({ code: build.code, output: build.code === 0 ? '' : build.output.slice(-4000) }).toEqual({ code: 0, output: '' });
  }, 3 * MINUTE);

  it('leaves no import alias in dist/', () => {
    const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };
    const prefixes = Object.keys(compilerOptions.paths).map((alias) => alias.replace(/\*$/, ''));
    expect(prefixes).toEqual(expect.arrayContaining(['@platform/', '@modules/', '@shared-kernel']));
    const files = [...jsFiles(join(root, 'dist/src')), ...jsFiles(join(root, 'dist/migrations')), join(root, 'dist/ormconfig.js')];
    const aliased: string[] = [];
    for (const file of files) {
      for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/require\("([^"]+)"\)/g)) {
        if (prefixes.some((p) => specifier === p || specifier!.startsWith(p.endsWith('/') ? p : `${p}/`))) aliased.push(`${file}: ${specifier}`);
      }
    }
    expect(files.length).toBeGreaterThan(100);
    expect(aliased).toEqual([]);
  });

  it(
    'serves as node dist/src/main.js',
    async () => {
      const db = await createTestDatabase();
      const app = await startChildApp({ DATABASE_URL: db.url }, MINUTE, [join(root, 'dist/src/main.js')]);
      try {
        const ready = await fetch(`${app.url}/health/ready`);
        expect(ready.status).toBe(200);
      } finally {
        app.child.kill('SIGTERM');
        await app.exited();
        await db.drop();
      }
    },
    2 * MINUTE,
  );
});
