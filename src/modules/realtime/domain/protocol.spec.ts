import { compareEventIds, parseClientMessage } from './protocol';

describe('realtime protocol', () => {
  it('orders event ids numerically, not as text', () => {
    expect(compareEventIds('999-0', '1000-0')).toBeLessThan(0);
    expect(compareEventIds('1000-2', '1000-10')).toBeLessThan(0);
    expect(compareEventIds('1000-1', '1000-1')).toBe(0);
    expect(compareEventIds('1001-0', '1000-99')).toBeGreaterThan(0);
  });

  it('reads the messages a client may send', () => {
    expect(parseClientMessage('{"type":"auth","token":"t","after":"1-0"}')).toEqual({ message: { type: 'auth', token: 't', after: '1-0' } });
    expect(parseClientMessage('{"type":"ping"}')).toEqual({ message: { type: 'ping' } });
  });

  it.each([
    ['not json', 'MALFORMED_JSON'],
    ['[]', 'UNKNOWN_TYPE'],
    ['null', 'UNKNOWN_TYPE'],
    ['{"type":"subscribe"}', 'UNKNOWN_TYPE'],
    ['{"type":"__proto__"}', 'UNKNOWN_TYPE'],
    ['{"type":"auth"}', 'INVALID_MESSAGE'],
    ['{"type":"ping","extra":1}', 'INVALID_MESSAGE'],
    ['{"type":"resume","after":"01-x"}', 'INVALID_MESSAGE'],
  ])('answers %s with %s', (text, code) => {
    expect(parseClientMessage(text)).toEqual({ error: expect.objectContaining({ type: 'error', code }) });
  });
});
