import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createContextSchema, dropContextSchema } from '@platform/database/context-schema';

/** The realtime context's schema: only its outbox and inbox (the inbox drops redelivered events). */
export class RealtimeSchema1796181741451 implements MigrationInterface {
  name = 'RealtimeSchema1796181741451';

  async up(q: QueryRunner): Promise<void> {
    await createContextSchema(q, 'realtime');
  }

  async down(q: QueryRunner): Promise<void> {
    await dropContextSchema(q, 'realtime');
  }
}
