import { isCurrencyCode, isUuid, parseMinorUnits, type FieldError } from '@shared-kernel';
import type { TransferInput } from '@modules/ledger/contract';
import type { TransferKind, TransferRequest } from '@modules/ledger/domain/transfer';

const KINDS: readonly TransferKind[] = ['posted', 'pending', 'post_pending', 'void_pending'];
const MAX_TIMEOUT_SECONDS = 366 * 24 * 3600;

/**
 * Checks a transfer as other contexts or HTTP clients send it and turns it into the
 * domain's request. Field errors name the path (`transfers.3.amount`). Business rules
 * (funds, accounts, currencies) are the engine's; this is only the shape.
 */
export function toTransferRequest(input: TransferInput, path: string): { request?: TransferRequest; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => errors.push({ field: `${path}${field}`, message });
  const kind = input.kind ?? 'posted';
  if (!KINDS.includes(kind)) fail('kind', `kind must be one of ${KINDS.join(', ')}`);
  if (typeof input.id !== 'string' || !isUuid(input.id)) fail('id', 'id must be a UUID');
  const resolving = kind === 'post_pending' || kind === 'void_pending';
  for (const field of ['debitAccountId', 'creditAccountId'] as const) {
    const value = input[field];
    if (value === undefined ? !resolving : typeof value !== 'string' || !isUuid(value)) fail(field, `${field} must be a UUID`);
  }
  let amount: bigint | undefined;
  if (input.amount !== undefined) {
    amount = typeof input.amount === 'string' ? parseMinorUnits(input.amount) : undefined;
    if (amount === undefined || amount === 0n) fail('amount', 'amount must be a positive integer of minor units, as a string');
  } else if (!resolving) fail('amount', 'amount is required');
  if (input.currency === undefined ? !resolving : typeof input.currency !== 'string' || !isCurrencyCode(input.currency))
    fail('currency', 'currency must be an ISO 4217 code');
  if (resolving && (typeof input.pendingId !== 'string' || !isUuid(input.pendingId))) fail('pendingId', 'pendingId must be the UUID of a pending transfer');
  if (!resolving && input.pendingId !== undefined) fail('pendingId', 'pendingId is only for post_pending and void_pending');
  if (
    input.timeoutSeconds !== undefined &&
    (kind !== 'pending' || !Number.isInteger(input.timeoutSeconds) || input.timeoutSeconds < 0 || input.timeoutSeconds > MAX_TIMEOUT_SECONDS)
  ) {
    fail('timeoutSeconds', `timeoutSeconds is a whole number of seconds (0-${MAX_TIMEOUT_SECONDS}) for pending transfers`);
  }
  if (input.code !== undefined && (!Number.isInteger(input.code) || input.code < 0 || input.code > 65_535))
    fail('code', 'code must be an integer from 0 to 65535');
  if (input.reference !== undefined && (typeof input.reference !== 'string' || input.reference.length > 200))
    fail('reference', 'reference must be a string of at most 200 characters');
  if (input.linked !== undefined && typeof input.linked !== 'boolean') fail('linked', 'linked must be a boolean');
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
