import { Injectable } from '@nestjs/common';
import { UnitOfWork, type Sql } from '@platform/database/unit-of-work';
import { DEFAULT_PREFERENCES, type Preferences } from '../domain/preferences';

/** notifications.preferences: one row per user who changed anything; the others have the defaults. */
@Injectable()
export class PreferenceRepository {
  constructor(private readonly uow: UnitOfWork) {}

  async of(userId: string, sql: Sql = this.uow): Promise<Preferences> {
    const { rows } = await sql.query<{ time_zone: string; quiet_start: string | null; quiet_end: string | null; muted: Preferences['mutedChannels'] }>(
      'select time_zone, quiet_start, quiet_end, muted from notifications.preferences where user_id = $1',
      [userId],
    );
    const row = rows[0];
    if (!row) return DEFAULT_PREFERENCES;
    return {
      timeZone: row.time_zone,
      quietHours: row.quiet_start && row.quiet_end ? { start: row.quiet_start, end: row.quiet_end } : null,
      mutedChannels: row.muted,
    };
  }

  async save(userId: string, preferences: Preferences): Promise<void> {
    await this.uow.query(
      `insert into notifications.preferences (user_id, time_zone, quiet_start, quiet_end, muted) values ($1, $2, $3, $4, $5)
       on conflict (user_id) do update set time_zone = excluded.time_zone, quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end,
         muted = excluded.muted, updated_at = now()`,
      [userId, preferences.timeZone, preferences.quietHours?.start ?? null, preferences.quietHours?.end ?? null, JSON.stringify(preferences.mutedChannels)],
    );
  }
}
