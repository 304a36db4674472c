import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@shared-kernel';
import type { Sql } from '@platform/database/unit-of-work';
import type { Role } from '@platform/auth/principal';
import type { PersonalData } from '../domain/personal-data';
import type { UserStatus } from '../domain/user-status';
import { PersonalDataCipher } from './personal-data-cipher';

export interface UserRow {
  readonly id: string;
  readonly status: UserStatus;
  readonly roles: Role[];
  readonly password_hash: string | null;
  readonly email_index: Buffer | null;
  readonly personal_data: Buffer | null;
  readonly locale: string;
  readonly channels: string[];
  readonly email_verified_at: Date | null;
  readonly created_at: Date;
  readonly updated_at: Date;
  readonly closed_at: Date | null;
}

const PERSONAL = 'personal-data';

export const userNotFound = () => new NotFoundError('USER_NOT_FOUND', 'No such user');

/** The users table and each user's wrapped data key (SQL only; encryption in PersonalDataCipher). */
@Injectable()
export class UserRecords {
  constructor(private readonly cipher: PersonalDataCipher) {}

  async insert(sql: Sql, user: { id: string; personal: PersonalData; passwordHash: string; locale: string }): Promise<void> {
    const { dataKey, wrapped } = this.cipher.newDataKey(user.id);
    await sql.query(
      `insert into identity.users (id, email_index, email_index_form, status, password_hash, personal_data, locale)
       values ($1, $2, 'nfc_casefold', 'pending', $3, $4, $5)`,
      [
        user.id,
        this.cipher.emailIndex(user.personal.email),
        user.passwordHash,
        this.cipher.encrypt(dataKey, user.id, PERSONAL, JSON.stringify(user.personal)),
        user.locale,
      ],
    );
    await sql.query('insert into identity.user_keys (user_id, kek_id, wrapped_key) values ($1, $2, $3)', [user.id, wrapped.kekId, wrapped.wrapped]);
  }

  async byId(sql: Sql, id: string, lock = false): Promise<UserRow | null> {
    const { rows } = await sql.query<UserRow & Record<string, unknown>>(`select * from identity.users where id = $1 ${lock ? 'for update' : ''}`, [id]);
    return rows[0] ?? null;
  }

  /**
   * The user `email` names, however it is spelled (composed or decomposed, any case). A row
   * still indexed over the legacy form (not yet reindexed, or kept so because its normalised
   * index belongs to another user) is found by that form too, and first: until ReindexEmails
   * reaches it, and for such duplicates forever, each owner signs in exactly as before.
   */
  async byEmail(sql: Sql, email: string): Promise<UserRow | null> {
    const { rows } = await sql.query<UserRow & Record<string, unknown>>(
      `select * from identity.users
        where email_index = $1 or (email_index = $2 and email_index_form <> 'nfc_casefold')
        order by (email_index = $2 and email_index_form <> 'nfc_casefold') desc
        limit 1`,
      [this.cipher.emailIndex(email), this.cipher.legacyEmailIndex(email)],
    );
    return rows[0] ?? null;
  }

  /** Users after `afterId` whose blind index is still over the legacy form (locked, skipping rows another pod holds). */
  async legacyIndexed(sql: Sql, afterId: string | null, limit: number): Promise<UserRow[]> {
    const { rows } = await sql.query<UserRow & Record<string, unknown>>(
      `select * from identity.users where email_index_form = 'legacy' and email_index is not null and ($1::uuid is null or id > $1)
        order by id limit $2 for update skip locked`,
      [afterId, limit],
    );
    return rows;
  }

  /** Who holds `index` (other than `exceptId`). */
  async emailIndexHolder(sql: Sql, index: Buffer, exceptId: string): Promise<string | null> {
    const { rows } = await sql.query<{ id: string }>('select id from identity.users where email_index = $1 and id <> $2', [index, exceptId]);
    return rows[0]?.id ?? null;
  }

  async setEmailIndex(sql: Sql, userId: string, index: Buffer, form: 'nfc_casefold' | 'legacy_conflict'): Promise<void> {
    await sql.query('update identity.users set email_index = $2, email_index_form = $3 where id = $1', [userId, index, form]);
  }

  /** The user's data key, or null once erased. */
  async dataKey(sql: Sql, userId: string): Promise<Buffer | null> {
    const { rows } = await sql.query<{ kek_id: string; wrapped_key: Buffer | null }>('select kek_id, wrapped_key from identity.user_keys where user_id = $1', [
      userId,
    ]);
    const row = rows[0];
    return row?.wrapped_key ? this.cipher.unwrap(userId, { kekId: row.kek_id, wrapped: row.wrapped_key }) : null;
  }

  /** Decrypted personal data, or null once erased. */
  async personalData(sql: Sql, user: UserRow): Promise<PersonalData | null> {
    const key = await this.dataKey(sql, user.id);
    if (!key || !user.personal_data) return null;
    return JSON.parse(this.cipher.decrypt(key, user.id, PERSONAL, user.personal_data)) as PersonalData;
  }

  async savePersonalData(sql: Sql, userId: string, personal: PersonalData): Promise<void> {
    const key = await this.dataKey(sql, userId);
    if (!key) throw userNotFound();
    await sql.query('update identity.users set personal_data = $2, updated_at = now() where id = $1', [
      userId,
      this.cipher.encrypt(key, userId, PERSONAL, JSON.stringify(personal)),
    ]);
  }

  /** Encrypts a secret of the user (TOTP seed, a one-time token for delivery) under their data key. */
  async seal(sql: Sql, userId: string, purpose: string, plaintext: string): Promise<Buffer> {
    const key = await this.dataKey(sql, userId);
    if (!key) throw userNotFound();
    return this.cipher.encrypt(key, userId, purpose, plaintext);
  }

  async unseal(sql: Sql, userId: string, purpose: string, ciphertext: Buffer): Promise<string | null> {
    const key = await this.dataKey(sql, userId);
    return key ? this.cipher.decrypt(key, userId, purpose, ciphertext) : null;
  }

  /** An account whose address the operator vouches for (the first administrator): active and verified now. */
  async activateVerified(sql: Sql, userId: string): Promise<void> {
    await sql.query(`update identity.users set status = 'active', email_verified_at = now(), updated_at = now() where id = $1`, [userId]);
  }

  async setRoles(sql: Sql, userId: string, roles: readonly Role[]): Promise<void> {
    await sql.query('update identity.users set roles = $2, updated_at = now() where id = $1', [userId, roles]);
  }

  async setStatus(sql: Sql, userId: string, status: UserStatus): Promise<void> {
    await sql.query('update identity.users set status = $2, updated_at = now() where id = $1', [userId, status]);
  }
}
