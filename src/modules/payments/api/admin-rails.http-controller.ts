import { Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { NotFoundError } from '@shared-kernel';
import { ApiAuth, RequirePermissions } from '@platform/auth/decorators';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { Idempotent } from '@platform/http/idempotency';
import { ApiResult, ApiResultContent, ValidBody, ValidParams, ValidQuery } from '@platform/http/zod-request';
import { RailReports } from '../application/rails/rail-reports';
import { BeneficiaryCipher } from '../beneficiaries/beneficiary-cipher';
import { RailReportRepository } from '../rails/rail-report.repository';
import {
  RailCreditListQuery,
  RailCreditPage,
  RailFileContent,
  RailFileIdParams,
  RailFileListQuery,
  RailFilePage,
  RailNocPage,
  RailPageQuery,
  RailReportRequest,
  RailReportResult,
  type RailFileView,
} from './dto/rails.requests';

const PAGE = 50;

/** One page from rows fetched with limit + 1: the extra row only says there is a next page. */
function pageOf<R, V>(rows: readonly R[], limit: number, view: (row: R) => V, cursor: (row: R) => string): { items: V[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  return { items: page.map(view), nextCursor: rows.length > limit ? cursor(page[page.length - 1]!) : null };
}

/**
 * Staff routes of the bank rails: the files sent (metadata for `payments:read`; the content,
 * which holds account numbers, only with `payments:rail-files`), reports the bank sent back
 * (uploaded with `payments:rail-files`), the notifications of change and the incoming credits.
 */
@ApiTags('payouts')
@ApiAuth()
@Controller('admin/rails')
export class AdminRailsHttpController {
  constructor(
    private readonly repository: RailReportRepository,
    private readonly reports: RailReports,
    private readonly cipher: BeneficiaryCipher,
  ) {}

  @Get('files')
  @RequirePermissions('payments:read')
  @ApiOperation({ operationId: 'listRailFiles', summary: 'Files built for the banks (NACHA, pain.001, pacs.008), newest first: metadata only' })
  @ApiResult(200, RailFilePage)
  @ApiProblems(400, 403)
  async files(@ValidQuery(RailFileListQuery) query: z.output<typeof RailFileListQuery>): Promise<RailFilePage> {
    const limit = query.limit ?? PAGE;
    return pageOf(
      await this.repository.files(query.rail, query.cursor ?? null, limit + 1),
      limit,
      (r): RailFileView => ({
        id: r.id,
        rail: r.rail,
        format: r.format as RailFileView['format'],
        entryCount: r.entry_count,
        createdAt: r.created_at.toISOString(),
      }),
      (r) => r.id,
    );
  }

  @Get('files/:id/content')
  @RequirePermissions('payments:rail-files')
  @ApiOperation({ operationId: 'downloadRailFile', summary: 'One file exactly as sent to the bank (it holds account numbers)' })
  @ApiResultContent(200, { 'text/plain': RailFileContent, 'application/xml': RailFileContent })
  @ApiProblems(400, 403, 404)
  async content(@ValidParams(RailFileIdParams) { id }: z.output<typeof RailFileIdParams>, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const file = await this.repository.sealedFile(id);
    if (!file) throw new NotFoundError('RAIL_FILE_NOT_FOUND', 'No such rail file');
    const nacha = file.format === 'nacha';
    void reply.header('content-type', nacha ? 'text/plain; charset=us-ascii' : 'application/xml; charset=utf-8');
    void reply.header('content-disposition', `attachment; filename="${file.rail}-${file.id}.${nacha ? 'ach' : 'xml'}"`);
    void reply.header('cache-control', 'private, no-store');
    return this.cipher.openRecord(`rail-file:${file.id}`, file.sealed);
  }

  @Post('reports')
  @HttpCode(200)
  @Idempotent({ required: true })
  @RequirePermissions('payments:rail-files')
  @ApiOperation({
    operationId: 'uploadRailReport',
    summary: 'A report from the bank: pain.002 status report, ACH return/NOC file, camt.054 or camt.053 statement',
    description:
      'Statuses and returns are stored as provider events and applied once by the provider-events job (a report uploaded again changes nothing); ' +
      'NOCs are recorded; booked credits to a customer IBAN become bank_credit pay-ins, others are kept as unmatched. A malformed report is 400 naming the part, nothing written.',
  })
  @ApiResult(200, RailReportResult)
  @ApiProblems(400, 403, 422)
  upload(@ValidBody(RailReportRequest) body: RailReportRequest): Promise<RailReportResult> {
    return this.reports.upload(body);
  }

  @Get('nocs')
  @RequirePermissions('payments:read')
  @ApiOperation({ operationId: 'listRailNocs', summary: 'ACH notifications of change received, newest first (which fields the bank corrects)' })
  @ApiResult(200, RailNocPage)
  @ApiProblems(400, 403)
  async nocs(@ValidQuery(RailPageQuery) query: z.output<typeof RailPageQuery>): Promise<RailNocPage> {
    const limit = query.limit ?? PAGE;
    return pageOf(
      await this.repository.nocs(query.cursor ?? null, limit + 1),
      limit,
      (r) => ({
        id: r.id,
        paymentId: r.payment_id,
        beneficiaryId: r.beneficiary_id,
        code: r.code,
        correctedFields: r.corrected_fields,
        receivedAt: r.received_at.toISOString(),
      }),
      (r) => r.seq,
    );
  }

  @Get('credits')
  @RequirePermissions('payments:read')
  @ApiOperation({ operationId: 'listRailCredits', summary: 'Incoming bank credits read from statements, newest first; status=unmatched for those to review' })
  @ApiResult(200, RailCreditPage)
  @ApiProblems(400, 403)
  async credits(@ValidQuery(RailCreditListQuery) query: z.output<typeof RailCreditListQuery>): Promise<RailCreditPage> {
    const limit = query.limit ?? PAGE;
    return pageOf(
      await this.repository.credits(query.status, query.cursor ?? null, limit + 1),
      limit,
      (r) => ({
        id: r.id,
        rail: r.rail,
        status: r.status,
        amount: r.amount,
        currency: r.currency,
        accountId: r.account_id,
        paymentId: r.payment_id,
        creditorIbanLast4: r.creditor_last4,
        bookingDate: r.booking_date,
        bankReference: r.bank_reference,
        unmatchedReason: r.unmatched_reason as RailCreditPage['items'][number]['unmatchedReason'],
        receivedAt: r.received_at.toISOString(),
      }),
      (r) => r.seq,
    );
  }
}
