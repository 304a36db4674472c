import { defineContext } from '@platform/context-definition';
import { PAYMENTS_MIGRATIONS } from '@migrations/payments';
import { paymentsContract } from './contract';
import { paymentsConfig } from './payments.config';
import { PaymentsModule } from './payments.module';

/**
 * Pay-ins through card and wallet gateways (Stripe, Adyen, PayPal), payouts over bank rails
 * (ACH, wires, SEPA, SWIFT), internal transfers between customers, their state machine, webhooks in, status sync and settlement on
 * the ledger (schema `payments`).
 */
export const paymentsContext = defineContext({
  name: 'payments',
  module: PaymentsModule,
  dependsOn: ['ledger', 'accounts'],
  contract: paymentsContract,
  migrations: PAYMENTS_MIGRATIONS,
  config: paymentsConfig,
  permissions: {
    'payments:read': ['support', 'compliance_officer'],
    'payments:review': ['support'],
    'payments:refund': ['support'],
    // Bank files hold account numbers: download and report upload for admins, or a file bridge's client with this scope.
    'payments:rail-files': [],
  },
  routes: [
    '/v1/payments',
    '/v1/payouts',
    '/v1/transfers',
    '/v1/beneficiaries',
    '/v1/payment-webhooks',
    '/v1/admin/payments',
    '/v1/admin/rails',
    '/v1/admin/reconciliation',
  ],
  apiTags: [
    { name: 'payments', description: 'Pay-ins by card or wallet through a gateway, their refunds, and their state.' },
    { name: 'payouts', description: "Money out of a customer's account to a saved beneficiary, by ACH, wire, SEPA or SWIFT." },
    { name: 'transfers', description: "Money from a customer's account to another customer's account, settled at once on the ledger." },
    { name: 'beneficiaries', description: 'Saved external bank accounts (IBAN and BIC, or ABA routing and account number).' },
    { name: 'payment-webhooks', description: "The payment providers' webhooks: verified on the raw body, stored, then applied once." },
  ],
});
