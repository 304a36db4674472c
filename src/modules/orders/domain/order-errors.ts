import { ConflictError, DomainError, NotFoundError, ValidationError } from '@shared-kernel';
import type { OrderStatus } from './order';

export const orderNotFound = () => new NotFoundError('ORDER_NOT_FOUND', 'No such order');

/** The account is unknown or someone else's: the same answer, so existence is not disclosed. */
export const accountNotFound = () => new NotFoundError('ACCOUNT_NOT_FOUND', 'No such account');

export const illegalTransition = (status: OrderStatus, wanted: OrderStatus, allowed: readonly OrderStatus[]) =>
  new ConflictError('ORDER_STATUS_CONFLICT', `The order is ${status}; it cannot become ${wanted}`, { orderStatus: status, wanted, allowed });

export const orderNotDraft = (status: OrderStatus) =>
  new ConflictError('ORDER_NOT_DRAFT', `The order is ${status}; only a draft's items can change`, { orderStatus: status });

export const currencyMismatch = (accountCurrency: string) =>
  new DomainError('unprocessable', 'ORDER_CURRENCY_MISMATCH', 'The account holds another currency than the order', {
    errors: [{ field: 'currency', message: `must be the account's currency (${accountCurrency})` }],
  });

export const accountNotActive = (status: string) =>
  new DomainError('unprocessable', 'ACCOUNT_NOT_ACTIVE', `The account is ${status}`, {
    errors: [{ field: 'accountId', message: `must be an active account (it is ${status})` }],
  });

export const totalOutOfRange = (index: number) =>
  new ValidationError(
    'The order total exceeds 9223372036854775807 minor units',
    [{ field: `items.${index}`, message: 'takes the order total past 9223372036854775807 minor units' }],
    'ORDER_TOTAL_OUT_OF_RANGE',
  );

export const skuRepeated = (index: number) =>
  new ValidationError('An order lists each sku once', [{ field: `items.${index}.sku`, message: 'must be unique within the order' }], 'ORDER_ITEM_SKU_REPEATED');

export const nothingToPay = () =>
  new DomainError('unprocessable', 'ORDER_TOTAL_ZERO', 'An order with a total of zero cannot be placed', {
    errors: [{ field: 'items', message: 'must add up to a positive total' }],
  });
