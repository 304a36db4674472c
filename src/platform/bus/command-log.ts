import { createHash } from 'node:crypto';
import { canonicalJson, DomainError } from '../../shared-kernel';
import type { UnitOfWork } from '../database/unit-of-work';
import type { BusReply } from './bus-wire';

export type Claim = { readonly state: 'claimed' } | { readonly state: 'completed'; readonly reply: BusReply } | { readonly state: 'busy' };

/**
 * The owner's record of commands it served by call id (platform.bus_commands in the
 * context's database). A redelivered or retried command finds its first answer here and
 * is not run again; one still running elsewhere is waited for; one whose process died
 * mid-way (its lock expired) is taken over — commands are idempotent by their own ids
 * (transfer ids, account ids), so running it again has no second effect.
 */
export class CommandLog {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly lockMs: number,
  ) {}

  static fingerprint(type: string, payload: unknown): string {
    return createHash('sha256').update(`${type}\n${canonicalJson(payload)}`).digest('hex');
  }

  claim(context: string, id: string, type: string, fingerprint: string): Promise<Claim> {
    return this.uow.run(async (tx) => {
      const inserted = await tx.query(
        `insert into platform.bus_commands (context, command_id, type, request_hash, state, locked_until)
         values ($1, $2, $3, $4, 'in_progress', now() + $5 * interval '1 millisecond') on conflict do nothing`,
        [context, id, type, fingerprint, this.lockMs],
      );
      if (inserted.rowCount === 1) return { state: 'claimed' };
      const { rows } = await tx.query<{ request_hash: string; state: string; reply: string | null; locked: boolean }>(
        `select request_hash, state, reply, locked_until > now() as locked from platform.bus_commands where context = $1 and command_id = $2 for update`,
        [context, id],
      );
      const row = rows[0];
      if (!row) return { state: 'busy' }; // abandoned a moment ago: the next look claims it
      if (row.request_hash !== fingerprint) throw new DomainError('conflict', 'COMMAND_ID_REUSED', `command ${id} was sent before with another payload`);
      if (row.state === 'completed') return { state: 'completed', reply: JSON.parse(row.reply!) as BusReply };
      if (row.locked) return { state: 'busy' };
      await tx.query(`update platform.bus_commands set locked_until = now() + $3 * interval '1 millisecond' where context = $1 and command_id = $2`, [context, id, this.lockMs]);
      return { state: 'claimed' };
    });
  }

  async complete(context: string, id: string, reply: BusReply): Promise<void> {
    await this.uow.query(`update platform.bus_commands set state = 'completed', reply = $3 where context = $1 and command_id = $2`, [context, id, JSON.stringify(reply)]);
  }

  /** Forgets a claim whose outcome a retry may change (the owner was unavailable, or failed unexpectedly). */
  async abandon(context: string, id: string): Promise<void> {
    await this.uow.query(`delete from platform.bus_commands where context = $1 and command_id = $2 and state = 'in_progress'`, [context, id]);
  }

  /** Drops answers older than a day: no caller waits that long, Kafka keeps requests an hour. */
  async prune(): Promise<number> {
    const { rowCount } = await this.uow.query(`delete from platform.bus_commands where created_at < now() - interval '1 day'`);
    return rowCount;
  }
}
