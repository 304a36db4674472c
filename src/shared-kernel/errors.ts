/**
 * Domain errors are values that the HTTP edge turns into RFC 9457 problem documents.
 * A module throws (or returns) one of these; it never picks an HTTP status itself,
 * only the kind of failure, so the same error reads right over Kafka or the bus.
 */
export type DomainErrorKind = 'validation' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'unprocessable' | 'rate_limited' | 'unavailable';

export interface FieldError {
  /** Dotted path of the offending input, e.g. `amount` or `transfers.3.currency`. */
  readonly field: string;
  readonly message: string;
  readonly code?: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    /** Stable, machine-readable code (SCREAMING_SNAKE), part of the public API. */
    readonly code: string,
    message: string,
    readonly details: {
      readonly errors?: readonly FieldError[];
      readonly retryAfterSeconds?: number;
      readonly extensions?: Record<string, unknown>;
    } = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(code: string, message: string) {
    super('not_found', code, message);
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, message: string, extensions?: Record<string, unknown>) {
    super('conflict', code, message, { extensions });
  }
}

export class ValidationError extends DomainError {
  constructor(message: string, errors: readonly FieldError[], code = 'VALIDATION_FAILED') {
    super('validation', code, message, { errors });
  }
}

export class UnprocessableError extends DomainError {
  constructor(code: string, message: string, extensions?: Record<string, unknown>) {
    super('unprocessable', code, message, { extensions });
  }
}
