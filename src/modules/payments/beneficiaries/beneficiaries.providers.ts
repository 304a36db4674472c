import type { Provider } from '@nestjs/common';
import { BeneficiaryCipher } from './beneficiary-cipher';
import { BeneficiaryDirectory } from './beneficiary-directory';
import { BeneficiaryRepository } from './beneficiary.repository';
import { SavedBeneficiaries } from './saved-beneficiaries';

/** What the payments module spreads into its providers (and BeneficiariesHttpController into its controllers). */
export const BENEFICIARY_PROVIDERS: Provider[] = [BeneficiaryCipher, BeneficiaryRepository, SavedBeneficiaries, BeneficiaryDirectory];

export { BeneficiariesHttpController } from './beneficiaries.http-controller';
export { BeneficiaryDirectory, type DirectoryBeneficiary } from './beneficiary-directory';
