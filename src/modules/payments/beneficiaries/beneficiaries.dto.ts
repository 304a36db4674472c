import { z } from 'zod';
import { Id, SequenceCursor, singleLineText, Timestamp, ValidationError, type FieldError } from '@shared-kernel';
import { RAIL_TEXT, RAILS } from '../rails/validation/bank-details';
import { checkBeneficiary, type BankDetails } from '../rails/validation/bank-fields';

/* The beneficiaries API's HTTP shapes. Account numbers and IBANs come in, never go out. */

export const BeneficiaryRail = z
  .enum(RAILS as ['ach', 'wire', 'sepa', 'swift'])
  .describe('ach and wire: US (routing + account number, USD); sepa: IBAN in EUR; swift: BIC and IBAN or account number');

const latin = (max: number) => z.string().max(max).regex(RAIL_TEXT.swift.charset, `must use only ${RAIL_TEXT.swift.charsetName}`);

/** CBPR+ structured postal address (SWIFT and wires): town and country at least. */
export const PostalAddress = z
  .strictObject({
    streetName: latin(70).optional(),
    buildingNumber: latin(16).optional(),
    postCode: latin(16).optional(),
    townName: latin(35).min(1),
    country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 code'),
  })
  .meta({ id: 'BeneficiaryAddress' });
export type PostalAddress = z.infer<typeof PostalAddress>;

export interface CreateBeneficiary extends BankDetails {
  readonly address: PostalAddress | null;
}

/**
 * A beneficiary as the client sends it. Which fields a rail takes, check digits (IBAN, ABA) and
 * the rail's character set are checked by `checkedBeneficiary`, with the code
 * BENEFICIARY_DETAILS_INVALID and a message per field: rules across fields and checksums the
 * document cannot state.
 */
export const CreateBeneficiaryRequest = z
  .strictObject({
    rail: BeneficiaryRail,
    name: singleLineText(0, 200).describe("Account holder's name, in the rail's character set (SEPA 70, SWIFT and wire 140, ACH 22 characters)"),
    currency: z.string().max(3).describe('ISO 4217; SEPA EUR, ACH and wire USD'),
    country: z.string().max(2).optional().describe('ISO 3166 alpha-2; follows from the IBAN or BIC when absent; US for ACH and wire'),
    iban: z.string().max(64).optional().describe('sepa (required), swift (required where the country has IBANs)'),
    bic: z.string().max(16).optional().describe('swift (required), sepa (optional)'),
    routingNumber: z.string().max(16).optional().describe('ach, wire: ABA routing number'),
    accountNumber: z.string().max(64).optional().describe('ach, wire: 4-17 digits; swift to a country without IBANs: 4-34 letters and digits'),
    accountType: z.enum(['checking', 'savings']).optional().describe('ach (default checking), wire'),
    address: PostalAddress.optional().describe('swift and wire: the creditor postal address CBPR+ asks for'),
  })
  .meta({
    id: 'CreateBeneficiaryRequest',
    // OpenAPI 3.0 takes one schema example; docs/bank-rails.md lists each rail's fields.
    example: { rail: 'sepa', name: 'Jean Dupont', currency: 'EUR', iban: 'FR14 2004 1010 0505 0001 3M02 606' },
  });

export type CreateBeneficiaryRequest = z.infer<typeof CreateBeneficiaryRequest>;

/** The request checked against its rail (bank-fields.ts) and normalised, or 400 BENEFICIARY_DETAILS_INVALID naming each field. */
export function checkedBeneficiary(input: CreateBeneficiaryRequest): CreateBeneficiary {
  const errors: FieldError[] = [];
  if (input.address && input.rail !== 'swift' && input.rail !== 'wire') errors.push({ field: 'address', message: `address is not used by ${input.rail}` });
  const checked = checkBeneficiary(input);
  if (!checked.ok) errors.push(...checked.errors.map((e) => ({ field: e.field, message: `${e.field} ${e.reason}`, code: e.code })));
  if (errors.length > 0 || !checked.ok) throw new ValidationError('The bank details do not fit the rail', errors, 'BENEFICIARY_DETAILS_INVALID');
  return { ...checked.value, address: input.address ?? null };
}

export const BeneficiaryView = z
  .object({
    id: Id,
    rail: BeneficiaryRail,
    name: z.string(),
    currency: z.string(),
    country: z.string(),
    bic: z.string().nullable(),
    routingNumber: z.string().nullable().describe('ABA routing numbers are public bank identifiers'),
    accountType: z.enum(['checking', 'savings']).nullable(),
    account: z
      .object({
        kind: z.enum(['iban', 'account_number']),
        last4: z.string().describe('Last four characters'),
        masked: z.string().meta({ example: 'FR••••2606' }),
      })
      .describe('Only the masked form: the full account number or IBAN is never answered'),
    address: PostalAddress.nullable(),
    createdAt: Timestamp,
  })
  .meta({ id: 'Beneficiary' });
export type BeneficiaryView = z.infer<typeof BeneficiaryView>;

export const BeneficiaryIdParams = z.strictObject({ id: Id });

export const BeneficiaryListQuery = z.strictObject({
  cursor: SequenceCursor.optional().describe('nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(100).optional().describe('Page size (default 20)'),
});

export const BeneficiaryPage = z
  .object({
    items: z.array(BeneficiaryView).describe('Newest first'),
    nextCursor: z.string().nullable().describe('Pass as cursor for the next page; null at the end'),
  })
  .meta({ id: 'BeneficiaryPage' });
export type BeneficiaryPage = z.infer<typeof BeneficiaryPage>;
