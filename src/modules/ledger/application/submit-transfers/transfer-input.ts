import { isCurrencyCode, parseMinorUnits, type FieldError } from '@shared-kernel';
import type { TransferInput } from '@modules/ledger/contract';
import type { TransferRequest } from '@modules/ledger/domain/transfer';

/**
 * Turns a transfer as the contract shapes it (TransferInput: checked by its schema at the
 * edge — HTTP, or the bus — or by the types of an in-process caller) into the domain's
 * request, with the rules the schema cannot state: which fields a kind needs, the amount
 * within bigint and above zero, a currency that exists. Field errors name the path
 * (`transfers.3.amount`). Business rules (funds, accounts, currencies) are the engine's.
 */
export function toTransferRequest(input: TransferInput, path: string): { request?: TransferRequest; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => errors.push({ field: `${path}${field}`, message });
  const kind = input.kind ?? 'posted';
  const resolving = kind === 'post_pending' || kind === 'void_pending';
  if (resolving) {
    if (input.pendingId === undefined) fail('pendingId', 'pendingId is required: the UUID of the pending transfer');
  } else {
    for (const field of ['debitAccountId', 'creditAccountId', 'amount', 'currency'] as const)
      if (input[field] === undefined) fail(field, `${field} is required`);
    if (input.pendingId !== undefined) fail('pendingId', 'pendingId is only for post_pending and void_pending');
  }
  const amount = input.amount === undefined ? undefined : parseMinorUnits(input.amount);
  if (input.amount !== undefined && (amount === undefined || amount === 0n))
    fail('amount', 'amount must be a positive integer of minor units within 64 bits, as a string');
  if (input.currency !== undefined && !isCurrencyCode(input.currency)) fail('currency', 'currency must be an ISO 4217 code');
  if (input.timeoutSeconds !== undefined && kind !== 'pending') fail('timeoutSeconds', 'timeoutSeconds is only for pending transfers');
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
