import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A push message goes to every live device of its user: each attempt names the device it
 * went to (no foreign key: a device is deleted at sign-out, its attempts stay), so a later
 * round never sends again to a device that already accepted.
 */
export class NotificationsAttemptDevices1796181600000 implements MigrationInterface {
  name = 'NotificationsAttemptDevices1796181600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('alter table notifications.delivery_attempts add column device_id uuid');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('alter table notifications.delivery_attempts drop column device_id');
  }
}
