import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { BeneficiaryLookup, type PayoutBeneficiary } from '../application/beneficiary-lookup';

interface BeneficiaryRow {
  id: string;
  name: string;
  rail: PayoutBeneficiary['rail'];
  currency: string;
  country: string;
  iban: string | null;
  bic: string | null;
  routing_number: string | null;
  account_number: string | null;
  account_type: 'checking' | 'savings' | null;
}

/** BeneficiaryLookup on the plain columns of payments.beneficiaries (replaced by BeneficiaryDirectory when the beneficiaries part is wired). */
@Injectable()
export class SqlBeneficiaryLookup extends BeneficiaryLookup {
  constructor(private readonly uow: UnitOfWork) {
    super();
  }

  async findForOwner(ownerId: string, id: string): Promise<PayoutBeneficiary | null> {
    const { rows } = await this.uow.query<BeneficiaryRow>('select * from payments.beneficiaries where id = $1 and owner_id = $2 and deleted_at is null', [
      id,
      ownerId,
    ]);
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id,
      name: row.name,
      rail: row.rail,
      currency: row.currency.trim(),
      country: row.country.trim(),
      ...(row.iban ? { iban: row.iban } : {}),
      ...(row.bic ? { bic: row.bic } : {}),
      ...(row.routing_number ? { routingNumber: row.routing_number } : {}),
      ...(row.account_number ? { accountNumber: row.account_number } : {}),
      ...(row.account_type ? { accountType: row.account_type } : {}),
    };
  }
}
