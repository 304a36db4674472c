import { Injectable } from '@nestjs/common';
import { DomainError, ValidationError } from '@shared-kernel';
import { BeneficiaryCipher } from '@modules/payments/beneficiaries/beneficiary-cipher';
import type { ProviderEvent } from '@modules/payments/connectors/connector';
import { PaymentRepository } from '@modules/payments/infrastructure/payment.repository';
import { ProviderEventRepository } from '@modules/payments/infrastructure/provider-event.repository';
import { AchParseError, type AchNotificationOfChange } from '@modules/payments/rails/ach/ach-returns';
import type { BankRailConnector, RailProviderEvent } from '@modules/payments/rails/bank-rail.connector';
import { BankRails } from '@modules/payments/rails/bank-rails';
import { Iso20022Error } from '@modules/payments/rails/iso20022/amounts';
import { parseIncomingCredits } from '@modules/payments/rails/iso20022/iso20022-readers';
import { RailReportRepository } from '@modules/payments/rails/rail-report.repository';
import type { Rail } from '@modules/payments/rails/validation/bank-details';
import { PaymentsSignal } from '../dispatch/dispatch-signal';
import { BankCredits } from './bank-credits';

export type RailReport =
  | { readonly format: 'pain.002'; readonly rail: Exclude<Rail, 'ach'>; readonly content: string }
  | { readonly format: 'ach_returns'; readonly content: string }
  | { readonly format: 'camt.054' | 'camt.053'; readonly rail: Exclude<Rail, 'ach'>; readonly content: string };

export interface RailReportOutcome {
  readonly format: RailReport['format'];
  /** Payment events the report carried (each stored once in payments.provider_events). */
  readonly events: number;
  /** Of those, the ones not stored before (a report uploaded again stores none). */
  readonly stored: number;
  readonly notificationsOfChange: number;
  readonly credits: { readonly credited: number; readonly unmatched: number; readonly repeated: number };
}

/**
 * A report the bank sent back, uploaded by staff (or a file bridge with the scope): pain.002
 * status reports and ACH return / NOC files become ProviderEvents stored in
 * payments.provider_events through the same store webhooks use, so the provider-events job
 * applies each once (deduplicated by event id) through PaymentReports; a return of a settled
 * payout is reported as `returned` (the ledger posting reversed, PaymentReturnedV1). NOCs are
 * recorded for staff; camt.054 / camt.053 credits go to BankCredits. A malformed report is a
 * 400 naming the part (field `content`, the line or element) and nothing is written.
 */
@Injectable()
export class RailReports {
  constructor(
    private readonly rails: BankRails,
    private readonly events: ProviderEventRepository,
    private readonly reports: RailReportRepository,
    private readonly payments: PaymentRepository,
    private readonly credits: BankCredits,
    private readonly cipher: BeneficiaryCipher,
    private readonly signal: PaymentsSignal,
  ) {}

  async upload(report: RailReport): Promise<RailReportOutcome> {
    const none = { credited: 0, unmatched: 0, repeated: 0 };
    if (report.format === 'camt.054' || report.format === 'camt.053') {
      this.connector(report.rail);
      const incoming = readOrRefuse(() => parseIncomingCredits(report.content));
      const credits = await this.credits.record(report.rail, incoming);
      return { format: report.format, events: 0, stored: 0, notificationsOfChange: 0, credits };
    }
    if (report.format === 'pain.002') {
      const connector = this.connector(report.rail);
      const events = await readOrRefuseAsync(() => connector.applyStatusReport(report.content));
      return { format: report.format, ...(await this.store(report.rail, events)), notificationsOfChange: 0, credits: none };
    }
    const connector = this.connector('ach', 'format');
    const { events, notificationsOfChange } = await readOrRefuseAsync(() => connector.applyAchReturnFile(report.content));
    for (const noc of notificationsOfChange) await this.recordNoc(noc);
    return { format: report.format, ...(await this.store('ach', events)), notificationsOfChange: notificationsOfChange.length, credits: none };
  }

  /**
   * The configured connector of a rail; otherwise a 422 on the field that chose it (`rail`, or
   * `format` for ACH files): the request is well formed, this deployment cannot take it.
   */
  private connector(rail: Rail, field: 'rail' | 'format' = 'rail'): BankRailConnector {
    const connector = this.rails.get(rail);
    if (!connector)
      throw new DomainError('unprocessable', 'RAIL_NOT_CONFIGURED', `The ${rail} rail is not configured here`, {
        errors: [{ field, message: `no originator settings for ${rail} in this deployment`, code: 'RAIL_NOT_CONFIGURED' }],
      });
    return connector;
  }

  private async store(rail: Rail, events: readonly RailProviderEvent[]): Promise<{ events: number; stored: number }> {
    const translated: ProviderEvent[] = events.map(({ returned, ...event }) => (returned ? { ...event, status: 'returned' } : event));
    const stored = await this.events.store(rail, translated);
    if (stored > 0) this.signal.wake('events');
    return { events: events.length, stored };
  }

  private async recordNoc(noc: AchNotificationOfChange & { paymentId: string | null }): Promise<void> {
    const payment = noc.paymentId ? await this.payments.findRow(noc.paymentId) : null;
    const id = `${noc.traceNumber}:${noc.originalTrace}`;
    await this.reports.recordNoc({
      id,
      paymentId: noc.paymentId,
      beneficiaryId: payment?.beneficiary_id ?? null,
      code: noc.code,
      originalTrace: noc.originalTrace,
      fields: Object.keys(noc.corrected).sort(),
      sealed: this.cipher.sealRecord(`rail-noc:${id}`, JSON.stringify(noc.corrected)),
    });
  }
}

/** A parser's refusal as a 400 naming the part of `content` (the NACHA line, the ISO 20022 element); anything else is ours. */
function refusal(error: unknown): never {
  if (error instanceof AchParseError)
    throw new ValidationError(
      'The ACH file is malformed',
      [{ field: 'content', message: `NACHA ${error.message}`, code: 'REPORT_MALFORMED' }],
      'REPORT_MALFORMED',
    );
  if (error instanceof Iso20022Error)
    throw new ValidationError(
      'The ISO 20022 report is malformed',
      [{ field: 'content', message: `${error.field}: ${error.message}`, code: 'REPORT_MALFORMED' }],
      'REPORT_MALFORMED',
    );
  throw error;
}

function readOrRefuse<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    return refusal(error);
  }
}

async function readOrRefuseAsync<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    return refusal(error);
  }
}
