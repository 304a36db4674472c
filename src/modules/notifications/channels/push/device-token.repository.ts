import { Injectable } from '@nestjs/common';
import { newId } from '@shared-kernel';
import { UnitOfWork, type Tx } from '@platform/database/unit-of-work';

export type PushPlatform = 'fcm' | 'apns';

/** A user's registered device as they see it (never the token itself: it stays on the device and in the send path). */
export interface DeviceView {
  readonly id: string;
  readonly platform: PushPlatform;
  readonly createdAt: string;
  readonly registeredAt: string;
}

/** What the dispatcher sends a push to: one OutboundMessage per live token, `to` the token and `platform` this one's. */
export interface LiveDeviceToken {
  readonly deviceId: string;
  readonly platform: PushPlatform;
  readonly token: string;
}

/** Where push providers report a token their provider called dead (unregistered, invalid, for another app). */
export interface DeadTokenSink {
  markDead(platform: PushPlatform, token: string, reason: string): Promise<void>;
}

interface DeviceRow {
  id: string;
  platform: PushPlatform;
  created_at: Date;
  registered_at: Date;
}

const COLUMNS = 'id, platform, created_at, registered_at';

/** The notifications context's SQL for `notifications.device_tokens`. */
@Injectable()
export class DeviceTokenRepository implements DeadTokenSink {
  constructor(private readonly uow: UnitOfWork) {}

  /**
   * Registers a token for a user, idempotently: the same token again refreshes it (and
   * revives it if a provider had called it dead); a token another user had moves to this one
   * under a new id (the install now belongs to them). The user keeps at most `keep` live
   * tokens: registering beyond that drops the least recently registered, since a reinstalled
   * app leaves its old token behind without a word.
   */
  register(userId: string, platform: PushPlatform, token: string, keep: number): Promise<{ created: boolean; device: DeviceView }> {
    return this.uow.run(
      async (tx) => {
        // One registration per user at a time, so the cap holds under concurrent registrations.
        await tx.query("select pg_advisory_xact_lock(hashtextextended('notifications.device_tokens:' || $1, 0))", [userId]);
        const inserted = await tx.query<DeviceRow>(
          `insert into notifications.device_tokens (id, user_id, platform, token) values ($1, $2, $3, $4)
           on conflict (platform, token) do nothing returning ${COLUMNS}`,
          [newId(), userId, platform, token],
        );
        let created = true;
        let row = inserted.rows[0];
        if (!row) {
          const existing = (
            await tx.query<{ id: string; user_id: string }>(
              'select id, user_id from notifications.device_tokens where platform = $1 and token = $2 for update',
              [platform, token],
            )
          ).rows[0]!;
          created = existing.user_id !== userId;
          row = (
            await tx.query<DeviceRow>(
              created
                ? `update notifications.device_tokens set id = $2, user_id = $3, created_at = now(), registered_at = now(), dead_at = null, dead_reason = null
                   where id = $1 returning ${COLUMNS}`
                : `update notifications.device_tokens set registered_at = now(), dead_at = null, dead_reason = null where id = $1 returning ${COLUMNS}`,
              created ? [existing.id, newId(), userId] : [existing.id],
            )
          ).rows[0]!;
        }
        await this.dropBeyond(tx, userId, keep);
        return { created, device: viewOf(row) };
      },
      // A concurrent first registration of the same token by another user may win the insert race.
      { retryOn: ['23505'] },
    );
  }

  /** The user's live devices, most recently registered first. */
  async listOf(userId: string): Promise<DeviceView[]> {
    const { rows } = await this.uow.query<DeviceRow>(
      `select ${COLUMNS} from notifications.device_tokens where user_id = $1 and dead_at is null order by registered_at desc, id`,
      [userId],
    );
    return rows.map(viewOf);
  }

  /** Removes one of the user's devices; false when there is none of theirs with that id. */
  async remove(userId: string, id: string): Promise<boolean> {
    const { rowCount } = await this.uow.query('delete from notifications.device_tokens where id = $1 and user_id = $2', [id, userId]);
    return rowCount > 0;
  }

  /** The tokens a push to this user goes to (live ones only), most recently registered first. */
  async liveTokensOf(userId: string): Promise<LiveDeviceToken[]> {
    const { rows } = await this.uow.query<{ id: string; platform: PushPlatform; token: string }>(
      'select id, platform, token from notifications.device_tokens where user_id = $1 and dead_at is null order by registered_at desc, id',
      [userId],
    );
    return rows.map((r) => ({ deviceId: r.id, platform: r.platform, token: r.token }));
  }

  async markDead(platform: PushPlatform, token: string, reason: string): Promise<void> {
    await this.uow.query('update notifications.device_tokens set dead_at = now(), dead_reason = $3 where platform = $1 and token = $2 and dead_at is null', [
      platform,
      token,
      reason.slice(0, 200),
    ]);
  }

  private async dropBeyond(tx: Tx, userId: string, keep: number): Promise<void> {
    await tx.query(
      `delete from notifications.device_tokens where id in (
         select id from notifications.device_tokens where user_id = $1 and dead_at is null order by registered_at desc, created_at desc offset $2)`,
      [userId, keep],
    );
  }
}

function viewOf(row: DeviceRow): DeviceView {
  return { id: row.id, platform: row.platform, createdAt: row.created_at.toISOString(), registeredAt: row.registered_at.toISOString() };
}
