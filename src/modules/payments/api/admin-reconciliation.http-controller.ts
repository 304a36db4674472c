import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Id, SequenceCursor, singleLineText, Timestamp } from '@shared-kernel';
import { ApiAuth, CurrentPrincipal, RequirePermissions } from '@platform/auth/decorators';
import type { Principal } from '@platform/auth/principal';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { Idempotent, IdempotencyKey } from '@platform/http/idempotency';
import { ApiResult, ValidBody, ValidParams, ValidQuery } from '@platform/http/zod-request';
import { ConnectorName, ReconciliationMismatchView } from '../contract';
import { ReconcileSettlements } from '../application/reconciliation/reconcile-settlements';
import { reconciliationWindowInvalid } from '../domain/payment-errors';
import { mismatchViewOf, ReconciliationRepository, type RunRow } from '../infrastructure/reconciliation.repository';
import { paymentsConfig, type PaymentsConfig } from '../payments.config';

/* Staff's view of reconciliation (docs/reconciliation.md): the runs, the mismatches, a run on demand, and resolving a mismatch. */

/** The longest window a run on demand may cover. */
const MAX_WINDOW_DAYS = 92;

const limit = z.coerce.number().int().min(1).max(200).optional().describe('Page size (default PAYMENTS_PAGE_SIZE)');
const cursor = SequenceCursor.optional().describe('nextCursor of the previous page');

export const ReconciliationRunView = z
  .object({
    id: Id,
    connector: ConnectorName,
    from: Timestamp.describe('Start of the window (inclusive)'),
    to: Timestamp.describe('End of the window (exclusive)'),
    trigger: z.enum(['schedule', 'staff']),
    state: z.enum(['running', 'completed', 'failed']),
    lines: z.number().int().nonnegative().describe('Report lines read'),
    matched: z.number().int().nonnegative().describe('Lines that matched without a mismatch'),
    mismatches: z.number().int().nonnegative().describe('Mismatches found, known ones included'),
    newMismatches: z.number().int().nonnegative().describe('Mismatches this run found first'),
    errorCode: z.string().nullable().describe("Failed: the connector's code (the report could not be read whole)"),
    startedAt: Timestamp,
    finishedAt: Timestamp.nullable(),
  })
  .meta({ id: 'ReconciliationRun' });
type ReconciliationRunView = z.infer<typeof ReconciliationRunView>;

export const ReconciliationRunQuery = z.strictObject({ connector: ConnectorName.optional(), cursor, limit });
export const ReconciliationMismatchQuery = z.strictObject({
  state: z.enum(['open', 'resolved']).optional(),
  connector: ConnectorName.optional(),
  runId: Id.optional(),
  cursor,
  limit,
});

export const ReconciliationRunPage = z
  .object({ items: z.array(ReconciliationRunView).describe('Newest first'), nextCursor: z.string().nullable() })
  .meta({ id: 'ReconciliationRunPage' });
export const ReconciliationMismatchPage = z
  .object({ items: z.array(ReconciliationMismatchView).describe('Newest first'), nextCursor: z.string().nullable() })
  .meta({ id: 'ReconciliationMismatchPage' });

export const ReconciliationRunRequest = z
  .strictObject({
    connector: ConnectorName,
    from: Timestamp.describe('Start of the window (inclusive)'),
    to: Timestamp.describe(`End of the window (exclusive), after from and at most ${MAX_WINDOW_DAYS} days later`),
  })
  .meta({ id: 'ReconciliationRunRequest' });

export const ResolveMismatchRequest = z
  .strictObject({ note: singleLineText(1, 500).describe('What was found and done (no personal data)') })
  .meta({ id: 'ResolveMismatchRequest' });

const MismatchIdParams = z.strictObject({ id: Id });

@ApiTags('payments')
@ApiAuth()
@Controller('admin/reconciliation')
export class AdminReconciliationHttpController {
  constructor(
    private readonly reconcile: ReconcileSettlements,
    private readonly repo: ReconciliationRepository,
    @Inject(paymentsConfig.token) private readonly config: PaymentsConfig,
  ) {}

