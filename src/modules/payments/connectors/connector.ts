import type { ConnectorName, PaymentMethod } from '../contract/views';

/*
 * The one contract every gateway (Stripe, Adyen, PayPal) and bank rail connector implements.
 * The payments core never speaks a provider's API itself: it routes (connector-router.ts),
 * calls these methods outside any database transaction (after the intent is committed), and
 * applies what they answer — or what their webhooks say — through the state machine.
 */

/** What a connector can do; the router only offers a connector an operation it declares. */
export type ConnectorCapability = 'authorize' | 'capture' | 'refund' | 'cancel' | 'payout' | 'status' | 'webhooks' | 'settlements';

/** Where a payment is going, for routing rules (currency, amount, country, method). */
export interface RouteRequest {
  readonly method: PaymentMethod;
  readonly currency: string;
  /** Minor units. */
  readonly amount: bigint;
  readonly country?: string;
}

/** A charge (pay-in) or payout as a connector receives it. Amounts are bigint minor units. */
export interface ConnectorPaymentRequest extends RouteRequest {
  /** Our payment id: sent to the provider as its metadata / merchant reference. */
  readonly paymentId: string;
  /**
   * The provider's own idempotency key (Stripe's Idempotency-Key, Adyen's Idempotency-Key,
   * PayPal-Request-Id). Stable per payment, operation and connector, so a retry of the same
   * call never charges twice, and a failover to another connector uses another key.
   */
  readonly idempotencyKey: string;
  readonly paymentMethodToken?: string;
  readonly returnUrl?: string;
  readonly description?: string;
  /** Payouts: the external account, already validated (IBAN/BIC, ABA routing number and account). */
  readonly beneficiary?: ConnectorBeneficiary;
}

export interface ConnectorBeneficiary {
  readonly name: string;
  readonly country: string;
  readonly iban?: string;
  readonly bic?: string;
  readonly routingNumber?: string;
  readonly accountNumber?: string;
  readonly accountType?: 'checking' | 'savings';
}

/** The provider's view of a payment, mapped onto our states. */
export type ConnectorPaymentStatus = 'requires_action' | 'processing' | 'succeeded' | 'failed' | 'canceled';

export interface ConnectorPaymentResult {
  readonly status: ConnectorPaymentStatus;
  /** The provider's id (PaymentIntent id, pspReference, PayPal order id, batch trace). */
  readonly providerReference: string;
  readonly nextAction?: { readonly type: 'redirect'; readonly url: string };
  /** Provider's decline or error code when failed (e.g. card_declined, Refused). */
  readonly failureCode?: string;
  /** Provider fee, minor units, when the provider states it. */
  readonly fee?: bigint;
  /** The buyer approved and the money moves only when we capture (a PayPal order APPROVED): the core calls `capture`. */
  readonly needsCapture?: boolean;
}

export interface ConnectorRefundRequest {
  readonly paymentId: string;
  readonly refundId: string;
  readonly providerReference: string;
  readonly amount: bigint;
  readonly currency: string;
  readonly idempotencyKey: string;
}

export interface ConnectorRefundResult {
  readonly status: 'processing' | 'succeeded' | 'failed';
  readonly providerReference: string;
  readonly failureCode?: string;
}

/** One thing a provider's webhook says, translated. */
export interface ProviderEvent {
  /** The provider's event id: the dedupe key (with the connector's name). */
  readonly eventId: string;
  /** The provider's id of the payment (or refund) it is about. */
  readonly providerReference: string;
  /** Our payment id, when the provider echoes the metadata / merchant reference. */
  readonly paymentId?: string;
  readonly subject: 'payment' | 'refund';
  /** `returned`: a bank return of a settled payout (rails), which reverses its ledger posting. */
  readonly status: ConnectorPaymentStatus | 'refunded' | 'returned';
  /** Minor units, when stated (captured or refunded amount). */
  readonly amount?: bigint;
  readonly failureCode?: string;
  readonly occurredAt: Date;
  /**
   * The buyer approved and the money moves only when we capture (PayPal's
   * CHECKOUT.ORDER.APPROVED): the core calls `capture` on this connector. Absent otherwise.
   */
  readonly needsCapture?: boolean;
}

