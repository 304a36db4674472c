import { Injectable } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { UnprocessableError } from '@shared-kernel';
import { GetTransferQuery, SubmitTransfersCommand, type TransferInput, type TransferView } from '@modules/ledger/contract';
import { accountNotFound, accountNotOpen, insufficientFunds, transferIdReused, transferRefused } from '@modules/accounts/domain/account-errors';
import { internalTransferRefusal, type InternalTransferRefusal } from '@modules/accounts/domain/internal-transfer';
import { AccountRepository, type AccountRecord } from '@modules/accounts/infrastructure/account.repository';

/** Ledger code of customers' transfers between accounts (chart of accounts: internal transfers). */
export const INTERNAL_TRANSFER_CODE = 9200;

export interface InternalTransferRequest {
  /** The client's id, used as the ledger transfer's id: the ledger executes it once. */
  readonly id: string;
  readonly toAccountId: string;
  readonly amount: string;
  readonly reference?: string;
}

export interface InternalTransfer {
  readonly id: string;
  readonly fromAccountId: string;
  readonly toAccountId: string;
  readonly amount: string;
  readonly currency: string;
  readonly reference: string | null;
  readonly status: 'posted';
  readonly createdAt: string;
}

/**
 * A customer moves money from one of their accounts to any active account of the same
 * currency (their own or someone else's, named by its id). One posted ledger transfer whose
 * id is the client's: a retry with the same id and fields gets the first result (`replayed`),
 * the same id with other fields is refused, as the ledger does. Nothing is written here
 * besides the ledger transfer, so a failure (the ledger unreachable) leaves nothing half-done.
 */
@Injectable()
export class TransferMoney {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  async execute(ownerId: string, fromAccountId: string, request: InternalTransferRequest): Promise<{ transfer: InternalTransfer; replayed: boolean }> {
    const from = await this.accounts.findById(fromAccountId);
    // Only the owner moves money out; for anyone else the account does not exist.
    if (!from || from.ownerId !== ownerId) throw accountNotFound();
    const to = await this.accounts.findById(request.toAccountId);
    const refusal = internalTransferRefusal(from, to);
    if (refusal) return this.replayOrRefuse(from, to, request, refusal);
    return this.submit(from, to!, request);
  }

  private async submit(from: AccountRecord, to: AccountRecord, request: InternalTransferRequest): Promise<{ transfer: InternalTransfer; replayed: boolean }> {
    const [result] = await this.commands.execute(new SubmitTransfersCommand({ transfers: [ledgerTransfer(from, to, request)] }));
    if (!result) throw new Error('the ledger answered no result for the transfer');
    if (result.status === 'failed') throw ledgerRefusal(result.id, result.error, from);
    return { transfer: view(result.transfer, from, to), replayed: result.status === 'exists' };
  }

  /**
   * A refused request may still be the retry of a transfer that went through before the
   * account changed (frozen since, payee closed since): the first result stands. Only a
   * transfer out of this account is considered; resubmitting it cannot create anything,
   * since the id exists, and the ledger compares the fields.
   */
  private async replayOrRefuse(
    from: AccountRecord,
    to: AccountRecord | null,
    request: InternalTransferRequest,
    refusal: InternalTransferRefusal,
  ): Promise<{ transfer: InternalTransfer; replayed: boolean }> {
    const prior = await this.queries.execute(new GetTransferQuery({ id: request.id }));
    if (prior && prior.debitAccountId === from.ledgerAccountId) {
      if (!to || prior.creditAccountId !== to.ledgerAccountId) throw transferIdReused(request.id);
      return this.submit(from, to, request);
    }
    switch (refusal) {
      case 'TARGET_NOT_FOUND':
        throw accountNotFound();
      case 'ACCOUNT_NOT_OPEN':
        throw accountNotOpen();
      default:
        throw transferRefused(refusal, from.status);
    }
  }
}

function ledgerTransfer(from: AccountRecord, to: AccountRecord, request: InternalTransferRequest): TransferInput {
  return {
    id: request.id,
    kind: 'posted',
    debitAccountId: from.ledgerAccountId,
    creditAccountId: to.ledgerAccountId,
    amount: request.amount,
    currency: from.currency,
    code: INTERNAL_TRANSFER_CODE,
    ...(request.reference === undefined ? {} : { reference: request.reference }),
  };
}

function ledgerRefusal(id: string, code: string, from: AccountRecord): Error {
  switch (code) {
    case 'EXCEEDS_CREDITS':
      return insufficientFunds();
    case 'ID_EXISTS_WITH_DIFFERENT_FIELDS':
      return transferIdReused(id);
    case 'CREDIT_ACCOUNT_NOT_FOUND':
      return accountNotFound();
    case 'ACCOUNT_FROZEN':
    case 'ACCOUNT_CLOSED':
    case 'CURRENCY_MISMATCH':
    case 'ACCOUNTS_MUST_BE_DIFFERENT':
      // The ledger saw it first (e.g. a freeze landed mid-request): its code, the status it implies.
      return transferRefused(code, code === 'ACCOUNT_FROZEN' ? 'frozen' : code === 'ACCOUNT_CLOSED' ? 'closed' : from.status);
    default:
      return new UnprocessableError(code, `The ledger refused the transfer: ${code}`);
  }
}

function view(transfer: TransferView, from: AccountRecord, to: AccountRecord): InternalTransfer {
  return {
    id: transfer.id,
    fromAccountId: from.id,
    toAccountId: to.id,
    amount: transfer.amount,
    currency: transfer.currency,
    reference: transfer.reference,
    status: 'posted',
    createdAt: transfer.createdAt,
  };
}
