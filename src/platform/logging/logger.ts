import pino, { type Logger, type LoggerOptions } from 'pino';
import { requestContext } from '../context/request-context';

/**
 * Paths pino removes from every log line. Anything that can hold a credential, a card
 * number or personal data is listed; the card-number scrubber below is the second net.
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

const PAN_LIKE = /\b\d(?:[ -]?\d){12,18}\b/g;

/** Masks digit runs that pass the Luhn check (card numbers) inside free text. */
export function scrubCardNumbers(text: string): string {
  return text.replace(PAN_LIKE, (match) => {
    const digits = match.replace(/[ -]/g, '');
    return digits.length >= 13 && digits.length <= 19 && luhnValid(digits) ? '[REDACTED-PAN]' : match;
  });
}

function luhnValid(digits: string): boolean {
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

export function loggerOptions(level: LoggerOptions['level']): LoggerOptions {
  return {
    level,
    base: { service: 'skyro-core' },
    messageKey: 'msg',
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => {
        const err = object['err'] as { message?: unknown } | undefined;
        if (err && typeof err.message === 'string') err.message = scrubCardNumbers(err.message);
        return object;
      },
    },
    hooks: {
      logMethod(args, method) {
        // Free-text messages are scrubbed too: a PAN pasted into an error string must not leak.
        for (let i = 0; i < args.length; i++) {
          const a = args[i];
          if (typeof a === 'string') (args as unknown[])[i] = scrubCardNumbers(a);
        }
        return method.apply(this, args);
      },
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
