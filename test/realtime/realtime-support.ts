import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { WebSocket, type ClientOptions } from 'ws';
import { recordSecrets } from '../support/run-logs';

/** What the server sent, parsed. */
export type ServerMessage = { type: string; [key: string]: unknown };

/** The ws:// URL of an app listening on a real port. */
export function realtimeUrl(app: INestApplication): string {
  const { port } = app.getHttpServer().address() as AddressInfo;
  return `ws://127.0.0.1:${port}/v1/realtime`;
}

/**
 * A real WebSocket client (the `ws` package) that records every message and how it closed,
 * with waits bounded in time: a wait that runs out fails with what was received.
 */
export class RealtimeClient {
  readonly messages: ServerMessage[] = [];
  closed?: { code: number; reason: string };
  private readonly waiters = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      this.messages.push(isBinary ? { type: '(binary)' } : (JSON.parse((data as Buffer).toString()) as ServerMessage));
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
    ws.on('error', () => undefined);
  }

  /** Opens (the upgrade answered), without authenticating. */
  static async connect(url: string, options: ClientOptions & { protocols?: string[] } = {}): Promise<RealtimeClient> {
    const { protocols, ...rest } = options;
    const ws = new WebSocket(url, protocols, rest);
    const client = new RealtimeClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode, body })));
      });
      ws.once('error', reject);
    });
    return client;
  }

  /** Connects and authenticates with the first message; resolves with `ready`. */
  static async authenticated(url: string, token: string, after?: string, options: ClientOptions = {}): Promise<RealtimeClient> {
    const client = await RealtimeClient.connect(url, options);
    client.send({ type: 'auth', token, ...(after ? { after } : {}) });
    await client.next((m) => m.type === 'ready');
    return client;
  }

  send(message: unknown): void {
    const text = JSON.stringify(message);
    const token = (message as { token?: unknown }).token;
    if (typeof token === 'string') recordSecrets([token]);
    this.ws.send(text);
  }

  /** The first message (from `from` on) that matches; fails after `timeoutMs`. */
  async next(match: (m: ServerMessage) => boolean, timeoutMs = 20_000, from = 0): Promise<ServerMessage> {
    const found = await this.until(() => this.messages.slice(from).find(match), timeoutMs);
    if (!found)
      throw new Error(
        `no matching message within ${timeoutMs} ms; received ${JSON.stringify(this.messages).slice(0, 2000)}; closed ${JSON.stringify(this.closed)}`,
      );
    return found;
  }

  events(name?: string): ServerMessage[] {
    return this.messages.filter((m) => m.type === 'event' && (name === undefined || m['event'] === name));
  }

  /** How the connection ended; fails if it is still open after `timeoutMs`. */
  async closing(timeoutMs = 20_000): Promise<{ code: number; reason: string }> {
    const closed = await this.until(() => this.closed, timeoutMs);
    if (!closed) throw new Error(`still open after ${timeoutMs} ms; received ${JSON.stringify(this.messages).slice(0, 2000)}`);
    return closed;
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
  }

  private async until<T>(probe: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined || Date.now() >= deadline) return value;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(250, deadline - Date.now()));
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        this.waiters.add(wake);
      });
    }
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** Waits until `probe` holds, up to `timeoutMs`; answers whether it did. */
export async function within(probe: () => boolean, timeoutMs = 20_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

/** A balance.changed event frame (each balance change also brings a notification.added for the in-app item). */
export const isBalanceChange = (m: Record<string, unknown>): boolean => m['type'] === 'event' && m['event'] === 'balance.changed';
