import { Module } from '@nestjs/common';
import type { ContextDefinition } from '../../platform/context-definition';
import { AccountRepository } from './infrastructure/account.repository';

/**
 * Customer accounts (checking, savings) on top of ledger accounts: opening, numbers and
 * IBANs, freezing, overdraft policy, closure, balance-change events. Statements and
 * interest live under statements/ and interest/ of this context.
 */
@Module({
  providers: [AccountRepository],
  exports: [AccountRepository],
})
export class AccountsModule {}

export const accountsContext: ContextDefinition = { name: 'accounts', module: AccountsModule };
