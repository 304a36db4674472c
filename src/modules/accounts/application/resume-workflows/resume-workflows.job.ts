import { Injectable, Logger } from '@nestjs/common';
import { AccountRepository } from '@modules/accounts/infrastructure/account.repository';
import { CloseAccountWorkflow } from '../close-account/close-account.workflow';
import { OpenAccount } from '../open-account/open-account';

/** Left alone this long, a pending or closing account is taken to be abandoned by a crashed run. */
export const ABANDONED_AFTER_SECONDS = 60;
const BATCH = 100;

/**
 * Finishes openings and closures that a crash (or a refusal such as a pending hold)
 * stopped half-way. Every pod runs it; the workflows are idempotent, so two pods picking
 * the same account do no harm.
 */
@Injectable()
export class ResumeWorkflowsJob {
  private readonly logger = new Logger('ResumeAccountWorkflows');

  constructor(
    private readonly accounts: AccountRepository,
    private readonly opening: OpenAccount,
    private readonly closing: CloseAccountWorkflow,
  ) {}

  async run(olderThanSeconds = ABANDONED_AFTER_SECONDS): Promise<{ resumed: number; failed: number }> {
    let resumed = 0;
    let failed = 0;
    for (const account of await this.accounts.findUnfinished(olderThanSeconds, BATCH)) {
      try {
        if (account.status === 'pending') await this.opening.complete(account);
        else await this.closing.run(account.id);
        resumed++;
      } catch (error) {
        failed++;
        // Expected while e.g. a hold is still pending: the next run tries again.
        this.logger.warn({ accountId: account.id, status: account.status, err: error }, 'account workflow not finished');
      }
    }
    return { resumed, failed };
  }
}
