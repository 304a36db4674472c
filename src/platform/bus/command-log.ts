import { createHash } from 'node:crypto';
import { canonicalJson, DomainError } from '@shared-kernel';
import type { UnitOfWork } from '../database/unit-of-work';
import type { BusReply } from './bus-wire';

/**
 * The owner's record of the commands it served, by call id, with their first answer
 * (platform.bus_commands in the context's database): a redelivered or retried command gets
 * that answer again and is not run again. Two deliveries of one call that arrive at once
 * both run — a context's commands are idempotent by their own ids (transfer ids, account
 * ids), so that has one effect — and the first answer recorded is the one both return.
 *
 * The record is one statement committed without waiting for its WAL flush
 * (synchronous_commit off): it only spares repeating work the command's own ids already
 * make harmless, so losing the last few milliseconds of records in a crash costs nothing
 * but that repetition, and the command path pays no second fsync.
 */
export class CommandLog {
  constructor(private readonly uow: UnitOfWork) {}

  static fingerprint(type: string, payload: unknown): string {
    return createHash('sha256')
      .update(`${type}\n${canonicalJson(payload)}`)
      .digest('hex');
  }

  /** The first answer to this call, if it was served before; the same call id with another payload is refused. */
  async recorded(context: string, id: string, fingerprint: string): Promise<BusReply | undefined> {
    const { rows } = await this.uow.query<{ request_hash: string; reply: string }>(
      'select request_hash, reply from platform.bus_commands where context = $1 and command_id = $2',
      [context, id],
    );
    const row = rows[0];
    if (!row) return undefined;
    if (row.request_hash !== fingerprint) throw new DomainError('conflict', 'COMMAND_ID_REUSED', `command ${id} was sent before with another payload`);
    return JSON.parse(row.reply) as BusReply;
  }

  /**
   * Records the answer; when another delivery recorded one first, that one is the answer.
   * One statement, committed without waiting for its WAL flush (set_config is local to the
   * statement's own transaction).
   */
  async record(context: string, id: string, type: string, fingerprint: string, reply: BusReply): Promise<BusReply> {
    const inserted = await this.uow.query(
      `insert into platform.bus_commands (context, command_id, type, request_hash, reply)
       select $1, $2, $3, $4, $5 from (select set_config('synchronous_commit', 'off', true)) as unflushed
       on conflict do nothing`,
      [context, id, type, fingerprint, JSON.stringify(reply)],
    );
    if (inserted.rowCount === 1) return reply;
    const { rows } = await this.uow.query<{ reply: string }>('select reply from platform.bus_commands where context = $1 and command_id = $2', [context, id]);
    return rows[0] ? (JSON.parse(rows[0].reply) as BusReply) : reply;
  }

  /** Drops answers older than a day: no caller waits that long, Kafka keeps requests an hour. */
  async prune(): Promise<number> {
    const { rowCount } = await this.uow.query(`delete from platform.bus_commands where created_at < now() - interval '1 day'`);
    return rowCount;
  }
}
