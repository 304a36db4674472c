import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Commands served to other processes over the bus, by call id, with their first answer:
 * a redelivered or retried command gets that answer again (see
 * src/platform/bus/command-log.ts). Rows are kept a day.
 */
export class BusCommands1763900400000 implements MigrationInterface {
  name = 'BusCommands1763900400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table platform.bus_commands (
        context       text not null,
        command_id    uuid not null,
        type          text not null,
        request_hash  text not null,
        reply         text not null,
        created_at    timestamptz not null default now(),
        primary key (context, command_id)
      )`);
    await q.query('create index bus_commands_created_at_idx on platform.bus_commands (created_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table platform.bus_commands');
  }
}
