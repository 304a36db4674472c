import { Injectable, Logger } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import { Clock } from '@platform/clock';
import { LedgerRepository } from '@modules/ledger/infrastructure/ledger.repository';
import { TransferCommitter } from '../submit-transfers/transfer-committer';

// Namespace for the ids of expiry transfers: the same hold always expires under the same
// id, so pods that race to expire it write it once (the others get "exists").
const EXPIRY_NAMESPACE = '8f0c6d2e-3b7a-4f57-9a51-6c1f3e9d2b40';
const BATCH = 1000;

/** Voids holds whose timeout has passed (an `expire_pending` transfer per hold). */
@Injectable()
export class ExpirePendingTransfersJob {
  private readonly logger = new Logger('ExpirePendingTransfers');

  constructor(
    private readonly repository: LedgerRepository,
    private readonly committer: TransferCommitter,
    private readonly clock: Clock,
  ) {}

  async run(): Promise<number> {
    let expired = 0;
    for (;;) {
      const ids = await this.repository.expiredPendingIds(this.clock.now(), BATCH);
      if (ids.length === 0) return expired;
      const outcomes = await this.committer.submit(
        ids.map((pendingId) => ({ id: uuidv5(pendingId, EXPIRY_NAMESPACE), kind: 'expire_pending' as const, pendingId, linked: false, code: 0 })),
      );
      const done = outcomes.filter((o) => o.status !== 'failed').length;
      expired += done;
      if (done) this.logger.log({ expired: done }, 'expired pending transfers');
      // Holds resolved meanwhile by a post or void fail here, harmlessly; stop if nothing moved.
      if (done === 0 || ids.length < BATCH) return expired;
    }
  }
}
