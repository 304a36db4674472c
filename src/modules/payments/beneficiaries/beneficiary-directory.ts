import { Injectable } from '@nestjs/common';
import type { ConnectorBeneficiary } from '../connectors/connector';
import type { Rail } from '../rails/validation/bank-details';
import type { PostalAddress } from './beneficiaries.dto';
import { BeneficiaryCipher } from './beneficiary-cipher';
import { BeneficiaryRepository, holdsIban } from './beneficiary.repository';

export type DirectoryBeneficiary = ConnectorBeneficiary & { id: string; rail: Rail; currency: string; address?: PostalAddress };

/**
 * The one place a saved account is opened: for the payments core, which hands it to the rail
 * connector and file writers (never to a log, an event or a response). Another owner's
 * beneficiary, or a deleted one, is null.
 */
@Injectable()
export class BeneficiaryDirectory {
  constructor(
    private readonly repository: BeneficiaryRepository,
    private readonly cipher: BeneficiaryCipher,
  ) {}

  async findForOwner(ownerId: string, id: string): Promise<DirectoryBeneficiary | null> {
    const row = await this.repository.findOwned(ownerId, id);
    if (!row || !row.account_sealed) return null;
    const account = this.cipher.open(row.id, row.account_sealed);
    const iban = holdsIban(row.rail, row.country);
    return {
      id: row.id,
      rail: row.rail,
      currency: row.currency.trim(),
      name: row.name,
      country: row.country,
      ...(iban ? { iban: account } : { accountNumber: account }),
      ...(row.bic ? { bic: row.bic } : {}),
      ...(row.routing_number ? { routingNumber: row.routing_number } : {}),
      ...(row.account_type ? { accountType: row.account_type } : {}),
      ...(row.address ? { address: row.address } : {}),
    };
  }
}
