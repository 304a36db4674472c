import { randomInt } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { v5 as uuidv5 } from 'uuid';
import { DomainError, newId } from '@shared-kernel';
import { accountsConfig, type AccountsConfig } from '@modules/accounts/accounts.config';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { Outbox } from '@platform/messaging/outbox';
import { CreateLedgerAccountCommand } from '@modules/ledger/contract';
import { AccountOpenedV1 } from '@modules/accounts/contract';
import type { AccountProduct } from '@modules/accounts/domain/account';
import { currencyNotOffered } from '@modules/accounts/domain/account-errors';
import { accountNumberFrom } from '@modules/accounts/domain/account-number';
import { germanIban } from '@modules/accounts/domain/iban';
import { openingOverdraft } from '@modules/accounts/domain/overdraft-policy';
import { AccountRepository, type AccountRecord } from '@modules/accounts/infrastructure/account.repository';
import { overdraftPolicyOf } from '../overdraft-policy.config';

/** Chart-of-accounts codes of the ledger accounts behind customer accounts (liabilities). */
export const LEDGER_CODES: Record<AccountProduct, number> = { checking: 2100, savings: 2200 };

/** Namespace of the ids of accounts opened with an Idempotency-Key (UUIDv5 of owner, key and role). */
const OPENING_ID_NAMESPACE = '3b0e9c55-7d4f-4a8e-b1c2-6f5a9d0e2c47';

/** The account id and ledger account id an opening with this key gets: the same on every retry. */
export function openingIds(ownerId: string, idempotencyKey: string): { id: string; ledgerAccountId: string } {
  return {
    id: uuidv5(`${ownerId}:${idempotencyKey}:account`, OPENING_ID_NAMESPACE),
    ledgerAccountId: uuidv5(`${ownerId}:${idempotencyKey}:ledger-account`, OPENING_ID_NAMESPACE),
  };
}

/**
 * Opens an account in three steps, each safe to repeat: the row (pending, with its number
 * and IBAN), the ledger account (created by id, so a repeat finds it), then active with
 * the account-opened event. A crash between steps leaves a pending row that the resume
 * job completes (ResumeWorkflowsJob).
 *
 * With an Idempotency-Key the ids follow from the owner and the key, so a retry (after a
 * 503, a timeout, a lost answer) converges on the same account rather than opening a
 * second one. When the ledger is unavailable, an opening without a key removes its pending
 * row: the caller was told it failed, and no account should appear behind that answer.
 * With a key the row stays; the retry, or else the resume job, completes it.
 */
@Injectable()
export class OpenAccount {
  private readonly logger = new Logger('OpenAccount');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly accounts: AccountRepository,
    private readonly commands: CommandBus,
    private readonly outbox: Outbox,
    @Inject(accountsConfig.token) private readonly config: AccountsConfig,
  ) {}

  async execute(ownerId: string, request: { product: AccountProduct; currency: string }, idempotencyKey?: string): Promise<AccountRecord> {
    const { currencies, ibanBankCode } = this.config;
    if (!currencies.includes(request.currency)) throw currencyNotOffered(request.currency, currencies);
    const ids = idempotencyKey === undefined ? { id: newId(), ledgerAccountId: newId() } : openingIds(ownerId, idempotencyKey);
    const pending = await this.uow.run(
      async (tx) => {
        // A random number (not a sequence) so numbers do not reveal how many accounts exist;
        // a collision with an existing number fails the unique index and is retried.
        const accountNumber = accountNumberFrom(String(randomInt(100_000_000, 1_000_000_000)));
        const inserted = await this.accounts.insertIfAbsent(tx, {
          ...ids,
          ownerId,
          product: request.product,
          currency: request.currency,
          accountNumber,
          iban: request.currency === 'EUR' ? germanIban(ibanBankCode, accountNumber) : null,
          overdraftLimit: openingOverdraft(request.product, overdraftPolicyOf(this.config)),
        });
        return inserted ?? (await this.accounts.findById(ids.id, tx))!;
      },
      { retryOn: ['23505'] },
    );
    // A retry with the key finds the first attempt's row: it must be the same request.
    if (pending.ownerId !== ownerId || pending.product !== request.product || pending.currency !== request.currency) {
      throw new DomainError('unprocessable', 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request');
    }
    if (pending.status !== 'pending') return pending;
    try {
      return await this.complete(pending);
    } catch (error) {
      if (idempotencyKey === undefined && error instanceof DomainError && error.kind === 'unavailable') await this.withdraw(pending, error);
      throw error;
    }
  }

  /** Removes the pending row of an opening the caller is told failed (if that fails too, the resume job completes it). */
  private async withdraw(pending: AccountRecord, cause: DomainError): Promise<void> {
    try {
      await this.accounts.deletePending(pending.id);
    } catch (err) {
      this.logger.warn({ accountId: pending.id, cause: cause.code, err }, 'pending account not withdrawn; the resume job will complete it');
    }
  }

  /** Steps two and three; idempotent, also run by the resume job on rows a crash left pending. */
  async complete(account: AccountRecord): Promise<AccountRecord> {
    await this.commands.execute(
      new CreateLedgerAccountCommand({
        account: {
          id: account.ledgerAccountId,
          currency: account.currency,
          // Customer money is the bank's liability: credit-normal, never below zero beyond the overdraft.
          normalSide: 'credit',
          debitsMustNotExceedCredits: true,
          overdraftLimit: account.overdraftLimit.toString(),
          code: LEDGER_CODES[account.product],
          reference: `accounts:${account.id}`,
        },
      }),
    );
    return this.uow.run(async (tx) => {
      const current = (await this.accounts.findByIdForUpdate(tx, account.id))!;
      if (current.status !== 'pending') return current;
      const active = await this.accounts.setStatus(tx, account.id, 'active');
      await this.outbox.append(tx, 'accounts', [
        AccountOpenedV1(active.id, {
          accountId: active.id,
          ownerId: active.ownerId,
          product: active.product,
          currency: active.currency,
          ledgerAccountId: active.ledgerAccountId,
          overdraftLimit: active.overdraftLimit.toString(),
          openedAt: active.openedAt!.toISOString(),
        }),
      ]);
      return active;
    });
  }
}
