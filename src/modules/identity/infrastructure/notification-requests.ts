import { Inject, Injectable, Logger } from '@nestjs/common';
import { newId } from '@shared-kernel';
import { identityConfig, type IdentityConfig } from '../identity.config';
import type { Tx } from '@platform/database/unit-of-work';
import { Outbox } from '@platform/messaging/outbox';
import { NotificationRequested, type NotificationTemplate } from '../contract';
import { newSecret, sha256 } from './secrets';
import { UserRecords } from './user-records';

const TOKEN_PURPOSE: Partial<Record<NotificationTemplate, 'verify_email' | 'password_reset'>> = {
  'verify-email': 'verify_email',
  'password-reset': 'password_reset',
};
const NOTICE_TTL_SECONDS = 7 * 86_400;
export const DELIVERY = 'token-delivery';

/**
 * Asks the notifications context for a message (ADR 0007): a row it can fetch the content
 * of, and an outbox event carrying only ids. One-time tokens are stored as a hash for
 * checking and, for delivery only, encrypted under the user's data key.
 */
@Injectable()
export class NotificationRequests {
  private readonly logger = new Logger('identity.notifications');

  constructor(
    private readonly users: UserRecords,
    private readonly outbox: Outbox,
    @Inject(identityConfig.token) private readonly config: IdentityConfig,
  ) {}

  async request(tx: Tx, userId: string, template: NotificationTemplate): Promise<void> {
    const notificationId = newId();
    const purpose = TOKEN_PURPOSE[template];
    const ttl =
      purpose === 'verify_email' ? this.config.emailTokenTtlSeconds : purpose === 'password_reset' ? this.config.passwordResetTtlSeconds : NOTICE_TTL_SECONDS;
    const expiresAt = new Date(Date.now() + ttl * 1000);
    let tokenId: string | null = null;
    if (purpose) {
      // A new token replaces any earlier one of the same purpose: only the latest link works.
      await tx.query('update identity.one_time_tokens set used_at = now(), delivery = null where user_id = $1 and purpose = $2 and used_at is null', [
        userId,
        purpose,
      ]);
      const token = newSecret(purpose === 'verify_email' ? 'skr_ev' : 'skr_pr');
      tokenId = newId();
      await tx.query('insert into identity.one_time_tokens (id, user_id, purpose, token_hash, delivery, expires_at) values ($1, $2, $3, $4, $5, $6)', [
        tokenId,
        userId,
        purpose,
        sha256(token),
        await this.users.seal(tx, userId, DELIVERY, token),
        expiresAt,
      ]);
    }
    await tx.query('insert into identity.notification_requests (id, user_id, template, token_id, expires_at) values ($1, $2, $3, $4, $5)', [
      notificationId,
      userId,
      template,
      tokenId,
      expiresAt,
    ]);
    await this.outbox.append(tx, 'identity', [
      NotificationRequested(userId, { notificationId, userId, template, channel: 'email', expiresAt: purpose ? expiresAt.toISOString() : null }),
    ]);
    // Until the notifications context exists, the request is visible here (never the token).
    tx.afterCommit(() => this.logger.log({ notificationId, userId, template }, 'notification requested'));
  }

  /** Consumes a one-time token of `purpose`: the user id, or null when unknown, used or expired. */
  async consume(tx: Tx, purpose: 'verify_email' | 'password_reset', token: string): Promise<string | null> {
    const { rows } = await tx.query<{ user_id: string }>(
      `update identity.one_time_tokens set used_at = now(), delivery = null
       where token_hash = $1 and purpose = $2 and used_at is null and expires_at > now() returning user_id`,
      [sha256(token), purpose],
    );
    return rows[0]?.user_id ?? null;
  }
}
