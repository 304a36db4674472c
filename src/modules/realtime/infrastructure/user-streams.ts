/**
 * Each user's stream of realtime events: a short history (the last N events, kept M minutes
 * after the last one) from which a reconnecting client resumes, and the fan-out that hands
 * every new event to every pod's gateway. Two implementations: Redis (a capped stream per
 * user and one pub/sub channel, for many pods) and in-process (the embedded default).
 */
export abstract class UserStreams {
  abstract readonly kind: 'redis' | 'memory';

  /**
   * Appends the event to the user's history under a new id (increasing per user) and
   * publishes it to every pod, once per `dedupeKey` within the history's lifetime: a
   * redelivered integration event is not sent twice. Returns the id, or null for a duplicate.
   */
  abstract publish(userId: string, event: NewUserEvent, dedupeKey: string): Promise<string | null>;

  /**
   * The events after `after`, oldest first (at most the history's size). `gap` is true when
   * events after `after` may have been dropped from the history (trimmed or expired).
   */
  abstract history(userId: string, after: string): Promise<{ frames: HistoryFrame[]; gap: boolean }>;

  /** Receives every event published on any pod: the user, its id and the frame to send as it is. */
  abstract listen(onEvent: (userId: string, id: string, frame: string) => void): Promise<void>;

  abstract close(): Promise<void>;
}

export interface NewUserEvent {
  /** The message name (`balance.changed`). */
  readonly event: string;
  readonly occurredAt: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface HistoryFrame {
  readonly id: string;
  /** The event message, serialised (docs/realtime.md `event`). */
  readonly frame: string;
}

export interface UserStreamSettings {
  readonly historySize: number;
  readonly historyTtlMs: number;
}

/**
 * The JSON of an event frame is built once, where the event is published, as two halves
 * around its id, so that every pod sends the same bytes without parsing or serialising again.
 */
export function frameParts(event: NewUserEvent): { head: string; tail: string } {
  return {
    head: '{"type":"event","id":"',
    tail: `","event":${JSON.stringify(event.event)},"occurredAt":${JSON.stringify(event.occurredAt)},"data":${JSON.stringify(event.data)}}`,
  };
}
