import { trace } from '@opentelemetry/api';
import type { IncomingHttpHeaders } from 'node:http';

const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;

/**
 * The W3C trace id of the current request: from the active OpenTelemetry span when
 * tracing is on, else from an incoming `traceparent` header, else none.
 */
export function traceIdOf(headers: IncomingHttpHeaders): string | null {
  const span = trace.getActiveSpan();
  if (span) return span.spanContext().traceId;
  const header = headers['traceparent'];
  const match = typeof header === 'string' ? TRACEPARENT.exec(header.trim().toLowerCase()) : null;
  return match && match[1] !== '0'.repeat(32) ? match[1]! : null;
}
