import { PaymentsSchema1796195358821 } from './1796195358821-payments-schema';
import { BeneficiaryAccountEncryption1796195400000 } from './1796195400000-beneficiary-account-encryption';
import { PaymentsCore1796195500000 } from './1796195500000-payments-core';
import { RailReports1796196100000 } from './1796196100000-rail-reports';
import { PaymentsReconciliation1796196200000 } from './1796196200000-payments-reconciliation';
import { PaymentTransfers1796196300000 } from './1796196300000-payment-transfers';

/** The payments context's migrations (schema `payments`), named in its manifest. */
export const PAYMENTS_MIGRATIONS = [
  PaymentsSchema1796195358821,
  BeneficiaryAccountEncryption1796195400000,
  PaymentsCore1796195500000,
  RailReports1796196100000,
  PaymentsReconciliation1796196200000,
  PaymentTransfers1796196300000,
];
