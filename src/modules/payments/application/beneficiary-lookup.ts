import type { ConnectorBeneficiary } from '../connectors/connector';

/** A saved beneficiary as the payments core needs it for a payout. */
export type PayoutBeneficiary = ConnectorBeneficiary & { readonly id: string; readonly rail: 'ach' | 'wire' | 'sepa' | 'swift'; readonly currency: string };

/**
 * The port through which the core finds a caller's beneficiary. The beneficiaries part of
 * the context (BeneficiaryDirectory, which decrypts what it stores) satisfies it; until it
 * is wired, SqlBeneficiaryLookup reads payments.beneficiaries as the schema defines it.
 */
export abstract class BeneficiaryLookup {
  /** The owner's live beneficiary, or null (unknown, deleted, or someone else's: the same answer). */
  abstract findForOwner(ownerId: string, id: string): Promise<PayoutBeneficiary | null>;
}
