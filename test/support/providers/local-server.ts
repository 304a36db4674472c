import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * What the fake providers share: an HTTP/1.1 server on 127.0.0.1 and a port of its own, a
 * queue of scripted answers that take precedence over a fake's normal behaviour (an error
 * body, a rate limit, garbage, an answer that never comes), and closing that also ends the
 * requests left hanging.
 */

/** One answer a test scripts: a status with headers and a raw body, or no answer at all (the client must time out). */
export type ScriptedAnswer = { readonly status: number; readonly headers?: Record<string, string>; readonly body?: string } | { readonly hang: true };

export class Script {
  private readonly queue: ScriptedAnswer[] = [];

  /** The next requests get these answers, in order; afterwards the fake behaves normally again. */
  push(...answers: ScriptedAnswer[]): void {
    this.queue.push(...answers);
  }

  take(): ScriptedAnswer | undefined {
    return this.queue.shift();
  }

  clear(): void {
    this.queue.length = 0;
  }
}

export async function listen(
  handler: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void | Promise<void>,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      Promise.resolve(handler(req, res, Buffer.concat(chunks))).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`fake provider bug: ${String(error)}`);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Answers a scripted answer (true) or leaves the request to the fake (false). A hanging request is left open until the server closes. */
export function answerScripted(script: Script, res: ServerResponse): boolean {
  const next = script.take();
  if (!next) return false;
  if ('hang' in next) return true;
  res.writeHead(next.status, next.headers ?? {});
  res.end(next.body ?? '');
  return true;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
