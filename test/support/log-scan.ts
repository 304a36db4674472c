import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The scan after the suite: every line the suite's apps logged (test/support/run-logs.ts)
 * is searched for what must never be in a log — card numbers, IBANs, e-mail addresses,
 * passwords, tokens and secrets. Like the ledger's model test, it shares no code with what
 * it checks (src/platform/logging): a blind spot of the logger's scrubber must not be the
 * scan's blind spot too. It looks in two ways:
 *  - by pattern: Luhn-valid 12–19 digit runs, mod-97-valid IBANs, e-mail addresses, JWTs,
 *    the service's own `skr_…` secrets, `password=…` pairs and URL credentials, and JSON
 *    fields named like a secret whose value is not redacted;
 *  - by value: every address, password and token the tests sent or received (recorded by
 *    the test apps' HTTP client), in any of the spellings a log could hold.
 */

export type FindingKind =
  'card-number' | 'iban' | 'email' | 'jwt' | 'service-secret' | 'credential-pair' | 'url-credentials' | 'unredacted-field' | 'known-secret';

export interface Finding {
  readonly file: string;
  readonly line: number;
  readonly kind: FindingKind;
  /** What was found, shortened so the report does not repeat it (`4242…(16)`). */
  readonly hint: string;
}

export interface ScanReport {
  readonly files: number;
  readonly lines: number;
  readonly bytes: number;
  readonly jsonLines: number;
  readonly knownSecrets: number;
  readonly findings: readonly Finding[];
  readonly byKind: Readonly<Partial<Record<FindingKind, number>>>;
  readonly ms: number;
}

/** Scans `dir/apps/*`, `dir/children/*` against the patterns and the values under `dir/secrets/*`. */
export function scanLogDirectory(dir: string): ScanReport {
  const started = Date.now();
  const known = new KnownSecrets(
    readLines(dir, 'secrets').flatMap(({ text }) =>
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as string),
    ),
  );
  let lines = 0;
  let bytes = 0;
  let jsonLines = 0;
  const files = [...readLines(dir, 'apps'), ...readLines(dir, 'children')];
  const findings: Finding[] = [];
  for (const { name, text } of files) {
    bytes += Buffer.byteLength(text);
    const split = text.split('\n');
    for (let i = 0; i < split.length; i++) {
      const line = split[i]!;
      if (!line.trim()) continue;
      lines++;
      if (line.startsWith('{')) jsonLines++;
      for (const found of scanLine(line, known)) findings.push({ file: name, line: i + 1, ...found });
    }
  }
  const byKind: Partial<Record<FindingKind, number>> = {};
  for (const f of findings) byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
  return { files: files.length, lines, bytes, jsonLines, knownSecrets: known.size, findings, byKind, ms: Date.now() - started };
}

function readLines(dir: string, folder: string): Array<{ name: string; text: string }> {
  const path = join(dir, folder);
  if (!existsSync(path)) return [];
  return readdirSync(path)
    .sort()
    .map((name) => ({ name: `${folder}/${name}`, text: readFileSync(join(path, name), 'utf8') }));
}

/** What one line holds that it must not. */
export function scanLine(line: string, known: KnownSecrets = new KnownSecrets([])): Array<{ kind: FindingKind; hint: string }> {
  const found: Array<{ kind: FindingKind; hint: string }> = [];
  const add = (kind: FindingKind, value: string) => found.push({ kind, hint: hint(value) });

  let uuids: Array<readonly [number, number]> | undefined;
  for (const m of line.matchAll(DIGIT_RUN)) {
    const digits = m[0].replace(/\D/g, '');
    if (!passesLuhn(digits)) continue;
    // The all-digit groups of a UUID are an id, not a card number.
    uuids ??= [...line.matchAll(UUID)].map((u) => [u.index, u.index + u[0].length] as const);
    if (uuids.some(([s, e]) => m.index < e && m.index + m[0].length > s)) continue;
    add('card-number', digits);
  }
  for (const m of line.matchAll(IBAN_LIKE)) {
    const iban = validIbanPrefix(m[0]);
    if (iban) add('iban', iban);
  }
  if (line.includes('@') || line.includes('%40')) {
    for (const m of line.matchAll(EMAIL)) {
      const tld = m[0].slice(m[0].lastIndexOf('.') + 1);
      if (/^\p{L}{2,}$/u.test(tld)) add('email', m[0]);
    }
  }
  if (line.includes('eyJ')) for (const m of line.matchAll(JWT)) add('jwt', m[0]);
  if (line.includes('skr_')) for (const m of line.matchAll(SERVICE_SECRET)) add('service-secret', m[0]);
  if (line.includes('=')) for (const m of line.matchAll(CREDENTIAL_PAIR)) add('credential-pair', m[0]);
  if (line.includes('://')) for (const m of line.matchAll(URL_CREDENTIALS)) add('url-credentials', m[0]);
  if (line.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      parsed = undefined;
    }
    for (const [field, value] of unredactedFields(parsed)) add('unredacted-field', `${field}=${value}`);
  }
  for (const secret of known.in(line)) add('known-secret', secret);
  return found;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const DIGIT_RUN = /(?<![0-9A-Za-z])\d(?:[ -]?\d){11,18}(?![0-9A-Za-z])/g;
