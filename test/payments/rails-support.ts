import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/*
 * Checks of the rail files that share no code with their writers.
 *
 * 1. moov-io/ach's achcli, built once with the Go toolchain from the Go module proxy into
 *    ~/.cache/skyro/go-bin (CI builds it once per machine). Where the module cannot be
 *    fetched (the proxy here answers 403 for github.com/moov-io/ach), `achcli()` answers null
 *    with the reason, and the tests say so and rely on the second check.
 * 2. achkit (PyPI, a small third-party NACHA parser and validator: record lengths, blocking,
 *    routing checksums, batch and file counts, hashes and totals), installed once into a
 *    virtualenv under ~/.cache/skyro; `achkitValidate()` answers null with the reason when
 *    Python or the package cannot be had.
 * 3. An independent NACHA reader written from the Nacha record layouts (positions, counts,
 *    hashes, totals, blocking), written separately from src/modules/payments/rails/ach.
 */

const run = promisify(execFile);

export const MOOV_ACH_VERSION = process.env.MOOV_ACH_VERSION ?? 'v1.45.2';
const GO_BIN = join(homedir(), '.cache', 'skyro', 'go-bin');

let built: Promise<{ path: string } | { path: null; reason: string }> | undefined;

/** The achcli binary (building it on first use), or null and why it is not there. */
export function achcli(): Promise<{ path: string } | { path: null; reason: string }> {
  built ??= (async () => {
    const path = join(GO_BIN, 'achcli');
    if (existsSync(path)) return { path };
    mkdirSync(GO_BIN, { recursive: true });
    try {
      await run('go', ['install', `github.com/moov-io/ach/cmd/achcli@${MOOV_ACH_VERSION}`], { env: { ...process.env, GOBIN: GO_BIN }, timeout: 300_000 });
    } catch (error) {
      const text = String((error as { stderr?: string }).stderr ?? error);
      return { path: null, reason: `go install github.com/moov-io/ach/cmd/achcli@${MOOV_ACH_VERSION} failed: ${text.split('\n')[0] ?? text}` };
    }
    return existsSync(path) ? { path } : { path: null, reason: 'go install finished without an achcli binary' };
  })();
  return built;
}

export const ACHKIT_VERSION = '0.2.0';
const ACHKIT_VENV = join(homedir(), '.cache', 'skyro', `achkit-${ACHKIT_VERSION}`);
let achkitReady: Promise<{ python: string } | { python: null; reason: string }> | undefined;

function achkit(): Promise<{ python: string } | { python: null; reason: string }> {
  achkitReady ??= (async () => {
    const python = join(ACHKIT_VENV, 'bin', 'python');
    try {
      if (!existsSync(python)) await run('python3', ['-m', 'venv', ACHKIT_VENV], { timeout: 120_000 });
      await run(python, ['-c', 'import achkit'], { timeout: 30_000 }).catch(() =>
        run(join(ACHKIT_VENV, 'bin', 'pip'), ['install', '-q', `achkit==${ACHKIT_VERSION}`], { timeout: 300_000 }),
      );
      await run(python, ['-c', 'import achkit'], { timeout: 30_000 });
      return { python };
    } catch (error) {
      return {
        python: null,
        reason: `achkit ${ACHKIT_VERSION} could not be installed: ${String((error as { stderr?: string }).stderr ?? error).split('\n')[0]}`,
      };
    }
  })();
  return achkitReady;
}

/** achkit.validate on a file's text: its verdict and error codes, or null and why achkit is not there. */
export async function achkitValidate(content: string): Promise<{ ok: boolean; codes: string[] } | { ok: null; reason: string }> {
  const tool = await achkit();
  if (tool.python === null) return { ok: null, reason: tool.reason };
  const script =
    'import sys, json, achkit; r = achkit.validate(sys.stdin.read()); print(json.dumps({"ok": r["ok"], "codes": [e["code"] for e in r["errors"]]}))';
  const child = execFile(tool.python, ['-c', script], { timeout: 60_000 });
  const output = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`achkit exited with ${code}`))));
  });
  child.stdin!.end(content);
  return JSON.parse(await output) as { ok: boolean; codes: string[] };
}

/**
 * achcli reading a file (it parses and validates every record, then describes the file;
 * -mask keeps full account numbers out of the output): accepted (exit 0) or its complaint.
 */
