import { Injectable } from '@nestjs/common';
import { countrySpecs } from 'ibantools';
import { UnitOfWork, pgCode } from '@platform/database/unit-of-work';
import { ConflictError } from '@shared-kernel';
import type { Rail } from '../rails/validation/bank-details';
import type { BeneficiaryView, PostalAddress } from './beneficiaries.dto';

/** A row of `payments.beneficiaries` (after migration 1796195400000). */
export interface BeneficiaryRow {
  id: string;
  seq: string;
  owner_id: string;
  name: string;
  rail: Rail;
  currency: string;
  country: string;
  bic: string | null;
  routing_number: string | null;
  account_type: 'checking' | 'savings' | null;
  account_sealed: Buffer | null;
  account_last4: string | null;
  account_hmac: Buffer | null;
  address: PostalAddress | null;
  created_at: Date;
  deleted_at: Date | null;
}

export interface NewBeneficiaryRow {
  id: string;
  ownerId: string;
  name: string;
  rail: Rail;
  currency: string;
  country: string;
  bic: string | null;
  routingNumber: string | null;
  accountType: 'checking' | 'savings' | null;
  accountSealed: Buffer;
  accountLast4: string;
  accountHmac: Buffer;
  address: PostalAddress | null;
}

/** The SQL on `payments.beneficiaries`. Deleted rows are kept (payments name them) and never listed or found. */
@Injectable()
export class BeneficiaryRepository {
  constructor(private readonly uow: UnitOfWork) {}

  async insert(row: NewBeneficiaryRow): Promise<BeneficiaryRow> {
    try {
      const { rows } = await this.uow.query<BeneficiaryRow>(
        `insert into payments.beneficiaries
           (id, owner_id, name, rail, currency, country, bic, routing_number, account_type, account_sealed, account_last4, account_hmac, address)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) returning *`,
        [
          row.id,
          row.ownerId,
          row.name,
          row.rail,
          row.currency,
          row.country,
          row.bic,
          row.routingNumber,
          row.accountType,
          row.accountSealed,
          row.accountLast4,
          row.accountHmac,
          row.address,
        ],
      );
      return rows[0]!;
    } catch (error) {
      if (pgCode(error) === '23505') {
        const { rows } = await this.uow.query<{ id: string }>(
          'select id from payments.beneficiaries where owner_id = $1 and account_hmac = $2 and deleted_at is null',
          [row.ownerId, row.accountHmac],
        );
        throw new ConflictError('BENEFICIARY_EXISTS', 'This account is already a saved beneficiary of yours', { beneficiaryId: rows[0]?.id });
      }
      throw error;
    }
  }

  /** The owner's live beneficiary, or null (another owner's is null too). */
  async findOwned(ownerId: string, id: string): Promise<BeneficiaryRow | null> {
    const { rows } = await this.uow.query<BeneficiaryRow>('select * from payments.beneficiaries where id = $1 and owner_id = $2 and deleted_at is null', [
      id,
      ownerId,
    ]);
    return rows[0] ?? null;
  }

  /** Newest first, after the cursor (a seq), one more than asked to tell whether a next page exists. */
  async page(ownerId: string, cursor: string | undefined, limit: number): Promise<BeneficiaryRow[]> {
    const { rows } = await this.uow.query<BeneficiaryRow>(
      `select * from payments.beneficiaries
        where owner_id = $1 and deleted_at is null and ($2::bigint is null or seq < $2::bigint)
        order by seq desc limit $3`,
      [ownerId, cursor ?? null, limit + 1],
    );
    return rows;
  }

  /** Soft delete; false when there was no live beneficiary of this owner. */
  async softDelete(ownerId: string, id: string): Promise<boolean> {
    const { rowCount } = await this.uow.query('update payments.beneficiaries set deleted_at = now() where id = $1 and owner_id = $2 and deleted_at is null', [
      id,
      ownerId,
    ]);
    return rowCount > 0;
  }
}

/** Whether the sealed account of this beneficiary is an IBAN (SEPA always; SWIFT where its country has IBANs). */
export function holdsIban(rail: Rail, country: string): boolean {
  return rail === 'sepa' || (rail === 'swift' && countrySpecs[country]?.chars !== undefined);
}

export function beneficiaryViewOf(row: BeneficiaryRow): BeneficiaryView {
  const kind = holdsIban(row.rail, row.country) ? 'iban' : 'account_number';
  const last4 = row.account_last4 ?? '';
  return {
    id: row.id,
    rail: row.rail,
    name: row.name,
    currency: row.currency.trim(),
    country: row.country,
    bic: row.bic,
    routingNumber: row.routing_number,
    accountType: row.account_type,
    account: { kind, last4, masked: `${kind === 'iban' ? row.country : ''}••••${last4}` },
    address: row.address,
    createdAt: row.created_at.toISOString(),
  };
}
