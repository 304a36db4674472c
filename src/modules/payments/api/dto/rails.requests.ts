import { z } from 'zod';
import { CurrencyCode, Id, MinorUnits, SequenceCursor, Timestamp } from '@shared-kernel';

/* The staff routes of the bank rails (/v1/admin/rails/...): files sent, reports received, NOCs and incoming credits. */

const RailName = z.enum(['ach', 'wire', 'sepa', 'swift']);
const IsoRail = z.enum(['wire', 'sepa', 'swift']);
const limit = z.coerce.number().int().min(1).max(200).optional().describe('Page size (default 50)');
const seqCursor = SequenceCursor.optional().describe('nextCursor of the previous page');

export const RailFileIdParams = z.strictObject({ id: Id });

export const RailFileListQuery = z.strictObject({
  rail: RailName.optional(),
  cursor: Id.optional().describe('nextCursor of the previous page'),
  limit,
});

export const RailFileView = z
  .object({
    id: Id,
    rail: RailName,
    format: z.enum(['nacha', 'pain.001.001.09', 'pacs.008.001.08']),
    entryCount: z.number().int().describe('Payouts in the file'),
    createdAt: Timestamp,
  })
  .meta({ id: 'RailFile' });
export type RailFileView = z.infer<typeof RailFileView>;

export const RailFilePage = z.object({ items: z.array(RailFileView).describe('Newest first'), nextCursor: z.string().nullable() }).meta({ id: 'RailFilePage' });
export type RailFilePage = z.infer<typeof RailFilePage>;

export const RailFileContent = z.string().meta({
  description: 'The file as sent to the bank: NACHA (text/plain, 94-character records) or ISO 20022 XML (application/xml). It holds account numbers.',
});

/** Up to about 1 MB of report (the HTTP body limit, BODY_LIMIT_BYTES). */
const content = z.string().min(1).max(1_000_000).describe('The report exactly as the bank delivered it');

export const RailReportRequest = z
  .discriminatedUnion('format', [
    z.strictObject({
      format: z.literal('pain.002').describe('A customer payment status report (any pain.002 version)'),
      rail: IsoRail.describe('The rail whose file it answers'),
      content,
    }),
    z.strictObject({ format: z.literal('ach_returns').describe('An ACH return / notification-of-change file (NACHA)'), content }),
    z.strictObject({
      format: z.enum(['camt.054', 'camt.053']).describe('A debit/credit notification or an account statement; its booked credits are read'),
      rail: IsoRail.default('sepa').describe('The rail the credits came by (its clearing account on the ledger)'),
      content,
    }),
  ])
  .meta({ id: 'RailReportRequest' });
export type RailReportRequest = z.output<typeof RailReportRequest>;

export const RailReportResult = z
  .object({
    format: z.enum(['pain.002', 'ach_returns', 'camt.054', 'camt.053']),
    events: z.number().int().describe('Payment events the report carries'),
    stored: z.number().int().describe('Of those, the ones not stored before (0 for a report uploaded again); the provider-events job applies them'),
    notificationsOfChange: z.number().int(),
    credits: z.object({
      credited: z.number().int().describe('New credits paid to a customer as a bank_credit pay-in'),
      unmatched: z.number().int().describe('New credits no customer account matched (kept for staff)'),
      repeated: z.number().int().describe('Credits read before: nothing more happened'),
    }),
  })
  .meta({ id: 'RailReportResult' });
export type RailReportResult = z.infer<typeof RailReportResult>;

export const RailPageQuery = z.strictObject({ cursor: seqCursor, limit });

export const RailNocView = z
  .object({
    id: z.string().describe('The NOC trace number and the entry it corrects'),
    paymentId: Id.nullable(),
    beneficiaryId: Id.nullable().describe('The beneficiary whose details the bank corrects; apply the change there'),
    code: z.string().describe('C01-C09'),
    correctedFields: z.array(z.string()).describe('What the bank corrects (the values are kept sealed)'),
    receivedAt: Timestamp,
  })
  .meta({ id: 'RailNoc' });
export type RailNocView = z.infer<typeof RailNocView>;

export const RailNocPage = z.object({ items: z.array(RailNocView), nextCursor: z.string().nullable() }).meta({ id: 'RailNocPage' });
export type RailNocPage = z.infer<typeof RailNocPage>;

export const RailCreditListQuery = z.strictObject({
  status: z.enum(['matched', 'credited', 'unmatched']).optional().describe('unmatched: the credits staff must look at'),
  cursor: seqCursor,
  limit,
});

export const RailCreditView = z
  .object({
    id: Id,
    rail: RailName,
    status: z.enum(['matched', 'credited', 'unmatched']),
    amount: MinorUnits,
    currency: CurrencyCode,
    accountId: Id.nullable(),
    paymentId: Id.nullable().describe('The bank_credit pay-in, once credited'),
    creditorIbanLast4: z.string().nullable(),
    bookingDate: z.string().nullable(),
    bankReference: z.string().nullable(),
    unmatchedReason: z.enum(['no_creditor_iban', 'no_account', 'account_not_active', 'currency_mismatch']).nullable(),
    receivedAt: Timestamp,
  })
  .meta({ id: 'RailCredit' });
export type RailCreditView = z.infer<typeof RailCreditView>;

export const RailCreditPage = z.object({ items: z.array(RailCreditView), nextCursor: z.string().nullable() }).meta({ id: 'RailCreditPage' });
export type RailCreditPage = z.infer<typeof RailCreditPage>;
