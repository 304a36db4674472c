import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Inject, Injectable } from '@nestjs/common';
import { notificationsConfig, type NotificationsConfig } from '@modules/notifications/notifications.config';
import type { VettedTarget } from './url-guard';

/** What one attempt came to: 2xx is success, anything else (or no answer) a failure worth retrying. */
export interface AttemptOutcome {
  readonly ok: boolean;
  readonly responseStatus: number | null;
  readonly responseTimeMs: number;
  /** Why it failed, in our words (never the receiver's body). */
  readonly error: string | null;
}

/** Of an answer's body we read at most this much, then hang up: a receiver cannot make us buffer without bound. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * POSTs one signed payload to a vetted target. The socket connects to the vetted address
 * (the lookup is pinned to it: no second resolution), TLS still verifies the certificate
 * for the URL's host name, redirects are not followed (a 3xx is a failed attempt: the
 * receiver must register the final URL), and one deadline covers connecting, sending and
 * the whole answer.
 */
@Injectable()
export class WebhookSender {
  constructor(@Inject(notificationsConfig.token) private readonly config: NotificationsConfig) {}

  send(target: VettedTarget, headers: Record<string, string>, body: string): Promise<AttemptOutcome> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const { url, address } = target;
    const lookup: LookupFunction = (_host, options, callback) => {
      if (options.all) (callback as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [address]);
      else callback(null, address.address, address.family);
    };
    const client = url.protocol === 'https:' ? https : http;
    return new Promise<AttemptOutcome>((resolve) => {
      let settled = false;
      const finish = (outcome: Omit<AttemptOutcome, 'responseTimeMs'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.destroy();
        resolve({ ...outcome, responseTimeMs: elapsed() });
      };
      const request = client.request(
        url,
        {
          method: 'POST',
          lookup,
          agent: false,
          headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'Skyro-Webhooks/1' },
        },
        (response) => {
          const status = response.statusCode ?? 0;
          let received = 0;
          const done = () => {
            if (status >= 200 && status < 300) finish({ ok: true, responseStatus: status, error: null });
            else if (status >= 300 && status < 400) finish({ ok: false, responseStatus: status, error: `redirect not followed (HTTP ${status})` });
            else finish({ ok: false, responseStatus: status, error: `HTTP ${status}` });
          };
          response.on('data', (chunk: Buffer) => {
            received += chunk.length;
            if (received > MAX_RESPONSE_BYTES) done();
          });
          response.on('end', done);
          response.on('error', () => finish({ ok: false, responseStatus: status, error: 'answer interrupted' }));
        },
      );
      const timer = setTimeout(
        () => finish({ ok: false, responseStatus: null, error: `no answer within ${this.config.webhooks.timeoutMs} ms` }),
        this.config.webhooks.timeoutMs,
      );
      request.on('error', (error: NodeJS.ErrnoException) => finish({ ok: false, responseStatus: null, error: describe(error) }));
      request.end(body);
    });
  }
}

function describe(error: NodeJS.ErrnoException): string {
  if (error.code === 'ECONNREFUSED') return 'connection refused';
  if (error.code === 'ECONNRESET') return 'connection reset';
  if (error.code?.startsWith('HPE_')) return 'invalid HTTP answer';
  if (error.code?.startsWith('ERR_TLS') || error.code?.includes('CERT')) return `TLS failure (${error.code})`;
  return `connection failed (${error.code ?? 'unknown'})`;
}
