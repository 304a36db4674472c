import type { WebSocket } from 'ws';
import { CloseCode, compareEventIds, type ErrorMessage } from '../domain/protocol';

/** Who a connection belongs to, once authenticated. */
export interface ConnectionOwner {
  readonly userId: string;
  readonly sessionId: string;
  /** Epoch ms. */
  readonly tokenExpiresAt: number;
}

/**
 * One client connection: its owner, what it has been sent, and the bounds it lives by. Live
 * events arriving while its history is being replayed wait in `pending`, and nothing with
 * an id at or below the last one sent is sent again, so a client sees each id once, in order.
 */
export class RealtimeConnection {
  owner?: ConnectionOwner;
  state: 'authenticating' | 'replaying' | 'open' | 'closed' = 'authenticating';
  /** Answered the last ping (or sent anything) since the previous heartbeat. */
  alive = true;
  /** Its `auth` message is being verified. */
  verifying = false;
  private lastSentId?: string;
  private pending: Array<{ id: string; frame: string }> = [];
  private windowStart = Date.now();
  private windowCount = 0;
  authTimer?: NodeJS.Timeout;

  constructor(
    readonly ws: WebSocket,
    private readonly maxBufferedBytes: number,
    private readonly maxMessagesPer10s: number,
    private readonly onClosed: (connection: RealtimeConnection) => void,
  ) {}

  /** Nothing delivered yet: a resume may still be asked for. */
  get fresh(): boolean {
    return this.lastSentId === undefined && this.state !== 'replaying';
  }

  /** A live event for this connection's user. */
  deliver(id: string, frame: string): void {
    if (this.state === 'replaying') this.pending.push({ id, frame });
    else if (this.state === 'open') this.sendEvent(id, frame);
  }

  beginReplay(): void {
    this.state = 'replaying';
  }

  /** Sends the replayed history, then what arrived live meanwhile, then goes live. */
  endReplay(history: ReadonlyArray<{ id: string; frame: string }>): void {
    if (this.state !== 'replaying') return;
    this.state = 'open';
    for (const { id, frame } of history) this.sendEvent(id, frame);
    const pending = this.pending;
    this.pending = [];
    for (const { id, frame } of pending) this.sendEvent(id, frame);
  }

  open(): void {
    if (this.state === 'authenticating') this.state = 'open';
  }

  send(message: object): void {
    this.sendFrame(JSON.stringify(message));
  }

  error(code: ErrorMessage['code'], message: string): void {
    this.send({ type: 'error', code, message } satisfies ErrorMessage);
  }

  /** Counts a client frame; false (and closed) when over the allowance. */
  admit(now = Date.now()): boolean {
    if (now - this.windowStart >= 10_000) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    if (++this.windowCount <= this.maxMessagesPer10s) return true;
    this.close(CloseCode.TOO_MANY_MESSAGES, 'TOO_MANY_MESSAGES');
    return false;
  }

  /**
   * Closes with a code the client can act on. A peer that does not read may never take the
   * close frame off the wire: the socket is destroyed after a second either way.
   */
  close(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.markClosed();
    this.ws.close(code, reason);
    setTimeout(() => this.ws.terminate(), 1000).unref();
  }

  /** Drops the connection without a close handshake (dead peer). */
  terminate(): void {
    this.markClosed();
    this.ws.terminate();
  }

  /** Called once, whichever way the connection ends (also by the socket's own close). */
  markClosed(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.pending = [];
    clearTimeout(this.authTimer);
    this.onClosed(this);
  }

  private sendEvent(id: string, frame: string): void {
    if (this.lastSentId !== undefined && compareEventIds(id, this.lastSentId) <= 0) return;
    this.lastSentId = id;
    this.sendFrame(frame);
  }

  private sendFrame(frame: string): void {
    if (this.state === 'closed') return;
    // What the socket could not hand to the kernel yet: above the bound the client is not
    // keeping up, and the server would otherwise hold its backlog without limit.
    if (this.ws.bufferedAmount + frame.length > this.maxBufferedBytes) {
      this.close(CloseCode.SLOW_CONSUMER, 'SLOW_CONSUMER');
      return;
    }
    this.ws.send(frame);
  }
}
