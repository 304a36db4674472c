import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { PersonalDataCipher } from './personal-data-cipher';

const EVERY_MS = 10 * 60_000;
const LOCK = 0x1d_c1ea;

/**
 * Re-wraps data keys still wrapped by a retired key-encryption key (ADR 6), a batch per
 * round, so the old key can be removed from IDENTITY_PII_KEYS once none is left. And
 * deletes what has stopped mattering, so identity's tables do not grow without bound:
 * refresh tokens of ended sessions (a day after they ended), rotated tokens older than
 * `ROTATED_KEEP_DAYS` in live sessions (older ones can no longer trigger reuse detection,
 * only fail as unknown), redeemed or expired codes, tokens and notification requests.
 * One pod at a time (advisory lock); each statement is bounded by an index or a time range.
 */
export const ROTATED_KEEP_DAYS = 7;
const REWRAP_BATCH = 500;

@Injectable()
export class Housekeeping implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('identity.housekeeping');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly cipher: PersonalDataCipher,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.run().catch((err: unknown) => this.logger.warn({ err }, 'housekeeping failed; retrying next round')), EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async run(): Promise<Record<string, number>> {
    return this.uow.run(async (tx) => {
      const { rows } = await tx.query<{ locked: boolean }>('select pg_try_advisory_xact_lock($1) as locked', [LOCK]);
      if (!rows[0]?.locked) return {};
      const counts: Record<string, number> = {};
      const purge = async (name: string, sql: string, params: unknown[] = []) => {
        counts[name] = (await tx.query(sql, params)).rowCount;
      };
      await purge(
        'refreshTokensOfEndedSessions',
        `delete from identity.refresh_tokens t using identity.refresh_token_families f
         where t.family_id = f.id and coalesce(f.revoked_at, f.expires_at) < now() - interval '1 day'`,
      );
      await purge('rotatedRefreshTokens', `delete from identity.refresh_tokens where rotated_at < now() - $1 * interval '1 day'`, [ROTATED_KEEP_DAYS]);
      await purge('authorizationCodes', `delete from identity.authorization_codes where expires_at < now() - interval '1 day'`);
      await purge('notificationRequests', `delete from identity.notification_requests where expires_at < now() - interval '1 day'`);
      await purge(
        'oneTimeTokens',
        `delete from identity.one_time_tokens t where t.expires_at < now() - interval '1 day'
         and not exists (select 1 from identity.notification_requests n where n.token_id = t.id)`,
      );
      const { rows: stale } = await tx.query<{ user_id: string; kek_id: string; wrapped_key: Buffer }>(
        'select user_id, kek_id, wrapped_key from identity.user_keys where wrapped_key is not null and kek_id <> $1 limit $2 for update skip locked',
        [this.cipher.activeKekId, REWRAP_BATCH],
      );
      for (const key of stale) {
        const rewrapped = this.cipher.rewrap(key.user_id, { kekId: key.kek_id, wrapped: key.wrapped_key });
        await tx.query('update identity.user_keys set kek_id = $2, wrapped_key = $3 where user_id = $1', [key.user_id, rewrapped.kekId, rewrapped.wrapped]);
      }
      counts['rewrappedDataKeys'] = stale.length;
      if (Object.values(counts).some((n) => n > 0)) this.logger.log({ counts }, 'identity housekeeping');
      return counts;
    });
  }
}