export async function achcliValidate(binary: string, file: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await run(binary, ['-mask', file], { timeout: 60_000 });
    return { ok: !/ERROR/.test(stdout), output: stdout + stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

export interface NachaCheck {
  readonly problems: string[];
  readonly batches: Array<{
    serviceClass: string;
    secCode: string;
    companyName: string;
    companyId: string;
    effectiveDate: string;
    entries: Array<{
      transactionCode: string;
      routing: string;
      account: string;
      amount: bigint;
      id: string;
      name: string;
      trace: string;
      addenda: string | null;
    }>;
    debit: bigint;
    credit: bigint;
  }>;
}

const slice = (r: string, from: number, to: number) => r.slice(from - 1, to); // 1-based, inclusive, as the rules print them

/** Reads a NACHA file by the record layouts and lists every rule it breaks (empty: accepted). */
export function checkNacha(content: string, options: { balanced?: boolean } = {}): NachaCheck {
  const problems: string[] = [];
  const batches: NachaCheck['batches'] = [];
  if (!content.endsWith('\n')) problems.push('file does not end with a newline');
  const lines = content.replace(/\n$/, '').split('\n');
  lines.forEach((l, i) => l.length !== 94 && problems.push(`line ${i + 1} is ${l.length} characters`));
  if (lines.length % 10 !== 0) problems.push(`${lines.length} records is not a multiple of the blocking factor 10`);
  const header = lines[0] ?? '';
  if (header[0] !== '1') problems.push('first record is not a file header');
  if (slice(header, 2, 3) !== '01') problems.push('priority code is not 01');
  if (slice(header, 35, 37) !== '094') problems.push('record size is not 094');
  if (slice(header, 38, 39) !== '10') problems.push('blocking factor is not 10');
  if (slice(header, 40, 40) !== '1') problems.push('format code is not 1');
  if (!/^ \d{9}$/.test(slice(header, 4, 13))) problems.push('immediate destination is not a blank and 9 digits');
  if (!/^\d{6}$/.test(slice(header, 24, 29)) || !/^\d{4}$/.test(slice(header, 30, 33))) problems.push('file creation date/time not numeric');
  const abaOk = (r: string) => /^\d{9}$/.test(r) && [...r].reduce((s, d, i) => s + Number(d) * [3, 7, 1][i % 3]!, 0) % 10 === 0;
  if (!abaOk(slice(header, 5, 13))) problems.push('immediate destination fails the ABA checksum');

  let i = 1;
  let fileEntries = 0;
  let fileHash = 0n;
  let fileDebit = 0n;
  let fileCredit = 0n;
  let lastTrace = '';
  let batchCount = 0;
  while (i < lines.length && lines[i]![0] === '5') {
    const bh = lines[i]!;
    batchCount++;
    const batch: NachaCheck['batches'][number] = {
      serviceClass: slice(bh, 2, 4),
      companyName: slice(bh, 5, 20).trim(),
      companyId: slice(bh, 41, 50),
      secCode: slice(bh, 51, 53),
      effectiveDate: slice(bh, 70, 75),
      entries: [],
      debit: 0n,
      credit: 0n,
    };
    if (!['200', '220', '225'].includes(batch.serviceClass)) problems.push(`batch ${batchCount}: service class ${batch.serviceClass}`);
    if (!['PPD', 'CCD'].includes(batch.secCode)) problems.push(`batch ${batchCount}: SEC code ${batch.secCode}`);
    if (!/^\d{6}$/.test(batch.effectiveDate)) problems.push(`batch ${batchCount}: effective date not YYMMDD`);
    if (slice(bh, 79, 79) !== '1') problems.push(`batch ${batchCount}: originator status code not 1`);
    if (Number(slice(bh, 88, 94)) !== batchCount) problems.push(`batch ${batchCount}: batch number ${slice(bh, 88, 94)}`);
    const odfi = slice(bh, 80, 87);
    i++;
    let count = 0;
    let hash = 0n;
    while (i < lines.length && lines[i]![0] === '6') {
      const e = lines[i]!;
      const code = slice(e, 2, 3);
      const routing = slice(e, 4, 12);
      if (!abaOk(routing)) problems.push(`line ${i + 1}: receiving DFI routing fails the checksum`);
      const amountText = slice(e, 30, 39);
      if (!/^\d{10}$/.test(amountText)) problems.push(`line ${i + 1}: amount not numeric`);
      const amount = BigInt(/^\d+$/.test(amountText) ? amountText : '0');
      const credit = ['22', '32'].includes(code);
      const debit = ['27', '37'].includes(code);
      if (!credit && !debit) problems.push(`line ${i + 1}: transaction code ${code}`);
      if (credit && batch.serviceClass === '225') problems.push(`line ${i + 1}: credit in a debits-only batch`);
      if (debit && batch.serviceClass === '220') problems.push(`line ${i + 1}: debit in a credits-only batch`);
      if (credit) batch.credit += amount;
      if (debit) batch.debit += amount;
      const trace = slice(e, 80, 94);
      if (!/^\d{15}$/.test(trace)) problems.push(`line ${i + 1}: trace not 15 digits`);
      if (slice(trace, 1, 8) !== odfi) problems.push(`line ${i + 1}: trace does not start with the ODFI`);
      if (trace <= lastTrace) problems.push(`line ${i + 1}: trace numbers not ascending`);
      lastTrace = trace;
      if (/[a-z]/.test(e)) problems.push(`line ${i + 1}: lower case`);
      const indicator = slice(e, 79, 79);
      hash += BigInt(slice(routing, 1, 8));
      count++;
      i++;
      let addenda: string | null = null;
      if (lines[i]?.[0] === '7') {
        const a = lines[i]!;
        if (indicator !== '1') problems.push(`line ${i + 1}: addenda after an entry whose indicator is ${indicator}`);
        if (slice(a, 2, 3) !== '05') problems.push(`line ${i + 1}: addenda type ${slice(a, 2, 3)}`);
        if (slice(a, 84, 87) !== '0001') problems.push(`line ${i + 1}: addenda sequence ${slice(a, 84, 87)}`);
        if (slice(a, 88, 94) !== slice(trace, 9, 15)) problems.push(`line ${i + 1}: addenda entry sequence does not match the trace`);
        addenda = slice(a, 4, 83).trimEnd();
        count++;
        i++;
      } else if (indicator !== '0') problems.push(`line ${i}: addenda indicator 1 without an addenda`);
      batch.entries.push({
        transactionCode: code,
        routing,
        account: slice(e, 13, 29).trimEnd(),
        amount,
        id: slice(e, 40, 54).trimEnd(),
        name: slice(e, 55, 76).trimEnd(),
        trace,
        addenda,
      });
    }
    const bc = lines[i] ?? '';
    if (bc[0] !== '8') {
      problems.push(`line ${i + 1}: batch ${batchCount} has no control record`);
      break;
    }
    if (slice(bc, 2, 4) !== batch.serviceClass) problems.push(`batch ${batchCount}: control service class differs`);
    if (Number(slice(bc, 5, 10)) !== count) problems.push(`batch ${batchCount}: entry/addenda count ${slice(bc, 5, 10)} != ${count}`);
    if (slice(bc, 11, 20) !== (hash % 10n ** 10n).toString().padStart(10, '0')) problems.push(`batch ${batchCount}: entry hash`);
    if (BigInt(slice(bc, 21, 32)) !== batch.debit) problems.push(`batch ${batchCount}: total debit`);
    if (BigInt(slice(bc, 33, 44)) !== batch.credit) problems.push(`batch ${batchCount}: total credit`);
    if (slice(bc, 45, 54) !== batch.companyId) problems.push(`batch ${batchCount}: company id differs`);
    if (slice(bc, 80, 87) !== odfi || slice(bc, 88, 94) !== slice(bh, 88, 94)) problems.push(`batch ${batchCount}: ODFI or batch number differ`);
    if (options.balanced && batch.debit !== batch.credit) problems.push(`batch ${batchCount}: not balanced`);
    fileEntries += count;
    fileHash += hash;
    fileDebit += batch.debit;
    fileCredit += batch.credit;
    batches.push(batch);
    i++;
  }
  const fc = lines[i] ?? '';
  if (fc[0] !== '9' || fc === '9'.repeat(94)) problems.push(`line ${i + 1}: expected the file control record`);
  else {
    if (Number(slice(fc, 2, 7)) !== batchCount) problems.push('file control: batch count');
    if (Number(slice(fc, 8, 13)) !== Math.ceil(lines.length / 10) || Number(slice(fc, 8, 13)) * 10 !== lines.length) problems.push('file control: block count');
    if (Number(slice(fc, 14, 21)) !== fileEntries) problems.push('file control: entry/addenda count');
    if (slice(fc, 22, 31) !== (fileHash % 10n ** 10n).toString().padStart(10, '0')) problems.push('file control: entry hash');
    if (BigInt(slice(fc, 32, 43)) !== fileDebit) problems.push('file control: total debit');
    if (BigInt(slice(fc, 44, 55)) !== fileCredit) problems.push('file control: total credit');
  }
  for (let j = i + 1; j < lines.length; j++) if (lines[j] !== '9'.repeat(94)) problems.push(`line ${j + 1}: padding is not all 9s`);
  return { problems, batches };
}