const IBAN_LIKE = /(?<![0-9A-Za-z])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}/gi;
const EMAIL = /(?<![\p{L}\p{M}\p{N}._%+'-])[\p{L}\p{M}\p{N}._%+'-]+(?:@|%40)[\p{L}\p{M}\p{N}-]+(?:\.[\p{L}\p{M}\p{N}-]+)+/gu;
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;
const SERVICE_SECRET = /skr_[a-z]{2,4}_[A-Za-z0-9_-]{20,}/g;
const CREDENTIAL_PAIR = /\b(?:password|passwd|pwd|passphrase|secret|client_secret|token|access_token|refresh_token|api_?key)=(?!\[REDACTED)[^\s&,;"'[\]]+/gi;
const URL_CREDENTIALS = /(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:\/\/[^\s:/@"]+:(?!\[REDACTED)[^\s@/"]+@/gi;

/** Field names (compared without case, `-` or `_`) whose value must only ever appear redacted. */
const SECRET_FIELDS = new Set([
  'password',
  'newpassword',
  'currentpassword',
  'passwd',
  'secret',
  'clientsecret',
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'authorization',
  'cookie',
  'setcookie',
  'apikey',
  'xapikey',
  'cardnumber',
  'pan',
  'cvv',
  'cvc',
]);

function unredactedFields(value: unknown, depth = 0, out: Array<[string, string]> = []): Array<[string, string]> {
  if (value === null || typeof value !== 'object' || depth > 10) return out;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'string' && SECRET_FIELDS.has(key.toLowerCase().replace(/[-_]/g, '')) && !v.startsWith('[REDACTED')) out.push([key, v]);
    else unredactedFields(v, depth + 1, out);
  }
  return out;
}

function passesLuhn(digits: string): boolean {
  if (digits.length < 12 || digits.length > 19) return false;
  const sum = [...digits]
    .reverse()
    .map(Number)
    .reduce((acc, d, i) => acc + (i % 2 === 0 ? d : d * 2 > 9 ? d * 2 - 9 : d * 2), 0);
  return sum % 10 === 0;
}

/** The longest run of leading groups of `candidate` that is a checksum-valid IBAN (a greedy match may have taken the next word). */
function validIbanPrefix(candidate: string): string | undefined {
  const groups = candidate.toUpperCase().split(' ');
  for (let n = groups.length; n > 0; n--) {
    const compact = groups.slice(0, n).join('');
    if (compact.length >= 15 && compact.length <= 34 && mod97(compact) === 1) return compact;
  }
  return undefined;
}

function mod97(iban: string): number {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (const c of rearranged) {
    const value = c >= 'A' && c <= 'Z' ? String(c.charCodeAt(0) - 55) : c;
    for (const digit of value) rest = (rest * 10 + Number(digit)) % 97;
  }
  return rest;
}

function hint(value: string): string {
  return `${value.slice(0, 4)}…(${value.length})`;
}

/**
 * The values to look for, each in the forms a JSON line could hold it. Found with a rolling
 * hash over each line's 8-character windows (Rabin–Karp): one multiply-add per character and
 * a probe of a map of the values' first windows, however many values there are.
 */
export class KnownSecrets {
  private readonly byPrefix = new Map<number, string[]>();
  readonly size: number;

  constructor(values: Iterable<string>) {
    const all = new Set<string>();
    for (const value of values) {
      for (const form of [value, JSON.stringify(value).slice(1, -1)]) if (form.length >= PREFIX) all.add(form);
    }
    for (const form of all) {
      const key = windowHash(form, 0);
      const list = this.byPrefix.get(key);
      if (list) list.push(form);
      else this.byPrefix.set(key, [form]);
    }
    this.size = all.size;
  }

  /** The known values `line` contains (linear in the line). */
  in(line: string): string[] {
    if (this.byPrefix.size === 0 || line.length < PREFIX) return [];
    const found: string[] = [];
    let hash = windowHash(line, 0);
    for (let i = 0; ; i++) {
      const candidates = this.byPrefix.get(hash);
      if (candidates) for (const secret of candidates) if (line.startsWith(secret, i)) found.push(secret);
      if (i + PREFIX >= line.length) return found;
      // Slide the window one character: drop line[i], take line[i + PREFIX].
      hash = (Math.imul(hash - Math.imul(line.charCodeAt(i), TOP), BASE) + line.charCodeAt(i + PREFIX)) | 0;
    }
  }
}

const PREFIX = 8;
const BASE = 31;
/** BASE^(PREFIX-1), in 32-bit arithmetic as the hash is. */
const TOP = Array.from({ length: PREFIX - 1 }).reduce<number>((acc) => Math.imul(acc, BASE), 1);

function windowHash(text: string, from: number): number {
  let hash = 0;
  for (let i = from; i < from + PREFIX; i++) hash = (Math.imul(hash, BASE) + text.charCodeAt(i)) | 0;
  return hash;
}

/** A short account of the findings, naming file, line and kind, never the value itself. */
export function describeFindings(report: ScanReport, dir: string, max = 20): string {
  const lines = report.findings.slice(0, max).map((f) => `  ${f.file}:${f.line}  ${f.kind}  ${f.hint}`);
  const more = report.findings.length > max ? [`  … and ${report.findings.length - max} more`] : [];
  return [
    `The log scan found ${report.findings.length} sensitive value(s) in what the suite's apps logged (${JSON.stringify(report.byKind)}):`,
    ...lines,
    ...more,
    `The logs are kept in ${dir}`,
  ].join('\n');
}
