import { defineContext } from '@platform/context-definition';
import { ACCOUNTS_MIGRATIONS } from '@migrations/accounts';
import { accountsConfig } from './accounts.config';
import { AccountsModule } from './accounts.module';
import { accountsContract } from './contract';

/** Customer accounts on ledger accounts: opening, statuses, statements, interest, closure (schema `accounts`). */
export const accountsContext = defineContext({
  name: 'accounts',
  module: AccountsModule,
  dependsOn: ['ledger'],
  contract: accountsContract,
  migrations: ACCOUNTS_MIGRATIONS,
  config: accountsConfig,
  permissions: {
    'accounts:read': ['support', 'compliance_officer'],
    'accounts:freeze': ['support'],
    'accounts:overdraft': [],
    'accounts:close': [],
    'accounts:interest-rates': [],
  },
  routes: ['/v1/accounts', '/v1/admin/accounts', '/v1/interest-rates', '/v1/admin/interest-rates'],
  apiTags: [
    { name: 'accounts', description: "Customers' current and savings accounts: opening, balances, history, closure; staff freeze and overdrafts." },
    { name: 'statements', description: 'Account statements for a period, on demand or stored (JSON, CSV or PDF).' },
    { name: 'interest', description: 'Interest rates per product and currency, and the interest an account has earned.' },
  ],
});
