import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Blind indexes over the normalised address (ADR 0006, "Normalised addresses"). Which form a row's `email_index`
 * was computed over: `legacy` (trimmed, lower-cased: every row before this migration and
 * any a pod of the previous release inserts while a deployment rolls, hence the default),
 * `nfc_casefold` (NFC, case-folded), or `legacy_conflict` (its normalised index belongs to
 * another user, so it keeps the legacy one). The recomputation itself needs the blind-index
 * and personal-data keys, which live in configuration, not in the database: identity's
 * ReindexEmails job does it, at start-up and every round after, until no `legacy` row is left.
 */
export class EmailIndexForm1763900500100 implements MigrationInterface {
  name = 'EmailIndexForm1763900500100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `alter table identity.users add column email_index_form text not null default 'legacy'
         check (email_index_form in ('legacy', 'nfc_casefold', 'legacy_conflict'))`,
    );
    // What the job has left to do, found without a scan however many users are done.
    await q.query(`create index users_legacy_email_index_idx on identity.users (id) where email_index_form = 'legacy' and email_index is not null`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop index identity.users_legacy_email_index_idx');
    await q.query('alter table identity.users drop column email_index_form');
  }
}
