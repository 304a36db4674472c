import { GenerateStatementHandler } from './application/generate-statement/generate-statement.handler';
import { IssueStatementHandler } from './application/issue-statement/issue-statement.handler';
import { MonthlyStatementsJob } from './application/monthly-statements/monthly-statements.job';
import { StatementsHttpController } from './api/statements.http-controller';
import { StatementRepository } from './infrastructure/statement.repository';

/** The statements feature's pieces, wired into AccountsModule (ADR 0012). */
export const STATEMENT_CONTROLLERS = [StatementsHttpController];
export const STATEMENT_PROVIDERS = [StatementRepository, GenerateStatementHandler, IssueStatementHandler, MonthlyStatementsJob];
