import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createLogger } from '@platform/logging/logger';
import { suiteLogDestination } from './run-logs';

/**
 * A real platform logger whose JSON lines are kept in memory for assertions, and copied to
 * the run's log file like every test app's (the scan after the suite reads them too).
 */
export function capturingLogger(level: 'info' | 'debug' | 'warn' = 'info'): { logger: Logger; lines: string[]; text(): string } {
  const lines: string[] = [];
  const suite = suiteLogDestination();
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const text = chunk.toString('utf8');
      lines.push(...text.split('\n').filter(Boolean));
      suite?.write(text);
      done();
    },
  });
  return { logger: createLogger(level, stream), lines, text: () => lines.join('\n') };
}
