import { Body, Controller, Get, Headers, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiAuth, CurrentPrincipal } from '../../../../platform/auth/decorators';
import type { Principal } from '../../../../platform/auth/principal';
import { Clock } from '../../../../platform/clock';
import { ApiProblems } from '../../../../platform/http/api-problems.decorator';
import { Idempotent } from '../../../../platform/http/idempotency';
import { accessibleWith } from '../../api/account-access';
import { AccountIdParams } from '../../api/dto/accounts.dto';
import { AccountQueries } from '../../application/account-queries/account-queries';
import { GenerateStatementHandler } from '../application/generate-statement/generate-statement.handler';
import { IssueStatementHandler } from '../application/issue-statement/issue-statement.handler';
import type { StatementFormat } from '../domain/statement';
import { statementNotFound } from '../domain/statement-errors';
import { StatementRepository, type StoredStatementRecord } from '../infrastructure/statement.repository';
import { CONTENT_TYPES, render } from '../infrastructure/statement-renderers';
import { StatementPeriodRequest, StatementQuery, StatementResponse, StoredStatementListResponse, StoredStatementParams, StoredStatementQuery, StoredStatementResponse } from './dto/statements.dto';

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
  ApiOkResponse({
    description: 'The statement as JSON, CSV (RFC 4180; amounts in minor units and formatted) or PDF',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(StatementResponse) } },
      'text/csv': { schema: { type: 'string' } },
      'application/pdf': { schema: { type: 'string', format: 'binary' } },
    },
  });

const storedView = (s: StoredStatementRecord): StoredStatementResponse => ({
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
@ApiExtraModels(StatementResponse)
@Controller('accounts/:id/statements')
export class StatementsHttpController {
  constructor(
    private readonly reads: AccountQueries,
    private readonly generator: GenerateStatementHandler,
    private readonly issuer: IssueStatementHandler,
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
    @Param() params: AccountIdParams,
    @Query() query: StatementQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const account = await this.reads.get(params.id, accessibleWith(principal, 'accounts:read'));
    const format = formatOf(query.format, accept);
    const statement = await this.generator.generate(account, query, new Date(this.clock.now()).toISOString());
    return send(reply, format, (await render(statement, format)).content, `statement-${account.accountNumber}`);
  }

  @Post()
  @Idempotent()
  @ApiOperation({ summary: 'Generate and store a statement for a finished period; it can be downloaded again, byte for byte' })
  @ApiCreatedResponse({ type: StoredStatementResponse })
  @ApiProblems(400, 404, 422)
  async issue(@CurrentPrincipal() principal: Principal, @Param() params: AccountIdParams, @Body() body: StatementPeriodRequest): Promise<StoredStatementResponse> {
    const account = await this.reads.get(params.id, accessibleWith(principal, 'accounts:read'));
    return storedView(await this.issuer.issue(account, 'on_demand', body, `${principal.kind}:${principal.subject}`));
  }

  @Get('stored')
  @ApiOperation({ summary: 'Stored statements (on demand, monthly, final), newest first' })
  @ApiOkResponse({ type: StoredStatementListResponse })
  @ApiProblems(400, 404)
  async list(@CurrentPrincipal() principal: Principal, @Param() params: AccountIdParams): Promise<StoredStatementListResponse> {
    const account = await this.reads.get(params.id, accessibleWith(principal, 'accounts:read'));
    return { items: (await this.statements.list(account.id)).map(storedView) };
  }

  @Get('stored/:statementId')
  @ApiOperation({ summary: 'Download a stored statement: the bytes stored when it was issued (see documents[].sha256)' })
  @ApiProduces('application/json', 'text/csv', 'application/pdf')
  @StatementContent()
  @ApiProblems(400, 404)
  async download(
    @CurrentPrincipal() principal: Principal,
    @Param() params: StoredStatementParams,
    @Query() query: StoredStatementQuery,
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
