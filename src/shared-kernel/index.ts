export * from './canonical-json';
export * from './contract';
export * from './errors';
export * from './ids';
export * from './integration-event';
export * from './money';
export * from './wire';
export * from './field-rules';
