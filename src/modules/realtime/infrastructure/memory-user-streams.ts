import { compareEventIds } from '../domain/protocol';
import { frameParts, UserStreams, type HistoryFrame, type NewUserEvent, type UserStreamSettings } from './user-streams';

interface Stream {
  lastMs: number;
  lastSeq: number;
  frames: HistoryFrame[];
  /** The newest id dropped from the front (capped), '0-0' when none. */
  maxDropped: string;
  expiresAt: number;
  readonly seen: Map<string, number>;
}

/** One process, no Redis: the history in a map, fan-out to this process's gateway only. */
export class MemoryUserStreams extends UserStreams {
  readonly kind = 'memory' as const;
  private readonly streams = new Map<string, Stream>();
  private readonly listeners: Array<(userId: string, id: string, frame: string) => void> = [];
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly settings: UserStreamSettings) {
    super();
    this.sweeper = setInterval(() => this.sweep(), Math.min(60_000, settings.historyTtlMs)).unref();
  }

  async publish(userId: string, event: NewUserEvent, dedupeKey: string): Promise<string | null> {
    const now = Date.now();
    const stream = this.stream(userId, now);
    for (const [key, until] of stream.seen) if (until <= now) stream.seen.delete(key);
    if (stream.seen.has(dedupeKey)) return null;
    stream.seen.set(dedupeKey, now + this.settings.historyTtlMs);
    if (now > stream.lastMs) {
      stream.lastMs = now;
      stream.lastSeq = 0;
    } else stream.lastSeq++;
    const id = `${stream.lastMs}-${stream.lastSeq}`;
    const { head, tail } = frameParts(event);
    const frame = head + id + tail;
    stream.frames.push({ id, frame });
    while (stream.frames.length > this.settings.historySize) stream.maxDropped = stream.frames.shift()!.id;
    stream.expiresAt = now + this.settings.historyTtlMs;
    for (const listener of this.listeners) listener(userId, id, frame);
    return id;
  }

  async history(userId: string, after: string): Promise<{ frames: HistoryFrame[]; gap: boolean }> {
    const stream = this.streams.get(userId);
    if (!stream || stream.expiresAt <= Date.now()) return { frames: [], gap: true };
    return {
      frames: stream.frames.filter((f) => compareEventIds(f.id, after) > 0),
      gap: compareEventIds(stream.maxDropped, after) > 0,
    };
  }

  async listen(onEvent: (userId: string, id: string, frame: string) => void): Promise<void> {
    this.listeners.push(onEvent);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.listeners.length = 0;
  }

  private stream(userId: string, now: number): Stream {
    let stream = this.streams.get(userId);
    if (!stream || stream.expiresAt <= now) {
      // A fresh stream (first event, or after an expiry) knows nothing older: a client resuming
      // from before it is told of the gap. Its ids start at now, above any expired one.
      stream = { lastMs: 0, lastSeq: 0, frames: [], maxDropped: `${now - 1}-0`, expiresAt: now, seen: new Map() };
      this.streams.set(userId, stream);
    }
    return stream;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [userId, stream] of this.streams) if (stream.expiresAt <= now) this.streams.delete(userId);
  }
}
