import { GenerateStatement } from './application/generate-statement/generate-statement';
import { IssueStatement } from './application/issue-statement/issue-statement';
import { MonthlyStatementsJob } from './application/monthly-statements/monthly-statements.job';
import { StatementsHttpController } from './api/statements.http-controller';
import { StatementRepository } from './infrastructure/statement.repository';

/** The statements feature's pieces, wired into AccountsModule (ADR 0012). */
export const STATEMENT_CONTROLLERS = [StatementsHttpController];
export const STATEMENT_PROVIDERS = [StatementRepository, GenerateStatement, IssueStatement, MonthlyStatementsJob];
