import { Writable } from 'node:stream';
import { createLogger, scrubLogText } from './logger';

describe('scrubLogText', () => {
  it('masks Luhn-valid card numbers, with or without separators', () => {
    expect(scrubLogText('card 4111111111111111 declined')).toBe('card [REDACTED-PAN] declined');
    expect(scrubLogText('card 4111 1111 1111 1111')).toBe('card [REDACTED-PAN]');
    expect(scrubLogText('amex 3782-822463-10005')).toBe('amex [REDACTED-PAN]');
  });

  it('keeps other numbers (ids, amounts, timestamps)', () => {
    expect(scrubLogText('order 4111111111111112 of 1763900000000')).toBe('order 4111111111111112 of 1763900000000');
  });

  it('masks IBANs and e-mail addresses, and the value of password=… pairs and URL credentials', () => {
    expect(scrubLogText('to GB82 WEST 1234 5698 7654 32 and DE89370400440532013000')).toBe('to [REDACTED-IBAN] and [REDACTED-IBAN]');
    expect(scrubLogText('sent to josé.núñez@exämple.com.')).toBe('sent to [REDACTED-EMAIL].');
    expect(scrubLogText('db password=hunter2 token: abc123')).toBe('db password=[REDACTED] token: [REDACTED]');
    expect(scrubLogText('connect postgres://skyro:s3cret@db:5432/skyro failed')).toBe('connect postgres://skyro:[REDACTED]@db:5432/skyro failed');
  });

  it('keeps a JSON line valid JSON when a card number is a JSON number', () => {
    const line = scrubLogText('{"pan":4111111111111111,"list":[1],"msg":"x:4111111111111111"}');
    expect(JSON.parse(line)).toEqual({ pan: '[REDACTED-PAN]', list: [1], msg: 'x:[REDACTED-PAN]' });
  });
});

describe('the platform logger', () => {
  const capture = () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _e, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    return { logger: createLogger('info', stream), lines };
  };

  it('scrubs every part of a line: message, fields, error message and stack, child loggers without redaction', () => {
    const { logger, lines } = capture();
    const err = new Error('charging 4111 1111 1111 1111 for jane@example.com');
    logger.warn({ err, nested: { reference: 'DE89370400440532013000', note: ['4242424242424242'] } }, 'failed for jane@example.com');
    logger.child({}, { redact: [] }).info({ path: '/v1/cards/4242424242424242' }, 'request');
    const text = lines.join('\n');
    for (const secret of ['4111 1111 1111 1111', '4242424242424242', 'DE89370400440532013000', 'jane@example.com']) expect(text).not.toContain(secret);
    const first = JSON.parse(lines[0]!) as { err: { message: string; stack: string }; msg: string };
    expect(first.err.stack).toContain('[REDACTED-PAN]');
    expect(first.msg).toBe('failed for [REDACTED-EMAIL]');
    // The error itself is left as it was: only its log line is masked.
    expect(err.message).toContain('4111 1111 1111 1111');
  });
});
