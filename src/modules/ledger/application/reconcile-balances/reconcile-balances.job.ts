import { Injectable, Logger } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { Metrics } from '@platform/metrics/metrics';
import { Outbox } from '@platform/messaging/outbox';
import { ReconciliationMismatchV1 } from '@modules/ledger/contract';

export interface ReconciliationReport {
  readonly checkedAt: string;
  readonly accountsChecked: number;
  /** Accounts whose stored totals differ from the sum of their postings. */
  readonly mismatchedAccounts: readonly string[];
  /** Currencies whose accounts do not sum to zero (debits - credits), posted or pending. */
  readonly unbalancedCurrencies: readonly string[];
}

const TOTALS = ['debits_pending', 'debits_posted', 'credits_pending', 'credits_posted'] as const;

/**
 * Recomputes every account's totals from its postings and checks double entry per
 * currency, on one consistent snapshot. Any difference raises an alert event and the
 * `skyro_ledger_reconciliation_mismatches` gauge: it means a bug or tampering.
 */
@Injectable()
export class ReconcileBalancesJob {
  private readonly logger = new Logger('ReconcileBalances');
  private readonly mismatches: Gauge;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly outbox: Outbox,
    metrics: Metrics,
  ) {
    this.mismatches = new Gauge({
      name: 'skyro_ledger_reconciliation_mismatches',
      help: 'Accounts and currencies that failed the last reconciliation',
      registers: [metrics.registry],
    });
  }

  async run(): Promise<ReconciliationReport> {
    const checkedAt = new Date().toISOString();
    const { accounts, rows, currencies } = await this.uow.run(
      async (tx) => {
        const counted = await tx.query<{ n: string }>('select count(*) as n from ledger.accounts');
        const mismatched = await tx.query<Record<string, string>>(
          `with sums as (
             select account_id,
                    coalesce(sum(amount) filter (where side = 'debit' and bucket = 'pending'), 0) as debits_pending,
                    coalesce(sum(amount) filter (where side = 'debit' and bucket = 'posted'), 0) as debits_posted,
                    coalesce(sum(amount) filter (where side = 'credit' and bucket = 'pending'), 0) as credits_pending,
                    coalesce(sum(amount) filter (where side = 'credit' and bucket = 'posted'), 0) as credits_posted
               from ledger.postings group by account_id)
           select a.id, ${TOTALS.map((t) => `a.${t}::text as recorded_${t}, coalesce(s.${t}, 0)::text as recomputed_${t}`).join(', ')}
             from ledger.accounts a left join sums s on s.account_id = a.id
            where ${TOTALS.map((t) => `a.${t} <> coalesce(s.${t}, 0)`).join(' or ')}`,
        );
        const unbalanced = await tx.query<{ currency: string }>(
          `select currency from ledger.accounts group by currency
            having sum(debits_posted) <> sum(credits_posted) or sum(debits_pending) <> sum(credits_pending)`,
        );
        return { accounts: Number(counted.rows[0]!.n), rows: mismatched.rows, currencies: unbalanced.rows.map((r) => r.currency) };
      },
      { isolation: 'REPEATABLE READ' },
    );

    this.mismatches.set(rows.length + currencies.length);
    if (rows.length || currencies.length) {
      this.logger.error({ accounts: rows.map((r) => r['id']), currencies }, 'LEDGER RECONCILIATION MISMATCH');
      await this.uow.run((tx) =>
        this.outbox.append(
          tx,
          'ledger',
          rows.map((r) =>
            ReconciliationMismatchV1(r['id']!, {
              accountId: r['id']!,
              recorded: Object.fromEntries(TOTALS.map((t) => [t, r[`recorded_${t}`]!])),
              recomputed: Object.fromEntries(TOTALS.map((t) => [t, r[`recomputed_${t}`]!])),
              detectedAt: checkedAt,
            }),
          ),
        ),
      );
    }
    return { checkedAt, accountsChecked: accounts, mismatchedAccounts: rows.map((r) => r['id']!), unbalancedCurrencies: currencies };
  }
}
