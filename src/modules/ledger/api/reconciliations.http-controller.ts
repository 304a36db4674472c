import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth, RequirePermissions } from '@platform/auth/decorators';
import { ApiResult } from '@platform/http/zod-request';
import { ReconcileBalancesJob, type ReconciliationReport } from '../application/reconcile-balances/reconcile-balances.job';
import { ReconciliationReportView } from './dto/ledger.requests';

@ApiTags('ledger')
@ApiAuth()
@Controller('ledger/reconciliations')
export class ReconciliationsHttpController {
  constructor(private readonly job: ReconcileBalancesJob) {}

  @Post()
  @HttpCode(200)
  @RequirePermissions('ledger:reconcile')
  @ApiOperation({ summary: 'Recompute every balance from its postings now and report mismatches' })
  @ApiResult(200, ReconciliationReportView)
  run(): Promise<ReconciliationReport> {
    return this.job.run();
  }
}
