import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth, RequirePermissions } from '../../../platform/auth/decorators';
import { ReconcileBalancesJob, type ReconciliationReport } from '../application/reconcile-balances/reconcile-balances.job';
import { ReconciliationReportResponse } from './dto/ledger.responses';

@ApiTags('ledger')
@ApiAuth()
@Controller('ledger/reconciliations')
export class ReconciliationsHttpController {
  constructor(private readonly job: ReconcileBalancesJob) {}

  @Post()
  @HttpCode(200)
  @RequirePermissions('ledger:reconcile')
  @ApiOperation({ summary: 'Recompute every balance from its postings now and report mismatches' })
  @ApiOkResponse({ type: ReconciliationReportResponse })
  run(): Promise<ReconciliationReport> {
    return this.job.run();
  }
}
