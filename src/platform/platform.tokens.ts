/** Names of the bounded contexts this process runs (after MODULES filtering). */
export const ACTIVE_CONTEXTS = Symbol('ACTIVE_CONTEXTS');
/** The root pino logger. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
