import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createLogger } from '@platform/logging/logger';

/** A real platform logger whose JSON lines are kept in memory for assertions. */
export function capturingLogger(level: 'info' | 'debug' | 'warn' = 'info'): { logger: Logger; lines: string[]; text(): string } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger(level, stream), lines, text: () => lines.join('\n') };
}
