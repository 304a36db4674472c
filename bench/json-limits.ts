import { randomUUID } from 'node:crypto';
import { jsonShapeViolation } from '@platform/http/json-body';

/*
 * What the JSON shape check costs before a body is parsed (issue 16, item 2): hostile
 * bodies are refused after a few characters; a legitimate 5,000-transfer batch is scanned
 * once. Prints one JSON line per body: its size, the check's median and p99 time in
 * microseconds (and how many runs), and JSON.parse's median for comparison (what the check
 * saves, or adds). BENCH_RUNS (1000) and BENCH_BUDGET_MS (3000 per measurement) bound it.
 */
const RUNS = Number(process.env['BENCH_RUNS'] ?? 1000);
/** Each measurement stops after this long (JSON.parse of 100,000 keys takes ~60 ms a run), with at least 20 runs. */
const BUDGET_MS = Number(process.env['BENCH_BUDGET_MS'] ?? 3000);

function deep(levels: number): string {
  return '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
}

function wide(keys: number): string {
  const members: string[] = [];
  for (let i = 0; i < keys; i++) members.push(`"${i.toString(36)}":0`);
  return `{${members.join(',')}}`;
}

function batch(transfers: number): string {
  const items = Array.from({ length: transfers }, () => ({
    id: randomUUID(),
    debitAccountId: randomUUID(),
    creditAccountId: randomUUID(),
    amount: '12500',
    currency: 'EUR',
    code: 9200,
    reference: 'Invoice "2026-11" \\ rent',
  }));
  return JSON.stringify({ transfers: items });
}

function measure(run: () => unknown): { median: number; p99: number; runs: number } {
  for (let i = 0, end = performance.now() + BUDGET_MS / 3; i < 50 && (i < 5 || performance.now() < end); i++) run(); // warm-up: optimised code, not the interpreter
  const times: number[] = [];
  const end = performance.now() + BUDGET_MS;
  for (let i = 0; i < RUNS && (i < 20 || performance.now() < end); i++) {
    const start = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  times.sort((a, b) => a - b);
  return { median: round(times[Math.floor(times.length / 2)]!), p99: round(times[Math.floor(times.length * 0.99)]!), runs: times.length };
}

const round = (us: number) => Math.round(us * 10) / 10;

for (const [name, body] of [
  ['deep-10000', deep(10_000)],
  ['deep-64', deep(63)],
  ['keys-100000', wide(100_000)],
  ['array-100000', `[${'0,'.repeat(99_999)}0]`],
  ['batch-5000', batch(5000)],
] as const) {
  const check = measure(() => jsonShapeViolation(body));
  const parse = measure(() => {
    try {
      return JSON.parse(body) as unknown;
    } catch {
      return undefined;
    }
  });
  console.log(
    JSON.stringify({
      body: name,
      bytes: Buffer.byteLength(body),
      refused: jsonShapeViolation(body)?.code ?? null,
      checkUs: check,
      jsonParseMedianUs: parse.median,
      jsonParseRuns: parse.runs,
    }),
  );
}
