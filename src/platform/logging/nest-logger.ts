import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';

/** Routes Nest's own log calls into the structured pino logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal', message: unknown, rest: unknown[]): void {
    // Nest appends the logger's context (class name) last; for errors a stack may precede it.
    const strings = rest.filter((r): r is string => typeof r === 'string');
    const context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? strings.pop() : undefined;
    if (message instanceof Error) {
      this.logger[level]({ context, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      // logger.warn({ ...fields }, 'what happened'): the first string is the message.
      this.logger[level]({ context, ...message }, strings[0]);
    } else {
      this.logger[level]({ context, ...(level === 'error' && strings[0] ? { stack: strings[0] } : {}) }, String(message));
    }
  }
}
