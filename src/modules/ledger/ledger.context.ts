import { defineContext } from '@platform/context-definition';
import { LEDGER_MIGRATIONS } from '@migrations/ledger';
import { ledgerContract } from './contract';
import { ledgerConfig } from './ledger.config';
import { LedgerModule } from './ledger.module';

/** The double-entry ledger: accounts, two-phase transfers, balances, reconciliation (schema `ledger`). */
export const ledgerContext = defineContext({
  name: 'ledger',
  module: LedgerModule,
  dependsOn: [],
  contract: ledgerContract,
  migrations: LEDGER_MIGRATIONS,
  config: ledgerConfig,
  permissions: {
    'ledger:read': ['support', 'compliance_officer'],
    'ledger:write': [],
    'ledger:reconcile': ['compliance_officer'],
  },
  routes: ['/v1/ledger'],
  apiTags: [
    {
      name: 'ledger',
      description: "The bank's double-entry books for services and back-office: ledger accounts, two-phase transfers, postings, reconciliation.",
    },
  ],
});
