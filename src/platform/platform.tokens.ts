/** Names of the bounded contexts this process runs (after MODULES filtering). */
export const ACTIVE_CONTEXTS = Symbol('ACTIVE_CONTEXTS');
/** The root pino logger. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
/**
 * false in a one-off task (the CLI): nothing runs in the background, no relay, consumers,
 * bus server or jobs. Its events stay in the outbox for the servers' relays to publish.
 */
export const BACKGROUND_WORK = Symbol('BACKGROUND_WORK');