/** What a settlement report line is about, in our words. */
export type SettlementLineKind = 'charge' | 'refund' | 'payout' | 'fee' | 'adjustment';

/**
 * One line of a provider's settlement report (Stripe balance transaction, Adyen settlement
 * detail row, PayPal transaction), mapped. Amounts are bigint minor units, signed as the
 * provider books them on our balance: a charge is positive, a refund or payout negative;
 * `fee` is what the provider kept (positive when it charged us), and `net = gross - fee`.
 */
export interface SettlementLine {
  /** The provider's id of this line (txn_…, `batch:row`, PayPal transaction id): unique per connector. */
  readonly lineId: string;
  readonly kind: SettlementLineKind;
  /**
   * The provider's id of what the line is about, as our rows hold it: the PaymentIntent
   * (Stripe), the payment's pspReference (Adyen), the capture (PayPal) for a charge; the
   * refund's own id for a refund.
   */
  readonly providerReference: string;
  /** Our payment id, when the provider echoes it (metadata, merchant reference, custom_id). */
  readonly paymentId?: string;
  /** Our refund id, when the provider echoes it (Stripe metadata.refund_id, PayPal invoice_id). */
  readonly refundId?: string;
  readonly gross: bigint;
  readonly fee: bigint;
  readonly net: bigint;
  readonly currency: string;
  readonly occurredAt: Date;
  /** The provider's own type of the line (balance transaction type, journal type, event code), for staff. */
  readonly providerType: string;
}

/**
 * A connector call that failed. `retryable`: another attempt may succeed. `outcomeUnknown`:
 * the request may have reached the provider and done its work (a timeout after sending, a
 * dropped connection): the router must not fail over to another connector (that could charge
 * twice) but retry the same one with the same idempotency key, or leave it to status sync.
 */
export class ConnectorError extends Error {
  constructor(
    readonly connector: ConnectorName,
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    readonly outcomeUnknown: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConnectorError';
  }
}

/** A webhook whose signature, timestamp or body does not verify: answered 400, never applied. */
export class WebhookVerificationError extends Error {
  constructor(
    readonly connector: ConnectorName,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

export interface PaymentConnector {
  readonly name: ConnectorName;
  readonly capabilities: ReadonlySet<ConnectorCapability>;
  /** Static rules: whether this connector may carry this payment at all (methods, currencies, countries, amount range). */
  accepts(route: RouteRequest): boolean;
  /** Creates and confirms the charge (automatic capture unless the payment says otherwise). */
  authorize?(request: ConnectorPaymentRequest): Promise<ConnectorPaymentResult>;
  capture?(providerReference: string, amount: bigint, currency: string, idempotencyKey: string): Promise<ConnectorPaymentResult>;
  cancel?(providerReference: string, idempotencyKey: string): Promise<ConnectorPaymentResult>;
  refund?(request: ConnectorRefundRequest): Promise<ConnectorRefundResult>;
  payout?(request: ConnectorPaymentRequest): Promise<ConnectorPaymentResult>;
  /** Status poll: the provider's current view of the payment. */
  status?(providerReference: string): Promise<ConnectorPaymentResult>;
  /**
   * Verifies a webhook on its raw body with the provider's scheme (throws
   * WebhookVerificationError) and translates it; a verified event about nothing we track
   * translates to an empty list.
   */
  verifyWebhook?(rawBody: Buffer, headers: Readonly<Record<string, string | undefined>>): Promise<ProviderEvent[]>;
  /**
   * The provider's settlement report lines that occurred in [from, to), every page of them
   * (capability `settlements`). Throws ConnectorError when the report cannot be read whole
   * (a reconciliation must never match half a report).
   */
  settlementReport?(from: Date, to: Date): Promise<SettlementLine[]>;
}

/** The Nest token under which the payments module provides its connectors (PaymentConnector[]). */
export const PAYMENT_CONNECTORS = Symbol('PAYMENT_CONNECTORS');
