import { countrySpecs } from 'ibantools';

/**
 * What must never reach a log line as given: card numbers, IBANs and e-mail addresses,
 * found inside free text (a message, an error, a request id, a URL path). The detectors
 * err on the side of masking: a false positive costs a masked number in a log line, a
 * false negative a PAN in a log archive nobody can rewrite.
 */
export type SensitiveKind = 'pan' | 'iban' | 'email';

export interface SensitiveSpan {
  readonly kind: SensitiveKind;
  readonly start: number;
  readonly end: number;
}

export interface FindOptions {
  /**
   * Card numbers are digit runs delimited by anything but letters and digits (`word`, for
   * free text: a run inside a hex hash or a trace id is not a card number), or by anything
   * but digits (`digit`, for values we may simply refuse, such as a request id: `req4111…`).
   */
  readonly digitBoundary?: 'word' | 'digit';
}

// 12–19 digits (Maestro has 12, most cards 16), single spaces or dashes between them.
const PAN_WORD = /(?<![0-9A-Za-z])\d(?:[ -]?\d){11,18}(?![0-9A-Za-z])/g;
const PAN_DIGIT = /(?<!\d)\d(?:[ -]?\d){11,18}(?!\d)/g;
// Twelve digits, unrolled: V8 runs this several times faster than the quantified group, so
// the common text with no long digit run costs one quick test.
const PAN_HINT = /\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d/;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const UUID_SEGMENT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IBAN_START = /(?<![0-9A-Za-z])[A-Za-z]{2}\d{2}/g;
const IBAN_SPECS = new Map(
  Object.entries(countrySpecs)
    .filter(([, spec]) => typeof spec.chars === 'number' && typeof spec.bban_regexp === 'string')
    .map(([country, spec]) => [country, { length: spec.chars!, bban: new RegExp(spec.bban_regexp!) }]),
);
const EMAIL_LOCAL = /[\p{L}\p{M}\p{N}._%+\-'!#$&*=?^~]/u;
const EMAIL_DOMAIN = /[\p{L}\p{M}\p{N}\-.]/u;
const ALNUM = /[0-9A-Za-z]/;

/** Sensitive spans in `text`, in order, not overlapping. */
export function findSensitive(text: string, options: FindOptions = {}): SensitiveSpan[] {
  const spans = [...findCardNumbers(text, options.digitBoundary ?? 'word'), ...findIbans(text), ...findEmails(text)];
  if (spans.length < 2) return spans;
  spans.sort((a, b) => a.start - b.start);
  const kept: SensitiveSpan[] = [];
  for (const span of spans) {
    const last = kept[kept.length - 1];
    if (last && span.start < last.end) {
      // Overlaps (an IBAN's digits read as a PAN): keep the longer one.
      if (span.end - span.start > last.end - last.start) kept[kept.length - 1] = span;
      continue;
    }
    kept.push(span);
  }
  return kept;
}

export function looksSensitive(text: string, options: FindOptions = {}): boolean {
  return findSensitive(text, options).length > 0;
}

/** `text` with every sensitive span replaced by `token(kind)` (default `[REDACTED-PAN]` etc.). */
export function maskSensitive(text: string, token: (kind: SensitiveKind, span: SensitiveSpan) => string = defaultToken): string {
  const spans = findSensitive(text);
  if (spans.length === 0) return text;
  let out = '';
  let at = 0;
  for (const span of spans) {
    out += text.slice(at, span.start) + token(span.kind, span);
    at = span.end;
  }
  return out + text.slice(at);
}

const defaultToken = (kind: SensitiveKind) => `[REDACTED-${kind.toUpperCase()}]`;

/**
 * A request URL as it may be logged or echoed: the path only (a query string is never kept;
 * it may carry anything), and a segment holding a card number, an IBAN or an e-mail address
 * (raw or percent-encoded) replaced by `:pan`, `:iban` or `:email`, like a route parameter.
 */
export function maskUrlPath(url: string): string {
  const end = url.search(/[?#]/);
  const path = end === -1 ? url : url.slice(0, end);
  const segments = path.split('/');
  let changed = false;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    // Nothing shorter than 12 characters without an @ can hold a card number, IBAN or address.
    if (segment.length < 12 && !segment.includes('@') && !segment.includes('%')) continue;
    if (segment.length === 36 && UUID_SEGMENT.test(segment)) continue;
    const decoded = segment.includes('%') ? safeDecode(segment) : segment;
    let found = findSensitive(decoded, { digitBoundary: 'digit' });
    if (found.length === 0 && decoded !== segment) found = findSensitive(segment, { digitBoundary: 'digit' });
    if (found.length === 0) continue;
    segments[i] = `:${found[0]!.kind}`;
    changed = true;
  }
  return changed ? segments.join('/') : path;
}

/** Luhn (mod 10) check over a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function findCardNumbers(text: string, boundary: 'word' | 'digit'): SensitiveSpan[] {
  if (!PAN_HINT.test(text)) return [];
  const candidates = boundary === 'word' ? PAN_WORD : PAN_DIGIT;
  candidates.lastIndex = 0;
  let uuids: Array<[number, number]> | undefined;
  const spans: SensitiveSpan[] = [];
  for (let m = candidates.exec(text); m; m = candidates.exec(text)) {
    const digits = m[0].replace(/[ -]/g, '');
    if (!luhnValid(digits)) continue;
    const start = m.index;
    const end = start + m[0].length;
    // A UUID whose last groups happen to be all digits is an id, not a card number.
    uuids ??= [...text.matchAll(UUID)].map((u) => [u.index, u.index + u[0].length]);
    if (uuids.some(([s, e]) => start < e && end > s)) continue;
    spans.push({ kind: 'pan', start, end });
  }
  return spans;
}

/** IBAN-looking: a country's code, two check digits and a BBAN of that country's length and form (the checksum is not required: a mistyped IBAN still names an account). */
function findIbans(text: string): SensitiveSpan[] {
  IBAN_START.lastIndex = 0;
  const spans: SensitiveSpan[] = [];
  for (let m = IBAN_START.exec(text); m; m = IBAN_START.exec(text)) {
    const spec = IBAN_SPECS.get(m[0].slice(0, 2).toUpperCase());
    if (!spec) continue;
    let compact = '';
    let i = m.index;
    while (i < text.length && compact.length < spec.length) {
      const c = text[i]!;
      if (ALNUM.test(c)) compact += c;
      else if (c !== ' ' || compact.length === 0 || !ALNUM.test(text[i + 1] ?? '')) break;
      i++;
    }
    if (compact.length !== spec.length || ALNUM.test(text[i] ?? '')) continue;
    if (!spec.bban.test(compact.slice(4).toUpperCase())) continue;
    spans.push({ kind: 'iban', start: m.index, end: i });
    IBAN_START.lastIndex = i;
  }
  return spans;
}

/** Addresses around each `@` (or `%40`): linear in the text, whatever it holds. */
function findEmails(text: string): SensitiveSpan[] {
  if (!text.includes('@') && !text.includes('%40')) return [];
  const spans: SensitiveSpan[] = [];
  let from = 0;
  for (;;) {
    const at = nextAt(text, from);
    if (!at) return spans;
    from = at.index + at.width;
    let start = at.index;
    while (start > 0 && at.index - start < 64 && EMAIL_LOCAL.test(text[start - 1]!)) start--;
    let end = at.index + at.width;
    while (end < text.length && end - at.index < 255 && EMAIL_DOMAIN.test(text[end]!)) end++;
    while (end > at.index + at.width && text[end - 1] === '.') end--;
    if (start === at.index) continue;
    const labels = text.slice(at.index + at.width, end).split('.');
    if (labels.length < 2 || labels.some((l) => l.length === 0) || !/^\p{L}{2,}$/u.test(labels[labels.length - 1]!)) continue;
    spans.push({ kind: 'email', start, end });
    from = end;
  }
}

function nextAt(text: string, from: number): { index: number; width: number } | undefined {
  const raw = text.indexOf('@', from);
  const encoded = text.indexOf('%40', from);
  if (raw === -1 && encoded === -1) return undefined;
  if (encoded === -1 || (raw !== -1 && raw < encoded)) return { index: raw, width: 1 };
  return { index: encoded, width: 3 };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
