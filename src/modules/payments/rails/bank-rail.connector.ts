import { randomUUID } from 'node:crypto';
import { newId } from '@shared-kernel';
import type { BeneficiaryCipher } from '../beneficiaries/beneficiary-cipher';
import {
  ConnectorError,
  type ConnectorBeneficiary,
  type ConnectorCapability,
  type ConnectorPaymentRequest,
  type ConnectorPaymentResult,
  type PaymentConnector,
  type ProviderEvent,
  type RouteRequest,
} from '../connectors/connector';
import { effectiveEntryDate } from './ach/ach-cutoff';
import { parseAchReturnFile, type AchNotificationOfChange } from './ach/ach-returns';
import { writeNachaFile } from './ach/nacha-writer';
import { parsePain002 } from './iso20022/iso20022-readers';
import { writePacs008, writeSepaPain001, writeWirePain001, type StructuredAddress } from './iso20022/iso20022-writers';
import type { RailPayoutRepository, RailPayoutRow } from './rail-payout.repository';
import type { RailOriginators } from './rails.config';
import { checkRailCurrency, checkRemittance, type Rail } from './validation/bank-details';
import { checkBeneficiary } from './validation/bank-fields';

/*
 * One connector per bank rail (ach, wire, sepa, swift). A payout is not sent at once: it is
 * queued (payments.rail_payouts, its beneficiary sealed) and answered `processing`; the next
 * file takes it (buildNextFiles: NACHA, pain.001 or one pacs.008 per payout), and what the
 * bank sends back (pain.002 status reports, ACH return files, the passing of an ACH effective
 * date without a return) is translated into ProviderEvent values for the payments core, which
 * applies them through the state machine and deduplicates them by event id.
 *
 * Registered by BankRails (bank-rails.ts) for each rail configured in block "rails" of
 * payments.config.ts; the jobs (application/rails/) and staff routes reach them there.
 */

export type { RailOriginators };

/** A ProviderEvent from a rail: `returned` marks a return after settlement (ACH), which the core applies as `returned`. */
export interface RailProviderEvent extends ProviderEvent {
  readonly returned: boolean;
}

export interface RailFile {
  readonly id: string;
  readonly rail: Rail;
  readonly format: 'nacha' | 'pain.001.001.09' | 'pacs.008.001.08';
  readonly content: string;
  readonly paymentIds: readonly string[];
}

interface QueuedBeneficiary extends ConnectorBeneficiary {
  readonly address?: StructuredAddress;
}

/** An ISO 20022 Max35Text id from our payment id: its 32 hex digits. */
const isoId = (paymentId: string) => paymentId.replace(/-/g, '');

export class BankRailConnector implements PaymentConnector {
  readonly capabilities: ReadonlySet<ConnectorCapability> = new Set<ConnectorCapability>(['payout', 'status']);

