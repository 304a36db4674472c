import pino, { type Logger, type LoggerOptions } from 'pino';
import { requestContext } from '../context/request-context';
import { maskSensitive } from './sensitive-data';

/**
 * Paths pino removes from every log line. Anything that can hold a credential, a card
 * number or personal data is listed; scrubLogText below is the second net.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.idToken',
  '*.secret',
  '*.clientSecret',
  '*.authorization',
  '*.cardNumber',
  '*.pan',
  '*.cvv',
  '*.cvc',
  '*.pin',
  '*.ssn',
  '*.nationalId',
  '*.dateOfBirth',
  'password',
  'token',
  'secret',
];

// `password=…`, `token: …` in free text (an error message quoting a connection setting).
const CREDENTIAL_PAIR =
  /\b(password|passwd|pwd|passphrase|secret|client_secret|token|access_token|refresh_token|api[_-]?key)(=|: ?)(?!\[REDACTED)([^\s&,;"'\\]+)/gi;
// `scheme://user:password@host`: a connection string in an error.
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@"'\\]+):(?!\[REDACTED)([^\s@/"'\\]+)@/gi;

/**
 * The last net, over every serialised line: card numbers (Luhn-valid digit runs), IBANs and
 * e-mail addresses become `[REDACTED-PAN]`, `[REDACTED-IBAN]`, `[REDACTED-EMAIL]` wherever
 * they are (message, error, stack, any field), and `password=…`-like pairs lose their value.
 * It keeps a JSON line JSON: a card number given as a JSON number becomes a string.
 */
export function scrubLogText(text: string): string {
  let paired = text;
  if (text.includes('=') || text.includes(': ')) paired = paired.replace(CREDENTIAL_PAIR, '$1$2[REDACTED]');
  if (text.includes('://')) paired = paired.replace(URL_CREDENTIALS, '$1:[REDACTED]@');
  return maskSensitive(paired, (kind, span) => {
    const token = `[REDACTED-${kind.toUpperCase()}]`;
    const jsonNumber = kind === 'pan' && paired.slice(span.start - 2, span.start) === '":' && /[,}\]]/.test(paired.charAt(span.end));
    return jsonNumber ? `"${token}"` : token;
  });
}

export function loggerOptions(level: LoggerOptions['level']): LoggerOptions {
  return {
    level,
    base: { service: 'skyro-core' },
    messageKey: 'msg',
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
    formatters: {
      level: (label) => ({ level: label }),
    },
    hooks: {
      // After serialisation, so nothing escapes it: nested fields, error stacks, messages.
      streamWrite: scrubLogText,
    },
    mixin: () => {
      const ctx = requestContext.current();
      return ctx ? { requestId: ctx.requestId, traceId: ctx.traceId ?? undefined } : {};
    },
  };
}

export function createLogger(level: LoggerOptions['level'], destination?: pino.DestinationStream): Logger {
  // Asynchronous stdout: under load, lines written while a write is in flight go out
  // together in one syscall instead of blocking the event loop line by line. pino flushes
  // synchronously on exit, so nothing is lost at shutdown.
  return pino(loggerOptions(level), destination ?? pino.destination({ dest: 1, sync: false }));
}
