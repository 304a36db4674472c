import { AccrueInterest } from './application/accrue-interest/accrue-interest';
import { CapitaliseInterest } from './application/capitalise-interest/capitalise-interest';
import { InterestJob } from './application/interest-job/interest.job';
import { AddInterestRate } from './application/add-interest-rate/add-interest-rate';
import { ClosureInterestSettlement } from './application/settle-on-closure/closure-interest-settlement';
import { InterestHttpController } from './api/interest.http-controller';
import { InterestRepository } from './infrastructure/interest.repository';

/** The interest feature's pieces, wired into AccountsModule (ADR 0013). */
export const INTEREST_CONTROLLERS = [InterestHttpController];
export const INTEREST_PROVIDERS = [InterestRepository, AccrueInterest, CapitaliseInterest, InterestJob, AddInterestRate, ClosureInterestSettlement];
export { ClosureInterestSettlement };
