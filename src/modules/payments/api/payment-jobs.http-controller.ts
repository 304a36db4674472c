import { Controller, Get, HttpCode, Post, type Provider } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Timestamp } from '@shared-kernel';
import { ApiAuth, RequirePermissions } from '@platform/auth/decorators';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { Idempotent } from '@platform/http/idempotency';
import { ApiResult, ValidParams, ValidQuery } from '@platform/http/zod-request';
import { WorkQueues } from '@platform/work-queue/work-queues';

/* The staff view of the payments context's work queues (`payments.*`): depth, dead letters, retry. */

const PAYMENT_QUEUE = /^payments\.[a-z0-9_-]+$/;

const QueueName = z.string().regex(PAYMENT_QUEUE, 'must name a payments queue (payments.<work>)').meta({ example: 'payments.dispatch' });

export const PaymentJobsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Dead-lettered jobs listed per queue, most recent first (1-200, default 50)'),
});

export const PaymentJobParams = z.strictObject({
  queue: QueueName.describe('The queue, e.g. payments.dispatch'),
  id: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,200}$/, 'must be a job id (1-200 of A-Z a-z 0-9 . _ : -)')
    .describe('The job id (the id the payments context enqueued it under, usually the payment id)'),
});

const DeadLetteredJob = z
  .object({
    id: z.string(),
    data: z.unknown().describe('What the job carries: ids only, the state is in PostgreSQL'),
    attempts: z.number().int().nonnegative().describe('Attempts made before it was dead-lettered'),
    error: z.string().describe('The last error, masked and shortened (no stack)'),
    failedAt: Timestamp,
  })
  .meta({ id: 'DeadLetteredPaymentJob' });

const QueueCounts = z
  .object({
    waiting: z.number().int().nonnegative(),
    active: z.number().int().nonnegative(),
    delayed: z.number().int().nonnegative().describe('Waiting for their retry delay (exponential backoff with jitter)'),
    failed: z.number().int().nonnegative().describe('Dead-lettered: attempts used up, waiting for staff to retry'),
  })
  .meta({ id: 'PaymentJobQueueCounts' });

export const PaymentJobQueues = z
  .object({
    engine: z.enum(['bullmq', 'memory']).describe('bullmq: on Redis (REDIS_URL set); memory: in this process'),
    queues: z.array(z.object({ name: QueueName, counts: QueueCounts, deadLettered: z.array(DeadLetteredJob) }).meta({ id: 'PaymentJobQueue' })),
  })
  .meta({ id: 'PaymentJobQueues' });

export const RetriedPaymentJob = z
  .object({ queue: QueueName, id: z.string(), state: z.literal('waiting').describe('Back in the queue with fresh attempts') })
  .meta({ id: 'RetriedPaymentJob' });

@ApiTags('payments')
@ApiAuth()
@Controller('admin/payments/jobs')
export class PaymentJobsHttpController {
  constructor(private readonly queues: WorkQueues) {}

  @Get()
  @RequirePermissions('payments:review')
  @ApiOperation({ operationId: 'listPaymentJobQueues', summary: "The payments context's work queues: depth by state and the dead-lettered jobs (staff)" })
  @ApiResult(200, PaymentJobQueues)
  @ApiProblems(400, 503)
  async list(@ValidQuery(PaymentJobsQuery) { limit }: z.output<typeof PaymentJobsQuery>): Promise<z.output<typeof PaymentJobQueues>> {
    const names = this.queues.names().filter((name) => PAYMENT_QUEUE.test(name));
    const queues = await Promise.all(
      names.map(async (name) => ({ name, counts: await this.queues.counts(name), deadLettered: await this.queues.failed(name, { limit }) })),
    );
    return { engine: this.queues.kind, queues };
  }

  @Post(':queue/:id/retry')
  @HttpCode(202)
  @Idempotent()
  @RequirePermissions('payments:review')
  @ApiOperation({
    operationId: 'retryPaymentJob',
    summary: 'Run a dead-lettered payments job again with fresh attempts (the job re-reads the payment: nothing is done twice)',
  })
  @ApiResult(202, RetriedPaymentJob, 'Accepted: queued again')
  @ApiProblems(400, 404, 503)
  async retry(@ValidParams(PaymentJobParams) { queue, id }: z.output<typeof PaymentJobParams>): Promise<z.output<typeof RetriedPaymentJob>> {
    await this.queues.retry(queue, id);
    return { queue, id, state: 'waiting' };
  }
}

/** For the payments module: the staff view needs only the platform's WorkQueues (global). */
export const PAYMENT_JOBS_CONTROLLERS = [PaymentJobsHttpController];
export const PAYMENT_JOBS_PROVIDERS: Provider[] = [];
