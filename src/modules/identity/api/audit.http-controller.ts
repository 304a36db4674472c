import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { ApiAuth, RequirePermissions } from '@platform/auth/decorators';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { ApiResult, ValidQuery } from '@platform/http/zod-request';
import { AuditLog } from '../infrastructure/audit-log';
import { AuditPage, AuditQuery, AuditVerificationResponse } from './dto/audit.dto';

/** The security audit log, for compliance officers (audit:read). */
@ApiTags('audit')
@ApiAuth()
@RequirePermissions('audit:read')
@Controller('audit-log')
export class AuditHttpController {
  constructor(private readonly audit: AuditLog) {}

  @Get()
  @ApiOperation({ operationId: 'listAuditLog', summary: 'Security events, newest first, filtered; cursor pagination' })
  @ApiResult(200, AuditPage)
  @ApiProblems(400)
  async list(@ValidQuery(AuditQuery) query: z.output<typeof AuditQuery>): Promise<AuditPage> {
    const limit = query.limit ?? 50;
    const items = await this.audit.query({
      type: query.type,
      actorId: query.actorId,
      subjectId: query.subjectId,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      beforeSeq: query.cursor ? Number(query.cursor) : undefined,
      limit,
    });
    return { items, nextCursor: items.length === limit ? items[items.length - 1]!.seq : null };
  }

  @Get('verification')
  @ApiOperation({ operationId: 'verifyAuditLog', summary: 'Recompute the hash chain: shows whether any row was changed or removed, and where' })
  @ApiResult(200, AuditVerificationResponse)
  verify(): Promise<AuditVerificationResponse> {
    return this.audit.verify();
  }
}
