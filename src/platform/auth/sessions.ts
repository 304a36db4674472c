import { Inject, Injectable } from '@nestjs/common';
import { Cache } from '../cache/cache';
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

/**
 * Login sessions in the shared cache (Redis), read by the auth guard on every
 * authenticated request: revoking a session stops its access tokens at once, on every pod.
 */
@Injectable()
export class SessionStore {
  private readonly ttlMs: number;

  constructor(
    private readonly cache: Cache,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.ttlMs = config.auth.refreshTokenTtlSeconds * 1000;
  }

  async create(session: Omit<Session, 'lastSeenAt'>): Promise<Session> {
    const stored: Session = { ...session, lastSeenAt: session.createdAt };
    await this.cache.set(key(session.id), JSON.stringify(stored), this.ttlMs);
    await this.cache.addToSet(userKey(session.userId), [session.id], this.ttlMs);
    return stored;
  }

  async get(id: string): Promise<Session | null> {
    const raw = await this.cache.get(key(id));
    return raw ? (JSON.parse(raw) as Session) : null;
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
    if (session) await this.cache.removeFromSet(userKey(session.userId), [id]);
    return session;
  }

  /** Revokes every session of a user (except `keep`); returns the revoked ids. */
  async revokeAll(userId: string, keep?: string): Promise<string[]> {
    const ids = (await this.cache.setMembers(userKey(userId))).filter((id) => id !== keep);
    if (ids.length) {
      await this.cache.delete(...ids.map(key));
      await this.cache.removeFromSet(userKey(userId), ids);
    }
    return ids;
  }

  private async save(session: Session): Promise<void> {
    // Keep the remaining lifetime roughly: sessions end with their refresh tokens.
    const remaining = Math.max(1000, session.createdAt + this.ttlMs - Date.now());
    await this.cache.set(key(session.id), JSON.stringify(session), remaining);
  }
}

const key = (id: string) => `session:${id}`;
const userKey = (userId: string) => `user-sessions:${userId}`;
