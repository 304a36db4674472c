import { randomInt } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { newId } from '../../../../shared-kernel';
import { accountsConfig, type AccountsConfig } from '../../accounts.config';
import { UnitOfWork } from '../../../../platform/database/unit-of-work';
import { Outbox } from '../../../../platform/messaging/outbox';
import { CreateLedgerAccountCommand } from '../../../ledger/contract';
import { AccountOpenedV1 } from '../../contract';
import type { AccountProduct } from '../../domain/account';
import { currencyNotOffered } from '../../domain/account-errors';
import { accountNumberFrom } from '../../domain/account-number';
import { germanIban } from '../../domain/iban';
import { openingOverdraft } from '../../domain/overdraft-policy';
import { AccountRepository, type AccountRecord } from '../../infrastructure/account.repository';
import { overdraftPolicyOf } from '../overdraft-policy.config';

/** Chart-of-accounts codes of the ledger accounts behind customer accounts (liabilities). */
export const LEDGER_CODES: Record<AccountProduct, number> = { checking: 2100, savings: 2200 };

/**
 * Opens an account in three steps, each safe to repeat: the row (pending, with its number
 * and IBAN), the ledger account (created by id, so a repeat finds it), then active with
 * the account-opened event. A crash between steps leaves a pending row that the resume
 * job completes (ResumeWorkflowsJob).
 */
@Injectable()
export class OpenAccountHandler {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly accounts: AccountRepository,
    private readonly commands: CommandBus,
    private readonly outbox: Outbox,
    @Inject(accountsConfig.token) private readonly config: AccountsConfig,
  ) {}

  async execute(ownerId: string, request: { product: AccountProduct; currency: string }): Promise<AccountRecord> {
    const { currencies, ibanBankCode } = this.config;
    if (!currencies.includes(request.currency)) throw currencyNotOffered(request.currency, currencies);
    const pending = await this.uow.run(
      (tx) => {
        // A random number (not a sequence) so numbers do not reveal how many accounts exist;
        // a collision with an existing number fails the unique index and is retried.
        const accountNumber = accountNumberFrom(String(randomInt(100_000_000, 1_000_000_000)));
        return this.accounts.insert(tx, {
          id: newId(),
          ownerId,
          product: request.product,
          currency: request.currency,
          ledgerAccountId: newId(),
          accountNumber,
          iban: request.currency === 'EUR' ? germanIban(ibanBankCode, accountNumber) : null,
          overdraftLimit: openingOverdraft(request.product, overdraftPolicyOf(this.config)),
        });
      },
      { retryOn: ['23505'] },
    );
    return this.complete(pending);
  }

  /** Steps two and three; idempotent, also run by the resume job on rows a crash left pending. */
  async complete(account: AccountRecord): Promise<AccountRecord> {
    await this.commands.execute(
      new CreateLedgerAccountCommand({ account: {
        id: account.ledgerAccountId,
        currency: account.currency,
        // Customer money is the bank's liability: credit-normal, never below zero beyond the overdraft.
        normalSide: 'credit',
        debitsMustNotExceedCredits: true,
        overdraftLimit: account.overdraftLimit.toString(),
        code: LEDGER_CODES[account.product],
        reference: `accounts:${account.id}`,
      } }),
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
