import { Command, Query } from '@nestjs/cqrs';
import { z } from 'zod';
import type { IntegrationEvent } from './integration-event';

/*
 * Contracts are wire formats: every command, query, event and view a context offers is one
 * zod schema. Its TypeScript type is inferred from it, the JSON and OpenAPI schemas of the
 * routes that carry it are derived from it, and whatever arrives over a transport (Kafka)
 * is parsed with it before a handler sees it. A shape is written once.
 */

/** What a contract command or query class carries besides its payload. */
export interface MessageDefinition<TPayload = unknown, TResult = unknown> {
  /** Versioned name, `<context>.<name>.v<N>`: the owning context is its first segment. */
  readonly type: string;
  readonly kind: 'command' | 'query';
  readonly payload: z.ZodType<TPayload>;
  readonly result: z.ZodType<TResult>;
}

export type CommandClass<TPayload, TResult> = MessageDefinition<TPayload, TResult> & (new (payload: TPayload) => Command<TResult> & Readonly<TPayload>);
export type QueryClass<TPayload, TResult> = MessageDefinition<TPayload, TResult> & (new (payload: TPayload) => Query<TResult> & Readonly<TPayload>);

/** Any command or query class of a contract. */
export type ContractMessage = MessageDefinition & (new (payload: never) => object);

const TYPE = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9-]*\.v[1-9][0-9]*$/;

function checkType(type: string): void {
  if (!TYPE.test(type)) throw new Error(`contract type ${JSON.stringify(type)} must read <context>.<name>.v<N>`);
}

/**
 * A command of a context's contract: `new SubmitTransfersCommand({ transfers })`, executed
 * on the CommandBus; its fields are the payload's. The result schema types `execute`.
 */
export function defineCommand<P extends z.ZodObject, R extends z.ZodType>(
  type: string,
  spec: { readonly payload: P; readonly result: R },
): CommandClass<z.output<P>, z.output<R>> {
  return contractMessage(Command, 'command', type, spec) as CommandClass<z.output<P>, z.output<R>>;
}

/** A query of a context's contract, executed on the QueryBus (see defineCommand). */
export function defineQuery<P extends z.ZodObject, R extends z.ZodType>(
  type: string,
  spec: { readonly payload: P; readonly result: R },
): QueryClass<z.output<P>, z.output<R>> {
  return contractMessage(Query, 'query', type, spec) as QueryClass<z.output<P>, z.output<R>>;
}

/** A class on the CQRS base (Command or Query) whose instances carry the payload's fields, and whose statics describe it. */
function contractMessage(
  Base: new () => object,
  kind: 'command' | 'query',
  type: string,
  spec: { readonly payload: z.ZodObject; readonly result: z.ZodType },
): unknown {
  checkType(type);
  class ContractMessageClass extends Base {
    static readonly type = type;
    static readonly kind = kind;
    static readonly payload = spec.payload;
    static readonly result = spec.result;
    constructor(payload: object) {
      super();
      Object.assign(this, payload);
    }
  }
  Object.defineProperty(ContractMessageClass, 'name', { value: className(type, kind === 'command' ? 'Command' : 'Query') });
  return ContractMessageClass;
}

/** The payload of a command or query instance, as it travels (its own fields). */
export function payloadOf(message: object): Record<string, unknown> {
  return { ...(message as Record<string, unknown>) };
}

/** An integration event type of a contract: a factory of events plus the schema of their data. */
export interface EventDefinition<TData = unknown> {
  (aggregateId: string, data: TData): IntegrationEvent<TData>;
  /** Versioned type, `<context>.<event-name>.v<N>`, e.g. `ledger.transfer-created.v1`. */
  readonly type: string;
  /** Kafka topic of the event family, e.g. `transactions.created`. */
  readonly topic: string;
  readonly data: z.ZodType<TData>;
}

/** Builds a typed event factory from a type string, topic and data schema, kept in a module's contract. */
export function defineIntegrationEvent<S extends z.ZodType>(type: string, topic: string, data: S): EventDefinition<z.output<S>> {
  checkType(type);
  const create = (aggregateId: string, payload: z.output<S>): IntegrationEvent<z.output<S>> => ({ type, topic, aggregateId, data: payload });
  return Object.assign(create, { type, topic, data }) as EventDefinition<z.output<S>>;
}

/** What a context offers others: exported from its contract/ and named in its manifest. */
export interface ContractDefinition {
  readonly commands: readonly ContractMessage[];
  readonly queries: readonly ContractMessage[];
  readonly events: readonly AnyEventDefinition[];
}

/** Any event definition, whatever its data type. */
export interface AnyEventDefinition {
  readonly type: string;
  readonly topic: string;
  readonly data: z.ZodType;
}

export function defineContract(contract: Partial<ContractDefinition>): ContractDefinition {
  return { commands: contract.commands ?? [], queries: contract.queries ?? [], events: contract.events ?? [] };
}

/** `ledger.submit-transfers.v1` → `SubmitTransfersCommand` (the name Nest's bus errors print). */
function className(type: string, suffix: string): string {
  const name = type.split('.')[1]!.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase());
  return name.endsWith(suffix) ? name : name + suffix;
}
