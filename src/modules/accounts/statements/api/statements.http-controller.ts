import { Controller, Get, Headers, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { ApiAuth, CurrentPrincipal } from '@platform/auth/decorators';
import type { Principal } from '@platform/auth/principal';
import { Clock } from '@platform/clock';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { Idempotent } from '@platform/http/idempotency';
import { ApiResult, ApiResultContent, ValidBody, ValidParams, ValidQuery } from '@platform/http/zod-request';
import { accessibleWith } from '@modules/accounts/api/account-access';
import { AccountIdParams } from '@modules/accounts/api/dto/accounts.requests';
import { ReadAccounts } from '@modules/accounts/application/read-accounts/read-accounts';
import { GenerateStatement } from '../application/generate-statement/generate-statement';
import { IssueStatement } from '../application/issue-statement/issue-statement';
import type { StatementFormat } from '../domain/statement';
import { statementNotFound } from '../domain/statement-errors';
import { StatementRepository, type StoredStatementRecord } from '../infrastructure/statement.repository';
import { CONTENT_TYPES, render } from '../infrastructure/statement-renderers';
import {
  StatementCsv,
  StatementJson,
  StatementPdf,
  StatementPeriodRequest,
  StatementQuery,
  StoredStatement,
  StoredStatementList,
  StoredStatementParams,
  StoredStatementQuery,
} from './dto/statements.requests';

/** The `format` parameter wins; otherwise the Accept header; otherwise JSON. */
export function formatOf(explicit: StatementFormat | undefined, accept: string | undefined): StatementFormat {
  if (explicit) return explicit;
  const a = (accept ?? '').toLowerCase();
  if (a.includes('application/pdf')) return 'pdf';
  if (a.includes('text/csv')) return 'csv';
  return 'json';
}

/** The three renderings of a statement, documented once for both download routes. */
const StatementContent = () =>
  ApiResultContent(
    200,
    { 'application/json': StatementJson, 'text/csv': StatementCsv, 'application/pdf': StatementPdf },
    'The statement as JSON, CSV (RFC 4180; amounts in minor units and formatted) or PDF: `format=` wins over the Accept header; JSON by default',
  );

const storedView = (s: StoredStatementRecord): StoredStatement => ({
  id: s.id,
  accountId: s.accountId,
  kind: s.kind,
  periodFrom: s.periodFrom.toISOString(),
  periodTo: s.periodTo.toISOString(),
  openingBalance: s.openingBalance.toString(),
  closingBalance: s.closingBalance.toString(),
  postingCount: s.postingCount,
  issuedAt: s.issuedAt.toISOString(),
  documents: s.documents.map((d) => ({ format: d.format, sha256: d.sha256 })),
});

function send(reply: FastifyReply, format: StatementFormat, content: Buffer, name: string): Buffer {
  void reply.header('content-type', CONTENT_TYPES[format]);
  void reply.header('content-disposition', `${format === 'json' ? 'inline' : 'attachment'}; filename="${name}.${format}"`);
  void reply.header('cache-control', 'private, no-store');
  return content;
}

/**
 * Statements of an account: the owner's, or any for staff with `accounts:read`; other
 * callers get 404 ACCOUNT_NOT_FOUND, as for the account itself.
 */
@ApiTags('statements')
@ApiAuth()
@Controller('accounts/:id/statements')
export class StatementsHttpController {
  constructor(
    private readonly reads: ReadAccounts,
    private readonly generator: GenerateStatement,
    private readonly issuer: IssueStatement,
    private readonly statements: StatementRepository,
    private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({ summary: 'A statement for any period, generated now: opening balance, every posting with the balance after it, closing balance' })
  @ApiProduces('application/json', 'text/csv', 'application/pdf')
  @StatementContent()
  @ApiProblems(400, 404)
  async generate(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(AccountIdParams) { id }: z.output<typeof AccountIdParams>,
    @ValidQuery(StatementQuery) { format, ...period }: z.output<typeof StatementQuery>,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const account = await this.reads.get(id, accessibleWith(principal, 'accounts:read'));
    const chosen = formatOf(format, accept);
    const statement = await this.generator.generate(account, period, new Date(this.clock.now()).toISOString());
    return send(reply, chosen, (await render(statement, chosen)).content, `statement-${account.accountNumber}`);
  }

  @Post()
  @Idempotent()
  @ApiOperation({ summary: 'Generate and store a statement for a finished period; it can be downloaded again, byte for byte' })
  @ApiResult(201, StoredStatement)
  @ApiProblems(400, 404)
  async issue(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(AccountIdParams) { id }: z.output<typeof AccountIdParams>,
    @ValidBody(StatementPeriodRequest) period: z.output<typeof StatementPeriodRequest>,
  ): Promise<StoredStatement> {
    const account = await this.reads.get(id, accessibleWith(principal, 'accounts:read'));
    return storedView(await this.issuer.issue(account, 'on_demand', period, `${principal.kind}:${principal.subject}`));
  }

  @Get('stored')
  @ApiOperation({ summary: 'Stored statements (on demand, monthly, final), newest first' })
  @ApiResult(200, StoredStatementList)
  @ApiProblems(400, 404)
  async list(@CurrentPrincipal() principal: Principal, @ValidParams(AccountIdParams) { id }: z.output<typeof AccountIdParams>): Promise<StoredStatementList> {
    const account = await this.reads.get(id, accessibleWith(principal, 'accounts:read'));
    return { items: (await this.statements.list(account.id)).map(storedView) };
  }

  @Get('stored/:statementId')
  @ApiOperation({ summary: 'Download a stored statement: the bytes stored when it was issued (see documents[].sha256)' })
  @ApiProduces('application/json', 'text/csv', 'application/pdf')
  @StatementContent()
  @ApiProblems(400, 404)
  async download(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(StoredStatementParams) params: z.output<typeof StoredStatementParams>,
    @ValidQuery(StoredStatementQuery) query: z.output<typeof StoredStatementQuery>,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const account = await this.reads.get(params.id, accessibleWith(principal, 'accounts:read'));
    const format = formatOf(query.format, accept);
    const content = await this.statements.document(account.id, params.statementId, format);
    if (!content) throw statementNotFound();
    return send(reply, format, content, `statement-${account.accountNumber}-${params.statementId}`);
  }
}
