import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Cache, type Subscription } from '../cache/cache';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { Role } from './principal';

export interface Session {
  readonly id: string;
  readonly userId: string;
  readonly roles: readonly Role[];
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly ip: string | null;
  readonly userAgent: string | null;
  /** When a second factor was last completed in this session (epoch ms), for step-up. */
  readonly secondFactorAt: number | null;
}

const TOUCH_EVERY_MS = 60_000;
/** How long a pod trusts its own copy of a session while change notices flow. */
const NEAR_TTL_MS = 5_000;
const NEAR_MAX_ENTRIES = 100_000;
const CHANGES_CHANNEL = 'sessions:changed';

/**
 * Login sessions in the shared cache (Redis), read by the auth guard on every
 * authenticated request: revoking a session stops its access tokens at once, on every pod.
 *
 * Each pod keeps the sessions it has just read for a few seconds (a near cache), so the
 * guard does not pay a Redis round trip per request. Every change to a session (revocation,
 * new roles, step-up) is broadcast on a Redis channel and every pod drops its copy on
 * receipt, so a revocation still takes effect at once everywhere. Pub/sub may lose messages
 * while a pod's subscriber connection is down: then the pod reads Redis every time and
 * forgets all copies made before the gap.
 */
@Injectable()
export class SessionStore implements OnModuleInit {
  private readonly ttlMs: number;
  private readonly near = new Map<string, { session: Session; until: number }>();
  private changes?: Subscription;
  private readonly listeners: Array<(ids: readonly string[]) => void> = [];
  private gapsSeen = 0;
  /** Counts change notices, so a read that raced with one does not keep a stale copy. */
  private noticesSeen = 0;

  constructor(
    private readonly cache: Cache,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.ttlMs = config.auth.refreshTokenTtlSeconds * 1000;
  }

  async onModuleInit(): Promise<void> {
    // In-process cache: one process, nothing to save, no copies kept.
    if (this.cache.kind === 'memory') return;
    this.changes = await this.cache.subscribe(CHANGES_CHANNEL, (message) => {
      this.noticesSeen++;
      const ids = message.split(',');
      for (const id of ids) this.near.delete(id);
      this.notify(ids);
    });
  }

  /**
   * Calls `listener` with the ids of sessions that changed (revoked, new roles...) here or,
   * through the Redis channel, on any pod: holders of long-lived connections re-check them.
   * At most once, like the channel: holders also re-check on their own from time to time.
   */
  onChanged(listener: (ids: readonly string[]) => void): () => void {
    this.listeners.push(listener);
    return () => void this.listeners.splice(this.listeners.indexOf(listener) >>> 0, 1);
  }

  private notify(ids: readonly string[]): void {
    for (const listener of this.listeners) listener(ids);
  }

  async create(session: Omit<Session, 'lastSeenAt'>): Promise<Session> {
    const stored: Session = { ...session, lastSeenAt: session.createdAt };
    await this.cache.set(key(session.id), JSON.stringify(stored), this.ttlMs);
    await this.cache.addToSet(userKey(session.userId), [session.id], this.ttlMs);
    return stored;
  }

  async get(id: string, now = Date.now()): Promise<Session | null> {
    const trusted = this.nearCacheTrusted();
    if (trusted) {
      const copy = this.near.get(id);
      if (copy && copy.until > now) return copy.session;
    }
    const notices = this.noticesSeen;
    const raw = await this.cache.get(key(id));
    const session = raw ? (JSON.parse(raw) as Session) : null;
    // Keep a copy only if no change notice arrived while Redis answered (it may be about this one).
    if (session && trusted && notices === this.noticesSeen && this.nearCacheTrusted()) {
      if (this.near.size >= NEAR_MAX_ENTRIES) this.near.delete(this.near.keys().next().value!);
      this.near.set(id, { session, until: now + NEAR_TTL_MS });
    }
    return session;
  }

  /** Records activity, at most once a minute per session (one write, not one per request). */
  async touch(session: Session, ip: string | null, now = Date.now()): Promise<void> {
    if (now - session.lastSeenAt < TOUCH_EVERY_MS) return;
    await this.save({ ...session, lastSeenAt: now, ip: ip ?? session.ip });
  }

  async recordSecondFactor(id: string, at = Date.now()): Promise<void> {
    const session = await this.get(id);
    if (session) await this.save({ ...session, secondFactorAt: at });
  }

  async updateRoles(userId: string, roles: readonly Role[]): Promise<void> {
    for (const session of await this.listForUser(userId)) await this.save({ ...session, roles });
  }

  async listForUser(userId: string): Promise<Session[]> {
    const ids = await this.cache.setMembers(userKey(userId));
    const raws = await this.cache.getMany(ids.map(key));
    const live = raws.flatMap((raw) => (raw ? [JSON.parse(raw) as Session] : []));
    const gone = ids.filter((_id, i) => raws[i] === null);
    if (gone.length) await this.cache.removeFromSet(userKey(userId), gone);
    return live.sort((a, b) => b.lastSeenAt - a.lastSeenAt);
  }

  async revoke(id: string): Promise<Session | null> {
    const session = await this.get(id);
    await this.cache.delete(key(id));
    await this.announce([id]);
    if (session) await this.cache.removeFromSet(userKey(session.userId), [id]);
    return session;
  }

  /** Revokes every session of a user (except `keep`); returns the revoked ids. */
  async revokeAll(userId: string, keep?: string): Promise<string[]> {
    const ids = (await this.cache.setMembers(userKey(userId))).filter((id) => id !== keep);
    if (ids.length) {
      await this.cache.delete(...ids.map(key));
      await this.announce(ids);
      await this.cache.removeFromSet(userKey(userId), ids);
    }
    return ids;
  }

  private async save(session: Session): Promise<void> {
    // Keep the remaining lifetime roughly: sessions end with their refresh tokens.
    const remaining = Math.max(1000, session.createdAt + this.ttlMs - Date.now());
    await this.cache.set(key(session.id), JSON.stringify(session), remaining);
    await this.announce([session.id]);
  }

  /** Tells every pod (this one at once) to drop its copies of these sessions. */
  private async announce(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.near.delete(id);
    // With Redis the notice comes back to this pod's listeners over the channel; without, tell them here.
    if (this.changes) await this.cache.publish(CHANGES_CHANNEL, ids.join(','));
    else this.notify(ids);
  }

  /** Copies are trusted only while change notices are received without a gap since they were made. */
  private nearCacheTrusted(): boolean {
    if (!this.changes) return false;
    if (this.changes.gaps !== this.gapsSeen) {
      this.gapsSeen = this.changes.gaps;
      this.near.clear();
    }
    return this.changes.live;
  }
}

const key = (id: string) => `session:${id}`;
const userKey = (userId: string) => `user-sessions:${userId}`;
