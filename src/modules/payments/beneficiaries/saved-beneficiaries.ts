import { Injectable } from '@nestjs/common';
import { NotFoundError, newId } from '@shared-kernel';
import { lastFour } from '../rails/validation/bank-details';
import { BeneficiaryCipher } from './beneficiary-cipher';
import { BeneficiaryRepository, beneficiaryViewOf } from './beneficiary.repository';
import { checkedBeneficiary, type BeneficiaryPage, type BeneficiaryView, type CreateBeneficiaryRequest } from './beneficiaries.dto';

const notFound = () => new NotFoundError('BENEFICIARY_NOT_FOUND', 'Beneficiary not found');
const DEFAULT_PAGE = 20;

/**
 * A user's saved external bank accounts: created already checked against their rail's
 * rules (the request schema), stored with the account number or IBAN sealed, read only by
 * their owner (anyone else: 404), deleted softly (payments that name one keep naming it).
 */
@Injectable()
export class SavedBeneficiaries {
  constructor(
    private readonly repository: BeneficiaryRepository,
    private readonly cipher: BeneficiaryCipher,
  ) {}

  async create(ownerId: string, request: CreateBeneficiaryRequest): Promise<BeneficiaryView> {
    const details = checkedBeneficiary(request);
    const id = newId();
    // The account the rail pays into: IBAN (SEPA, SWIFT to IBAN countries) or account number.
    const account = details.iban ?? details.accountNumber!;
    // Equal accounts: the same routing number and account (ACH, wire), the same IBAN or foreign account (SEPA, SWIFT).
    const identity = details.routingNumber ? `${details.routingNumber}/${account}` : account;
    const row = await this.repository.insert({
      id,
      ownerId,
      name: details.name,
      rail: details.rail,
      currency: details.currency,
      country: details.country,
      bic: details.bic,
      routingNumber: details.routingNumber,
      accountType: details.accountType,
      accountSealed: this.cipher.seal(id, account),
      accountLast4: lastFour(account),
      accountHmac: this.cipher.lookup(details.rail, identity),
      address: details.address,
    });
    return beneficiaryViewOf(row);
  }

  async get(ownerId: string, id: string): Promise<BeneficiaryView> {
    const row = await this.repository.findOwned(ownerId, id);
    if (!row) throw notFound();
    return beneficiaryViewOf(row);
  }

  async list(ownerId: string, cursor: string | undefined, limit = DEFAULT_PAGE): Promise<BeneficiaryPage> {
    const rows = await this.repository.page(ownerId, cursor, limit);
    const items = rows.slice(0, limit);
    return { items: items.map(beneficiaryViewOf), nextCursor: rows.length > limit ? items[items.length - 1]!.seq : null };
  }

  async delete(ownerId: string, id: string): Promise<void> {
    if (!(await this.repository.softDelete(ownerId, id))) throw notFound();
  }
}
