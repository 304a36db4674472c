export * from './views';
export * from './queries/get-account.query';
export * from './events/account-lifecycle.v1.events';
export * from './events/balance-changed.v1.event';
export * from './events/interest-capitalised.v1.event';
export * from './events/statement-issued.v1.event';
