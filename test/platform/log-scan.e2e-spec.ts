import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanLine, scanLogDirectory } from '../support/log-scan';
import { scanRunLogs } from '../support/global-teardown';
import { RUN_LOG_DIR, recordChildOutput, recordSecrets, secretsIn } from '../support/run-logs';
import { PASSWORD, signUp, startIdentityApp, uniqueEmail, type IdentityTestApp } from '../identity/support';

const ROOT = join(__dirname, '../..');
const MINUTE = 60_000;

/**
 * The scan after the suite must be able to fail: each kind of leak planted in a log file of
 * a throwaway run directory is found, and the teardown step throws on it. (Planted here,
 * never in the real run's directory: the suite's own scan must stay clean.)
 */
/** Runs `body` with `dir` as the run's log directory (what the test HTTP client and recordChildOutput write to), then restores the run's own. */
async function withRunLogDir<T>(dir: string, body: () => T | Promise<T>): Promise<T> {
  const real = process.env[RUN_LOG_DIR];
  process.env[RUN_LOG_DIR] = dir;
  try {
    return await body();
  } finally {
    if (real === undefined) delete process.env[RUN_LOG_DIR];
    else process.env[RUN_LOG_DIR] = real;
  }
}

describe('the log scan after the suite', () => {
  const dirs: string[] = [];
  const runDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'skyro-log-scan-'));
    dirs.push(dir);
    return dir;
  };
  const plant = (dir: string, lines: readonly string[], file = 'apps/planted.ndjson') => {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), lines.join('\n') + '\n');
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('passes lines of the kinds the apps write: ids, times, amounts, masked values, redacted fields', () => {
    const clean = [
      '{"level":"info","time":"2025-11-23T12:34:56.789Z","service":"skyro-core","requestId":"0193a5f0-8e3b-7cc1-b6a2-424242424242","method":"GET","path":"/v1/cards/:pan","route":"unmatched","status":404,"ms":1.2,"msg":"request"}',
      '{"level":"warn","amount":"125000","accountNumber":"7992739871","at":1763900000000,"traceId":"0af7651916cd43dd8448eb211c80319c","msg":"card [REDACTED-PAN], to [REDACTED-IBAN] for [REDACTED-EMAIL]"}',
      '{"level":"info","req":{"headers":{"authorization":"[REDACTED]"}},"password":"[REDACTED]","msg":"db password=[REDACTED] at postgres://skyro:[REDACTED]@db/skyro"}',
      'Skyro Core listening on http://127.0.0.1:43127 (docs at http://127.0.0.1:43127/docs)',
      '{"level":"info","versions":"postgres@16.4 kafkajs@2.2.4","msg":"started"}',
    ];
    for (const line of clean) expect(scanLine(line)).toEqual([]);
  });

  it.each([
    ['card-number', 'charging 4111 1111 1111 1111 failed'],
    ['card-number', '{"reference":"5500-0000-0000-0004"}'],
    ['card-number', '{"pan12":6011000990139424}'],
    ['iban', 'to GB82 WEST 1234 5698 7654 32 today'],
    ['iban', '{"iban":"de89370400440532013000"}'],
    ['email', '{"msg":"welcome jane.doe@example.com"}'],
    ['email', 'GET /v1/users/jos%C3%A9%40example.com'],
    ['jwt', 'Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ'],
    ['service-secret', 'rotating skr_rt_Qm9vYmF6cXV4LXJlZnJlc2gtdG9rZW4tdmFsdWU'],
    ['credential-pair', 'connect failed: password=hunter2 host=db'],
    ['url-credentials', 'connect postgres://skyro:s3cret@db:5432/skyro'],
    ['unredacted-field', '{"body":{"user":{"password":"Violet-Harbour"}}}'],
    ['unredacted-field', '{"headers":{"authorization":"Basic dXNlcjpwYXNz"}}'],
  ])('finds a %s: %s', (kind, line) => {
    expect(scanLine(line).map((f) => f.kind)).toContain(kind);
  });

  describe('a test user', () => {
    let app: IdentityTestApp;
    let dir: string;
    let user: Awaited<ReturnType<typeof signUp>>;
    beforeAll(async () => {
      app = await startIdentityApp();
      dir = runDir();
      // While the planted run directory is the run's, the test HTTP client records into it.
      user = await withRunLogDir(dir, () => signUp(app.t, { email: `planted.${Date.now()}@example.com` }));
    });
    afterAll(() => app?.close());

    it('fails the run when a test logs its e-mail, its password or its tokens, and names where', () => {
      plant(dir, [
        '{"level":"info","msg":"request"}',
        `{"level":"info","msg":"debugging ${user.email}"}`,
        `{"level":"info","msg":"tried ${PASSWORD}"}`,
        `{"level":"info","msg":"kept ${user.refreshToken.slice(0, 12)}", "note":"${user.refreshToken}"}`,
      ]);
      const report = scanLogDirectory(dir);
      expect(report.knownSecrets).toBeGreaterThanOrEqual(4); // the address (in its spellings), the password, the tokens
      expect(report.findings.map((f) => [f.line, f.kind])).toEqual(
        expect.arrayContaining([
          [2, 'email'],
          [2, 'known-secret'],
          [3, 'known-secret'],
          [4, 'service-secret'],
          [4, 'known-secret'],
        ]),
      );
      expect(report.findings.filter((f) => f.line === 1)).toEqual([]);
      // The report names the file and line, never the value.
      expect(JSON.stringify(report.findings)).not.toContain(user.email);
      let printed = '';
      expect(() => scanRunLogs(dir, { out: (line) => (printed += line), keep: false })).toThrow(
        /found \d+ sensitive value\(s\)[\s\S]*apps\/planted\.ndjson:2 {2}email/,
      );
      expect(printed).toMatch(/log scan: 1 files, 4 lines/);
      // A failed scan keeps the logs for a look.
      expect(existsSync(join(dir, 'log-scan.json'))).toBe(true);
    });

    it("writes this file's own requests and secrets where the scan after the suite reads them", async () => {
      const runDir = process.env[RUN_LOG_DIR]!;
      const password = `Wrong-${randomUUID()}`;
      expect(
        (
          await app.t
            .http()
            .post('/v1/auth/login')
            .send({ email: uniqueEmail('in-run'), password })
        ).status,
      ).toBe(401);
      const mine = (folder: string) => readdirSync(join(runDir, folder)).filter((name) => name.includes('log-scan.e2e-spec'));
      const [logFile] = mine('apps');
      const requests = readFileSync(join(runDir, 'apps', logFile!), 'utf8')
        .split('\n')
        .filter((line) => line.includes('"path":"/v1/auth/login"'));
      expect(requests.length).toBeGreaterThanOrEqual(1);
      expect(readFileSync(join(runDir, 'secrets', mine('secrets')[0]!), 'utf8')).toContain(JSON.stringify(password));
      // What this file logged so far is clean, and the scan counts it.
      const report = scanLogDirectory(runDir);
      expect(report.lines).toBeGreaterThan(requests.length);
      expect(report.findings.filter((f) => f.file.includes('log-scan.e2e-spec'))).toEqual([]);
    });

    it('finds an address by value however the log spells it (decomposed, lower case)', async () => {
      const other = runDir();
      const josé = `Jos\u00e9.${Date.now()}@Example.com`;
      await withRunLogDir(other, () => recordSecrets(secretsIn({ email: josé })));
      plant(other, [`{"msg":"x ${josé.normalize('NFD')}"}`, `user ${josé.toLowerCase()}`]);
      const found = scanLogDirectory(other).findings.filter((f) => f.kind === 'known-secret');
      expect(found.map((f) => f.line)).toEqual([1, 2]);
    });
  });

  it("reads child processes' output as well", async () => {
    const dir = runDir();
    await withRunLogDir(dir, async () => {
      const child = spawn(process.execPath, ['-e', 'console.log("ok"); console.error("sent to jane.doe@example.com")'], { stdio: ['ignore', 'pipe', 'pipe'] });
      recordChildOutput(child, 'planted');
      await new Promise((resolve) => child.once('close', resolve));
    });
    const report = scanLogDirectory(dir);
    expect(report.lines).toBe(2);
    expect(report.findings).toEqual([expect.objectContaining({ kind: 'email', file: expect.stringMatching(/^children\/.*\.err\.log$/) })]);
  });

  it('passes and removes a clean run directory', () => {
    const dir = runDir();
    plant(dir, ['{"level":"info","msg":"request"}']);
    scanRunLogs(dir, { out: () => undefined, keep: false });
    expect(existsSync(dir)).toBe(false);
  });

  it(
    'fails the jest run (its exit code, what CI sees) when one file of it leaks, run alone, and says how much it read',
    async () => {
      const planted = { PLANTED_PASSWORD: `Planted-${randomUUID()}`, PLANTED_PAN: '4000 0566 5566 5556', PLANTED_IBAN: 'NL91ABNA0417164300' };
      const env: NodeJS.ProcessEnv = { ...process.env, ...planted, CI: 'true', FORCE_COLOR: '0' };
      for (const name of Object.keys(env)) if (name.startsWith('JEST_') || /^SKYRO_TEST_(RUN_ID|TEMPLATE_DB|LOG_DIR)$/.test(name)) delete env[name];
      delete env['SKYRO_KEEP_TEST_LOGS'];
      const { code, output } = await new Promise<{ code: number | string; output: string }>((resolve) =>
        execFile(
          process.execPath,
          [join(ROOT, 'node_modules/jest/bin/jest.js'), '--ci', '--config', 'test/fixtures/log-leak/jest.config.js'],
          { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024, timeout: 4 * MINUTE },
          (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number | string }).code ?? 'killed') : 0, output: `${stdout}${stderr}` }),
        ),
      );
      const kept = /The logs are kept in (\S+)/.exec(output)?.[1];
      if (kept) dirs.push(kept);
      // The planted test itself passed: it is the scan after it that fails the run.
      const passed = /Tests: +1 passed, 1 total/.test(output);
      expect({ code, passed, output: code === 1 && passed ? '' : output.slice(-4000) }).toEqual({ code: 1, passed: true, output: '' });
      const [, files, lines] = /log scan: (\d+) files, (\d+) lines/.exec(output) ?? [];
      expect(Number(files)).toBeGreaterThanOrEqual(3); // the global setup's migrations, the planted file's, the child's
      expect(Number(lines)).toBeGreaterThanOrEqual(3);
      expect(output).toMatch(/apps\/test_fixtures_log-leak_leak\.fixture-spec\.ndjson:\d+ {2}known-secret/);
      expect(output).toMatch(/apps\/test_fixtures_log-leak_leak\.fixture-spec\.ndjson:\d+ {2}card-number/);
      expect(output).toMatch(/children\/test_fixtures_log-leak_leak\.fixture-spec\.planted\.\d+\.err\.log:1 {2}iban/);
      // Named by place and kind, never repeated.
      for (const value of Object.values(planted)) expect(output).not.toContain(value);
      expect(kept && existsSync(join(kept, 'log-scan.json'))).toBe(true);
    },
    5 * MINUTE,
  );
});
