export * from './canonical-json';
export * from './errors';
export * from './ids';
export * from './integration-event';
export * from './money';