  @Get('runs')
  @RequirePermissions('payments:read')
  @ApiOperation({ operationId: 'listPaymentReconciliationRuns', summary: 'Reconciliation runs, newest first (cursor pagination)' })
  @ApiResult(200, ReconciliationRunPage)
  @ApiProblems(400, 403)
  async runs(@ValidQuery(ReconciliationRunQuery) query: z.output<typeof ReconciliationRunQuery>): Promise<z.output<typeof ReconciliationRunPage>> {
    const size = query.limit ?? this.config.pageSize;
    const rows = await this.repo.runs(query.connector, query.cursor === undefined ? null : BigInt(query.cursor), size + 1);
    const items = rows.slice(0, size);
    return { items: items.map(runViewOf), nextCursor: rows.length > size ? items[items.length - 1]!.seq : null };
  }

  @Post('runs')
  @HttpCode(201)
  @Idempotent({ required: true })
  @RequirePermissions('payments:review')
  @ApiOperation({
    operationId: 'runPaymentReconciliation',
    summary: "Reconcile a connector's settlement report for a window now",
    description:
      'Reads the report whole, matches every line against payments, refunds and the ledger, and stores new mismatches (a window reconciled before adds none). A report that cannot be read is a run in state failed with the error code. The scheduled runs are unaffected.',
  })
  @ApiResult(201, ReconciliationRunView)
  @ApiProblems(400, 403, 422)
  async run(
    @ValidBody(ReconciliationRunRequest) body: z.output<typeof ReconciliationRunRequest>,
    @IdempotencyKey() _key: string,
  ): Promise<ReconciliationRunView> {
    const from = new Date(body.from);
    const to = new Date(body.to);
    if (to <= from) throw reconciliationWindowInvalid('must be after from');
    if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * 86_400_000) throw reconciliationWindowInvalid(`must be at most ${MAX_WINDOW_DAYS} days after from`);
    return runViewOf(await this.reconcile.run(body.connector, from, to, 'staff'));
  }

  @Get('mismatches')
  @RequirePermissions('payments:read')
  @ApiOperation({
    operationId: 'listPaymentReconciliationMismatches',
    summary: 'Reconciliation mismatches, newest first, by state, connector and run (cursor pagination)',
  })
  @ApiResult(200, ReconciliationMismatchPage)
  @ApiProblems(400, 403)
  async mismatches(
    @ValidQuery(ReconciliationMismatchQuery) query: z.output<typeof ReconciliationMismatchQuery>,
  ): Promise<z.output<typeof ReconciliationMismatchPage>> {
    const size = query.limit ?? this.config.pageSize;
    const rows = await this.repo.mismatches(
      {
        ...(query.state ? { state: query.state } : {}),
        ...(query.connector ? { connector: query.connector } : {}),
        ...(query.runId ? { runId: query.runId } : {}),
      },
      query.cursor === undefined ? null : BigInt(query.cursor),
      size + 1,
    );
    const items = rows.slice(0, size);
    return { items: items.map(mismatchViewOf), nextCursor: rows.length > size ? items[items.length - 1]!.seq : null };
  }

  @Post('mismatches/:id/resolve')
  @HttpCode(200)
  @Idempotent()
  @RequirePermissions('payments:review')
  @ApiOperation({ operationId: 'resolvePaymentReconciliationMismatch', summary: 'Mark a mismatch resolved, with a note (a rerun never reopens it)' })
  @ApiResult(200, ReconciliationMismatchView)
  @ApiProblems(400, 403, 404, 409)
  resolve(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(MismatchIdParams) { id }: z.output<typeof MismatchIdParams>,
    @ValidBody(ResolveMismatchRequest) body: z.output<typeof ResolveMismatchRequest>,
  ): Promise<ReconciliationMismatchView> {
    return this.reconcile.resolve(id, body.note, principal.subject);
  }
}

function runViewOf(row: RunRow): ReconciliationRunView {
  return {
    id: row.id,
    connector: row.connector,
    from: row.window_from.toISOString(),
    to: row.window_to.toISOString(),
    trigger: row.trigger,
    state: row.state,
    lines: row.lines,
    matched: row.matched,
    mismatches: row.mismatches,
    newMismatches: row.new_mismatches,
    errorCode: row.error_code,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}
