import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** How the receiver answers a request to one path. */
export type Behaviour =
  | { readonly kind: 'status'; readonly status: number; readonly body?: string; readonly headers?: Record<string, string> }
  /** Bytes that are not HTTP at all. */
  | { readonly kind: 'garbage' }
  /** Accepts the request and never answers (the sender's deadline must end it). */
  | { readonly kind: 'hang' }
  /** Drops the connection without an answer. */
  | { readonly kind: 'reset' };

export interface ReceivedWebhook {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly webhookId: string;
  readonly sequence: number;
  readonly json: { type: string; timestamp: string; sequence: number; data: Record<string, unknown> };
}

/**
 * A real HTTP server on 127.0.0.1 receiving webhooks the way a client's would: it records
 * every request and answers per path (2xx by default; 5xx, garbage, silence, a reset or a
 * redirect when told). Signatures are checked with the standardwebhooks package itself.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private readonly behaviours = new Map<string, Behaviour>();
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<WebhookReceiver> {
    const server = createServer();
    const receiver = new WebhookReceiver(server);
    server.on('connection', (socket) => {
      receiver.sockets.add(socket);
      socket.on('close', () => receiver.sockets.delete(socket));
    });
    server.on('request', (req, res) => receiver.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path: string, host = '127.0.0.1'): string {
    return `http://${host}:${this.port}${path}`;
  }

  on(path: string, behaviour: Behaviour | null): void {
    if (behaviour) this.behaviours.set(path, behaviour);
    else this.behaviours.delete(path);
  }

  at(path: string): ReceivedWebhook[] {
    return this.received.filter((r) => r.path === path);
  }

  /** Whether `secret` verifies the message (Standard Webhooks: id, timestamp within 5 minutes, any of the signatures). */
  static verifies(message: ReceivedWebhook, secret: string): boolean {
    try {
      new Webhook(secret).verify(message.body, message.headers);
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
      const path = (req.url ?? '/').split('?')[0]!;
      let json: ReceivedWebhook['json'];
      try {
        json = JSON.parse(body) as ReceivedWebhook['json'];
      } catch {
        json = { type: '', timestamp: '', sequence: 0, data: {} };
      }
      this.received.push({ path, headers, body, webhookId: headers['webhook-id'] ?? '', sequence: Number(headers['webhook-sequence']), json });
      const behaviour = this.behaviours.get(path) ?? { kind: 'status', status: 204 };
      switch (behaviour.kind) {
        case 'status':
          res.writeHead(behaviour.status, behaviour.headers ?? {});
          res.end(behaviour.body ?? '');
          return;
        case 'garbage':
          req.socket.end('\u0000\u0001 this is not HTTP\r\n\r\n');
          return;
        case 'hang':
          return;
        case 'reset':
          req.socket.destroy();
          return;
      }
    });
  }
}
