import { Injectable, Logger } from '@nestjs/common';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { canonicalEmail } from '@modules/identity/domain/email-address';
import { AuditLog } from '@modules/identity/infrastructure/audit-log';
import { PersonalDataCipher } from '@modules/identity/infrastructure/personal-data-cipher';
import { UserRecords } from '@modules/identity/infrastructure/user-records';

const BATCH = 500;

export interface ReindexOutcome {
  /** Rows whose index changed (their address was not in NFC, or folds differently). */
  readonly reindexed: number;
  /** Rows whose index was already the normalised one (every ASCII address). */
  readonly unchanged: number;
  /** Rows left on their legacy index because another user holds the normalised one. */
  readonly conflicts: number;
}

/**
 * Recomputes the blind index of users indexed before addresses were normalised (ADR 0006,
 * "Normalised addresses"): it needs the blind-index key and each user's data key, which live
 * in configuration, so it is a job of identity and not a migration. Idempotent and safe on
 * every pod at once (rows are locked with SKIP LOCKED, batch by batch); identity runs it at
 * start-up and every ten minutes, when it has nothing left to do in one query.
 *
 * Two users whose addresses were one spelling apart (é composed and decomposed) were two
 * accounts; neither can be merged into the other by a machine. The one already holding the
 * normalised index keeps it; the other keeps its legacy index (`legacy_conflict`, audited),
 * so both owners still sign in as they did, and support can settle it.
 */
@Injectable()
export class ReindexEmails {
  private readonly logger = new Logger('identity.reindex-emails');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserRecords,
    private readonly cipher: PersonalDataCipher,
    private readonly audit: AuditLog,
  ) {}

  async run(): Promise<ReindexOutcome> {
    const total = { reindexed: 0, unchanged: 0, conflicts: 0 };
    let after: string | null = null;
    for (;;) {
      const batch = await this.uow.run(async (tx) => {
        const counts = { reindexed: 0, unchanged: 0, conflicts: 0, seen: 0, last: null as string | null };
        for (const user of await this.users.legacyIndexed(tx, after, BATCH)) {
          counts.seen++;
          counts.last = user.id;
          const personal = await this.users.personalData(tx, user);
          // Without its data key the address is gone (erased): nothing to index. (Closing clears the index too.)
          if (!personal) continue;
          const index = this.cipher.emailIndex(personal.email);
          const holder = user.email_index?.equals(index) ? null : await this.users.emailIndexHolder(tx, index, user.id);
          if (holder) {
            await this.users.setEmailIndex(tx, user.id, user.email_index!, 'legacy_conflict');
            await this.audit.append(tx, { type: 'user.email_index_conflict', subjectId: user.id, details: { normalisedIndexHeldBy: holder } });
            this.logger.warn({ userId: user.id, heldBy: holder }, 'two users have one address in different spellings; this one keeps its legacy index');
            counts.conflicts++;
            continue;
          }
          await this.users.setEmailIndex(tx, user.id, index, 'nfc_casefold');
          if (canonicalEmail(personal.email) !== personal.email)
            await this.users.savePersonalData(tx, user.id, { ...personal, email: canonicalEmail(personal.email) });
          if (user.email_index?.equals(index)) counts.unchanged++;
          else counts.reindexed++;
        }
        return counts;
      });
      total.reindexed += batch.reindexed;
      total.unchanged += batch.unchanged;
      total.conflicts += batch.conflicts;
      if (batch.seen < BATCH) break;
      after = batch.last;
    }
    if (total.reindexed + total.unchanged + total.conflicts > 0) this.logger.log({ ...total }, 'e-mail blind indexes recomputed over the normalised form');
    return total;
  }
}
