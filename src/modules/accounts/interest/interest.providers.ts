import { AccrueInterestHandler } from './application/accrue-interest/accrue-interest.handler';
import { CapitaliseInterestHandler } from './application/capitalise-interest/capitalise-interest.handler';
import { InterestJob } from './application/interest-job/interest.job';
import { InterestRatesHandler } from './application/interest-rates/interest-rates.handler';
import { ClosureInterestSettlement } from './application/settle-on-closure/closure-interest-settlement';
import { InterestHttpController } from './api/interest.http-controller';
import { InterestRepository } from './infrastructure/interest.repository';

/** The interest feature's pieces, wired into AccountsModule (ADR 0013). */
export const INTEREST_CONTROLLERS = [InterestHttpController];
export const INTEREST_PROVIDERS = [InterestRepository, AccrueInterestHandler, CapitaliseInterestHandler, InterestJob, InterestRatesHandler, ClosureInterestSettlement];
export { ClosureInterestSettlement };
