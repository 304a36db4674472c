import { isCurrencyCode, parseMinorUnits, type FieldError } from '@shared-kernel';
import { TRANSFER_KIND_FIELDS, TRANSFER_KINDS, type TransferInput } from '@modules/ledger/contract';
import type { TransferRequest } from '@modules/ledger/domain/transfer';

/**
 * Turns a transfer as the contract shapes it (TransferInput: checked by its schema at the
 * edge — HTTP, or the bus — or by the types of an in-process caller) into the domain's
 * request, with the rules its zod schema cannot state: which fields a kind needs and refuses
 * (TRANSFER_KIND_FIELDS, which the document states), the amount within bigint and above zero
 * and a currency that exists (for in-process callers, whose payloads are typed but not
 * parsed). Field errors name the path
 * (`transfers.3.amount`). Business rules (funds, accounts, currencies) are the engine's.
 */
export function toTransferRequest(input: TransferInput, path: string): { request?: TransferRequest; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => errors.push({ field: `${path}${field}`, message });
  const kind = input.kind ?? 'posted';
  const { required, refused } = TRANSFER_KIND_FIELDS[kind];
  for (const field of required) if (input[field] === undefined) fail(field, REQUIRED_MESSAGE[field] ?? `${field} is required`);
  for (const field of refused) if (input[field] !== undefined) fail(field, `${field} is only for ${kindsTaking(field).join(' and ')} transfers`);
  const amount = input.amount === undefined ? undefined : parseMinorUnits(input.amount);
  if (input.amount !== undefined && (amount === undefined || amount === 0n))
    fail('amount', 'amount must be a positive integer of minor units within 64 bits, as a string');
  if (input.currency !== undefined && !isCurrencyCode(input.currency)) fail('currency', 'currency must be an ISO 4217 code');
  if (errors.length) return { errors };
  return {
    errors,
    request: {
      id: input.id.toLowerCase(),
      kind,
      debitAccountId: input.debitAccountId?.toLowerCase(),
      creditAccountId: input.creditAccountId?.toLowerCase(),
      amount,
      currency: input.currency,
      pendingId: input.pendingId?.toLowerCase(),
      timeoutSeconds: input.timeoutSeconds,
      linked: input.linked ?? false,
      code: input.code ?? 0,
      reference: input.reference,
    },
  };
}

const REQUIRED_MESSAGE: Partial<Record<string, string>> = { pendingId: 'pendingId is required: the UUID of the pending transfer' };

/** The kinds that take `field` (in the table's order), for the message that refuses it elsewhere. */
function kindsTaking(field: string): string[] {
  return TRANSFER_KINDS.filter((k) => !(TRANSFER_KIND_FIELDS[k].refused as readonly string[]).includes(field));
}