  constructor(
    readonly name: Rail,
    private readonly repository: RailPayoutRepository,
    private readonly cipher: BeneficiaryCipher,
    private readonly originators: RailOriginators,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  accepts(route: RouteRequest): boolean {
    return route.method === this.name && checkRailCurrency(this.name, route.currency).ok && this.originators[this.name] !== undefined;
  }

  /** Queues the payout for the next file; a repeat for the same payment answers the same. */
  async payout(request: ConnectorPaymentRequest): Promise<ConnectorPaymentResult> {
    const b = request.beneficiary;
    if (!b) throw new ConnectorError(this.name, 'beneficiary_required', 'a rail payout needs a beneficiary', false, false);
    const checked = checkBeneficiary({ rail: this.name, currency: request.currency, ...b });
    if (!checked.ok)
      throw new ConnectorError(
        this.name,
        'invalid_beneficiary',
        `beneficiary fails ${this.name} rules: ${checked.errors.map((e) => e.field).join(', ')}`,
        false,
        false,
      );
    if (request.amount <= 0n) throw new ConnectorError(this.name, 'invalid_amount', 'amount must be positive', false, false);
    const description = request.description === undefined ? null : request.description.trim();
    if (description && !checkRemittance(this.name, description).ok)
      throw new ConnectorError(this.name, 'invalid_remittance', `description fails the ${this.name} remittance rules`, false, false);
    const normalised: QueuedBeneficiary = {
      ...b,
      name: checked.value.name,
      country: checked.value.country,
      ...(checked.value.iban ? { iban: checked.value.iban } : {}),
      ...(checked.value.bic ? { bic: checked.value.bic } : {}),
      ...(checked.value.accountNumber ? { accountNumber: checked.value.accountNumber } : {}),
      ...(checked.value.accountType ? { accountType: checked.value.accountType } : {}),
    };
    try {
      const row = await this.repository.enqueue({
        paymentId: request.paymentId,
        rail: this.name,
        amount: request.amount,
        currency: request.currency,
        beneficiarySealed: this.cipher.sealRecord(`rail-payout:${request.paymentId}`, JSON.stringify(normalised)),
        description: description || null,
      });
      return resultOf(row);
    } catch (error) {
      throw new ConnectorError(this.name, 'queue_unavailable', 'the rail queue could not be written', true, true, { cause: error });
    }
  }

  async status(providerReference: string): Promise<ConnectorPaymentResult> {
    const row = await this.repository.find(providerReference.replace(`${this.name}:`, ''));
    if (!row) throw new ConnectorError(this.name, 'unknown_payout', 'no such rail payout', false, false);
    return resultOf(row);
  }

  /**
   * Takes the queued payouts into the next file(s), in one transaction: the files are stored
   * sealed and every payout marked submitted with its reference, or nothing changes.
   */
  async buildNextFiles(limit = 5000): Promise<RailFile[]> {
    const now = this.clock();
    return this.repository.uow.run(async (tx) => {
      const rows = await this.repository.claimQueued(this.name, limit, tx);
      if (rows.length === 0) return [];
      const queued = rows.map((row) => ({
        row,
        b: JSON.parse(this.cipher.openRecord(`rail-payout:${row.payment_id}`, row.beneficiary_sealed)) as QueuedBeneficiary,
      }));
      const files: Array<RailFile & { refs: Array<{ paymentId: string; reference: string; effectiveDate: string | null }> }> = [];
      if (this.name === 'ach') {
        const o = this.originators.ach!;
        const effectiveDate = effectiveEntryDate(now, o.cutoffs);
        const { content, summary } = writeNachaFile(
          { ...o.file, createdAt: now, ...(await this.repository.nextAchFile(tx)) },
          queued.map(({ row, b }) => ({
            direction: 'credit' as const,
            accountType: b.accountType ?? 'checking',
            routingNumber: b.routingNumber!,
            accountNumber: b.accountNumber!,
            amount: BigInt(row.amount),
            name: b.name.slice(0, 22),
            identification: isoId(row.payment_id).slice(0, 15),
            ...(row.description ? { remittance: row.description } : {}),
            secCode: o.secCode,
            effectiveDate,
            company: o.company,
          })),
        );
        files.push({
          id: newId(),
          rail: 'ach',
          format: 'nacha',
          content,
          paymentIds: rows.map((r) => r.payment_id),
          refs: rows.map((r, i) => ({ paymentId: r.payment_id, reference: summary.traceNumbers[i]!, effectiveDate })),
        });
      } else if (this.name === 'sepa' || this.name === 'wire') {
        const id = newId();
        const common = { messageId: isoId(id), createdAt: now, paymentInformationId: isoId(id), requestedExecutionDate: now.toISOString().slice(0, 10) };
        const content =
          this.name === 'sepa'
            ? writeSepaPain001({
                ...common,
                ...this.originators.sepa!,
                batchBooking: true,
                transfers: queued.map(({ row, b }) => ({
                  instructionId: isoId(row.payment_id),
                  endToEndId: isoId(row.payment_id),
                  amount: BigInt(row.amount),
                  creditor: { name: b.name },
                  creditorIban: b.iban!,
                  ...(b.bic ? { creditorBic: b.bic } : {}),
                  ...(row.description ? { remittance: row.description } : {}),
                })),
              })
            : writeWirePain001({
                ...common,
                ...this.originators.wire!,
                transfers: queued.map(({ row, b }) => ({
                  instructionId: isoId(row.payment_id),
                  endToEndId: isoId(row.payment_id),
                  amount: BigInt(row.amount),
                  chargeBearer: this.originators.wire!.chargeBearer,
                  creditor: { name: b.name, ...(b.address ? { address: b.address } : {}) },
                  creditorRoutingNumber: b.routingNumber!,
                  creditorAccountNumber: b.accountNumber!,
                  ...(row.description ? { remittance: row.description } : {}),
                })),
              });
        files.push({
          id,
          rail: this.name,
          format: 'pain.001.001.09',
          content,
          paymentIds: rows.map((r) => r.payment_id),
          refs: rows.map((r) => ({ paymentId: r.payment_id, reference: isoId(r.payment_id), effectiveDate: null })),
        });
      } else {
        const o = this.originators.swift!;
        for (const { row, b } of queued) {
          const id = newId();
          const content = writePacs008({
            messageId: isoId(id),
            createdAt: now,
            settlementMethod: o.settlementMethod,
            instructingAgentBic: o.instructingAgentBic,
            instructedAgentBic: o.instructedAgentBic ?? b.bic!,
            transaction: {
              instructionId: isoId(row.payment_id),
              endToEndId: isoId(row.payment_id),
              uetr: randomUUID(),
              amount: BigInt(row.amount),
              currency: row.currency.trim(),
              settlementDate: now.toISOString().slice(0, 10),
              chargeBearer: o.chargeBearer,
              debtor: o.debtor,
              debtorAccount: o.debtorAccount,
              debtorAgentBic: o.debtorAgentBic,
              creditorAgentBic: b.bic!,
              creditor: { name: b.name, ...(b.address ? { address: b.address } : {}) },
              creditorAccount: b.iban ? { iban: b.iban } : { other: b.accountNumber! },
              ...(row.description ? { remittance: row.description } : {}),
            },
          });
          files.push({
            id,
            rail: 'swift',
            format: 'pacs.008.001.08',
            content,
            paymentIds: [row.payment_id],
            refs: [{ paymentId: row.payment_id, reference: isoId(row.payment_id), effectiveDate: null }],
          });
        }
      }
      for (const file of files) {
        await this.repository.insertFile(
          {
            id: file.id,
            rail: file.rail,
            format: file.format,
            entryCount: file.paymentIds.length,
            sealed: this.cipher.sealRecord(`rail-file:${file.id}`, file.content),
          },
          tx,
        );
        for (const ref of file.refs) await this.repository.markSubmitted(ref.paymentId, file.id, ref.reference, ref.effectiveDate, tx);
      }
      return files.map(({ refs: _refs, ...file }) => file);
    });
  }

  /** A pain.002 from the bank: each transaction settled, rejected (with its reason) or still accepted. */
  async applyStatusReport(xml: string): Promise<RailProviderEvent[]> {
    const report = parsePain002(xml);
    const occurredAt = this.clock();
    return this.repository.uow.run(async (tx) => {
      const events: RailProviderEvent[] = [];
      const apply = async (row: RailPayoutRow, status: 'settled' | 'rejected' | 'accepted' | 'pending', reason: string | null, key: string) => {
        if (status === 'accepted' || status === 'pending') {
          events.push({
            eventId: key,
            providerReference: `${this.name}:${row.payment_id}`,
            paymentId: row.payment_id,
            subject: 'payment',
            status: 'processing',
            occurredAt,
            returned: false,
          });
          return;
        }
        // A rejection of a payout the bank had settled (a recall or a late return) is a return.
        const afterSettlement = status === 'rejected' && (row.status === 'settled' || row.status === 'returned');
        const to = status === 'settled' ? 'settled' : afterSettlement ? 'returned' : 'failed';
        if (row.status === 'submitted' || row.status === to || afterSettlement)
          await this.repository.setStatus(row.payment_id, to, status === 'rejected' ? (reason ?? 'rejected') : null, tx);
        events.push({
          eventId: key,
          providerReference: `${this.name}:${row.payment_id}`,
          paymentId: row.payment_id,
          subject: 'payment',
          status: status === 'settled' ? 'succeeded' : 'failed',
          amount: BigInt(row.amount),
          ...(status === 'rejected' ? { failureCode: reason ?? 'rejected' } : {}),
          occurredAt,
          returned: afterSettlement,
        });
      };
      for (const t of report.transactions) {
        if (!t.originalEndToEndId) continue;
        const row = await this.repository.byReference(this.name, t.originalEndToEndId, tx);
        if (row) await apply(row, t.status, t.reason, `${this.name}:pain.002:${report.messageId}:${t.originalEndToEndId}`);
      }
      // A whole message rejected without transaction detail: every payout of that file.
      if (report.transactions.length === 0 && report.groupStatus === 'rejected') {
        const fileId = /^[0-9a-f]{32}$/.test(report.originalMessageId)
          ? report.originalMessageId.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5')
          : null;
        for (const row of fileId ? await this.repository.ofFile(fileId, tx) : []) {
          await apply(
            row,
            'rejected',
            report.groupReasonCode?.toLowerCase() ?? null,
            `${this.name}:pain.002:${report.messageId}:${row.reference ?? row.payment_id}`,
          );
        }
      }
      return events;
    });
  }

  /** An ACH return / NOC file: returns fail (before settlement) or return (after) their payouts; NOCs are handed back for the beneficiary's owner. */
  async applyAchReturnFile(
    content: string,
  ): Promise<{ events: RailProviderEvent[]; notificationsOfChange: Array<AchNotificationOfChange & { paymentId: string | null }> }> {
    const items = parseAchReturnFile(content);
    const occurredAt = this.clock();
    return this.repository.uow.run(async (tx) => {
      const events: RailProviderEvent[] = [];
      const nocs: Array<AchNotificationOfChange & { paymentId: string | null }> = [];
      for (const item of items) {
        const row = await this.repository.byReference('ach', item.originalTrace, tx);
        if (item.kind === 'noc') {
          nocs.push({ ...item, paymentId: row?.payment_id ?? null });
          continue;
        }
        if (!row) continue;
        const afterSettlement = row.status === 'settled' || row.status === 'returned';
        await this.repository.setStatus(row.payment_id, afterSettlement ? 'returned' : 'failed', `${item.code}:${item.reason}`, tx);
        events.push({
          eventId: `ach:return:${item.traceNumber}:${item.originalTrace}`,
          providerReference: `ach:${row.payment_id}`,
          paymentId: row.payment_id,
          subject: 'payment',
          status: 'failed',
          amount: item.amount,
          failureCode: `${item.code}:${item.reason}`,
          occurredAt,
          returned: afterSettlement,
        });
      }
      return { events, notificationsOfChange: nocs };
    });
  }

  /**
   * ACH credits have no positive confirmation: a payout counts as settled once its effective
   * entry date has passed without a return (a later return is then a `returned`).
   */
  async settleDue(today: string): Promise<RailProviderEvent[]> {
    const occurredAt = this.clock();
    return this.repository.uow.run(async (tx) => {
      const rows = await this.repository.dueForSettlement(this.name, today, tx);
      for (const row of rows) await this.repository.setStatus(row.payment_id, 'settled', null, tx);
      return rows.map((row) => ({
        eventId: `${this.name}:settled:${row.payment_id}`,
        providerReference: `${this.name}:${row.payment_id}`,
        paymentId: row.payment_id,
        subject: 'payment' as const,
        status: 'succeeded' as const,
        amount: BigInt(row.amount),
        occurredAt,
        returned: false,
      }));
    });
  }
}

function resultOf(row: RailPayoutRow): ConnectorPaymentResult {
  const providerReference = `${row.rail}:${row.payment_id}`;
  switch (row.status) {
    case 'queued':
    case 'submitted':
      return { status: 'processing', providerReference };
    case 'settled':
      return { status: 'succeeded', providerReference };
    case 'failed':
    case 'returned':
      return { status: 'failed', providerReference, ...(row.failure_code ? { failureCode: row.failure_code } : {}) };
  }
}
