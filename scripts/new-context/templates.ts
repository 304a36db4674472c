import type { ContextNames } from './names';

/*
 * The files of a new bounded context, as plain template strings: a working example of
 * every room of a context (manifest, contract, a command handler with its spec, a query
 * handler, a repository, a controller, a migration, an e2e test), written the way the
 * ledger writes them. A `\`` or `\${` below is a backtick or interpolation of the generated
 * code, not of the template.
 */

export interface GeneratedFile {
  /** Path from the project root, with `/`. */
  readonly path: string;
  readonly text: string;
}

export function contextFiles(n: ContextNames): GeneratedFile[] {
  const { name, context: c, thing: t, things: ts } = n;
  const dir = `src/modules/${name}`;
  const useCase = `create-${t.kebab}`;
  const query = `get-${t.kebab}`;
  return [
    { path: `${dir}/${c.kebab}.context.ts`, text: manifest(n) },
    { path: `${dir}/${c.kebab}.module.ts`, text: module(n) },
    { path: `${dir}/${c.kebab}.config.ts`, text: config(n) },
    { path: `${dir}/contract/index.ts`, text: contractIndex(n) },
    { path: `${dir}/contract/views.ts`, text: views(n) },
    { path: `${dir}/contract/commands/${useCase}.command.ts`, text: command(n) },
    { path: `${dir}/contract/queries/${query}.query.ts`, text: queryContract(n) },
    { path: `${dir}/contract/events/${t.kebab}-created.v1.event.ts`, text: event(n) },
    { path: `${dir}/application/${useCase}/${useCase}.command-handler.ts`, text: commandHandler(n) },
    { path: `${dir}/application/${useCase}/${useCase}.command-handler.spec.ts`, text: commandHandlerSpec(n) },
    { path: `${dir}/application/${query}/${query}.query-handler.ts`, text: queryHandler(n) },
    { path: `${dir}/infrastructure/${t.kebab}.repository.ts`, text: repository(n) },
    { path: `${dir}/api/${ts.kebab}.http-controller.ts`, text: controller(n) },
    { path: `${dir}/api/dto/${ts.kebab}.requests.ts`, text: requests(n) },
    { path: `migrations/${name}/${n.timestamp}-${c.kebab}-schema.ts`, text: migration(n) },
    { path: `migrations/${name}/index.ts`, text: migrationIndex(n) },
    { path: `test/${name}/${c.kebab}-api.e2e-spec.ts`, text: e2eSpec(n) },
    { path: `test/${name}/${c.kebab}-split.e2e-spec.ts`, text: splitSpec(n) },
  ];
}

/** The line src/modules/index.ts imports the manifest with. */
export function manifestImport(n: ContextNames): string {
  return `import { ${n.context.camel}Context } from './${n.name}/${n.context.kebab}.context';`;
}

/** The folders the context owns (everything it is, outside src/modules/index.ts). */
export function contextFolders(name: string): string[] {
  return [`src/modules/${name}`, `migrations/${name}`, `test/${name}`];
}

const table = (n: ContextNames) => `${n.name}.${n.things.snake}`;

function manifest(n: ContextNames): string {
  const { name, context: c, things: ts } = n;
  return `import { defineContext } from '@platform/context-definition';
import { ${c.constant}_MIGRATIONS } from '@migrations/${name}';
import { ${c.camel}Contract } from './contract';
import { ${c.camel}Config } from './${c.kebab}.config';
import { ${c.pascal}Module } from './${c.kebab}.module';

/** The ${c.words} context: ${ts.words}, each created once by the id its caller chose (schema \`${name}\`). */
export const ${c.camel}Context = defineContext({
  name: '${name}',
  module: ${c.pascal}Module,
  dependsOn: [],
  contract: ${c.camel}Contract,
  migrations: ${c.constant}_MIGRATIONS,
  config: ${c.camel}Config,
  permissions: {
    '${name}:read': ['support', 'compliance_officer'],
    '${name}:write': [],
  },
  routes: ['${n.route}'],
  apiTags: [{ name: '${c.kebab}', description: 'The ${c.words} context: ${ts.words}, each created once by the id its caller chose.' }],
});
`;
}

function module(n: ContextNames): string {
  const { context: c, thing: t, things: ts } = n;
  return `import { Module } from '@nestjs/common';
import { Create${t.pascal}CommandHandler } from './application/create-${t.kebab}/create-${t.kebab}.command-handler';
import { Get${t.pascal}QueryHandler } from './application/get-${t.kebab}/get-${t.kebab}.query-handler';
import { ${ts.pascal}HttpController } from './api/${ts.kebab}.http-controller';
import { ${t.pascal}Repository } from './infrastructure/${t.kebab}.repository';

@Module({
  controllers: [${ts.pascal}HttpController],
  providers: [${t.pascal}Repository, Create${t.pascal}CommandHandler, Get${t.pascal}QueryHandler],
})
export class ${c.pascal}Module {}
`;
}

function config(n: ContextNames): string {
  const { name, context: c } = n;
  return `import { defineConfig, int, type ConfigOf } from '@platform/config/config-slice';

/**
 * The ${c.words} context's settings (${c.constant}_* variables), validated at boot by every
 * process that runs the context; a provider reads them with \`@Inject(${c.camel}Config.token)\`.
 */
export const ${c.camel}Config = defineConfig('${name}', { ${c.constant}_PAGE_SIZE: int(1, 1000).default(50) }, (e) => ({
  /** Items per page when the context lists its ${n.things.words}. */
  pageSize: e.${c.constant}_PAGE_SIZE,
}));
export type ${c.pascal}Config = ConfigOf<typeof ${c.camel}Config>;
`;
}

function contractIndex(n: ContextNames): string {
  const { name, context: c, thing: t } = n;
  return `import { defineContract } from '@shared-kernel';
import { Create${t.pascal}Command } from './commands/create-${t.kebab}.command';
import { ${t.pascal}CreatedV1 } from './events/${t.kebab}-created.v1.event';
import { Get${t.pascal}Query } from './queries/get-${t.kebab}.query';

export * from './views';
export * from './commands/create-${t.kebab}.command';
export * from './queries/get-${t.kebab}.query';
export * from './events/${t.kebab}-created.v1.event';

/** What ${name} offers other contexts: these commands and queries (over the bus) and events (topics). */
export const ${c.camel}Contract = defineContract({
  commands: [Create${t.pascal}Command],
  queries: [Get${t.pascal}Query],
  events: [${t.pascal}CreatedV1],
});
`;
}

function views(n: ContextNames): string {
  const { context: c, thing: t, component: p } = n;
  return `import { z } from 'zod';
import { Id, Timestamp } from '@shared-kernel';

/* What the ${c.words} context answers with, on the bus and over HTTP. */

export const ${t.pascal}View = z
  .object({
    id: Id,
    name: z.string(),
    createdAt: Timestamp,
  })
  .meta({ id: '${p.pascal}' });
export type ${t.pascal}View = z.infer<typeof ${t.pascal}View>;
`;
}

function command(n: ContextNames): string {
  const { name, thing: t, component: p } = n;
  return `import { z } from 'zod';
import { defineCommand, Id } from '@shared-kernel';
import { ${t.pascal}View } from '../views';

export const New${t.pascal} = z
  .strictObject({
    id: Id.describe('Chosen by the caller: the same id and fields again answer the same ${t.words}'),
    name: z.string().trim().min(1).max(200),
  })
  .meta({ id: 'New${p.pascal}' });
export type New${t.pascal} = z.infer<typeof New${t.pascal}>;

/** Creates a ${t.words}. The id is the caller's (idempotent: same id and fields → same ${t.words}). */
export const Create${t.pascal}Command = defineCommand('${name}.create-${t.kebab}.v1', {
  payload: z.object({ ${t.camel}: New${t.pascal} }),
  result: ${t.pascal}View,
});
export type Create${t.pascal}Command = InstanceType<typeof Create${t.pascal}Command>;
`;
}

function queryContract(n: ContextNames): string {
  const { name, thing: t } = n;
  return `import { z } from 'zod';
import { defineQuery, Id } from '@shared-kernel';
import { ${t.pascal}View } from '../views';

/** A ${t.words} by id; null when there is none. */
export const Get${t.pascal}Query = defineQuery('${name}.get-${t.kebab}.v1', {
  payload: z.object({ id: Id }),
  result: ${t.pascal}View.nullable(),
});
export type Get${t.pascal}Query = InstanceType<typeof Get${t.pascal}Query>;
`;
}

function event(n: ContextNames): string {
  const { name, thing: t, component: p } = n;
  return `import { z } from 'zod';
import { defineIntegrationEvent } from '@shared-kernel';
import { ${t.pascal}View } from '../views';

/** A ${t.words} was created: once per ${t.words} (a repeated create publishes nothing). */
export const ${t.pascal}CreatedV1 = defineIntegrationEvent(
  '${name}.${t.kebab}-created.v1',
  '${name}.events',
  z.object({ ${t.camel}: ${t.pascal}View }).meta({ id: '${p.pascal}CreatedV1' }),
);
export type ${t.pascal}CreatedV1 = z.infer<typeof ${t.pascal}CreatedV1.data>;
`;
}

function commandHandler(n: ContextNames): string {
  const { name, thing: t, component: p } = n;
  return `import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ConflictError } from '@shared-kernel';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { Outbox } from '@platform/messaging/outbox';
import { Create${t.pascal}Command, ${t.pascal}CreatedV1, type ${t.pascal}View } from '@modules/${n.name}/contract';
import { ${t.pascal}Repository } from '@modules/${n.name}/infrastructure/${t.kebab}.repository';

/**
 * Creates a ${t.words} and appends ${t.pascal}CreatedV1 to the ${name} outbox in the same
 * transaction: the event exists if and only if the ${t.words} does. The id is the caller's, so
 * a retry (the same id and fields, over HTTP or the bus) answers the stored ${t.words} and
 * publishes nothing again; the same id with other fields is a conflict.
 */
@CommandHandler(Create${t.pascal}Command)
export class Create${t.pascal}CommandHandler implements ICommandHandler<Create${t.pascal}Command, ${t.pascal}View> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly repository: ${t.pascal}Repository,
    private readonly outbox: Outbox,
  ) {}

  execute({ ${t.camel}: wanted }: Create${t.pascal}Command): Promise<${t.pascal}View> {
    return this.uow.run(async (tx) => {
      const { created, record } = await this.repository.insert(tx, { id: wanted.id, name: wanted.name });
      if (!created) {
        if (record.name !== wanted.name) throw new ConflictError('${p.constant}_EXISTS_WITH_DIFFERENT_FIELDS', \`${t.words} \${record.id} exists with other fields\`);
        return record;
      }
      await this.outbox.append(tx, '${name}', [${t.pascal}CreatedV1(record.id, { ${t.camel}: record })]);
      return record;
    });
  }
}
`;
}

function commandHandlerSpec(n: ContextNames): string {
  const { name, thing: t, component: p } = n;
  return `import type { Tx, UnitOfWork } from '@platform/database/unit-of-work';
import type { Outbox } from '@platform/messaging/outbox';
import { ConflictError, newId, type IntegrationEvent } from '@shared-kernel';
import { Create${t.pascal}Command, ${t.pascal}CreatedV1, type ${t.pascal}View } from '@modules/${n.name}/contract';
import type { ${t.pascal}Repository } from '@modules/${n.name}/infrastructure/${t.kebab}.repository';
import { Create${t.pascal}CommandHandler } from './create-${t.kebab}.command-handler';

/** Transactions that commit unless their work throws; each one a distinct object. */
class FakeUnitOfWork implements Pick<UnitOfWork, 'run'> {
  readonly committed: Tx[] = [];

  async run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const tx = { label: \`tx \${this.committed.length + 1}\` } as unknown as Tx;
    const result = await work(tx);
    this.committed.push(tx);
    return result;
  }
}

/** ${t.pascal}s in memory, remembering the transaction of each insert. */
class Fake${t.pascal}Repository implements Pick<${t.pascal}Repository, 'insert' | 'find'> {
  readonly rows = new Map<string, ${t.pascal}View>();
  readonly inserts: Tx[] = [];

  async insert(tx: Tx, wanted: { id: string; name: string }): Promise<{ created: boolean; record: ${t.pascal}View }> {
    this.inserts.push(tx);
    const existing = this.rows.get(wanted.id);
    if (existing) return { created: false, record: existing };
    const record = { ...wanted, createdAt: new Date().toISOString() };
    this.rows.set(record.id, record);
    return { created: true, record };
  }

  async find(id: string): Promise<${t.pascal}View | null> {
    return this.rows.get(id) ?? null;
  }
}

class FakeOutbox implements Pick<Outbox, 'append'> {
  readonly appended: Array<{ tx: Tx; context: string; events: readonly IntegrationEvent[] }> = [];

  async append(tx: Tx, context: string, events: readonly IntegrationEvent[]) {
    this.appended.push({ tx, context, events });
    return [];
  }
}

describe('Create${t.pascal}CommandHandler', () => {
  let uow: FakeUnitOfWork;
  let repository: Fake${t.pascal}Repository;
  let outbox: FakeOutbox;
  let handler: Create${t.pascal}CommandHandler;

  beforeEach(() => {
    uow = new FakeUnitOfWork();
    repository = new Fake${t.pascal}Repository();
    outbox = new FakeOutbox();
    handler = new Create${t.pascal}CommandHandler(uow as unknown as UnitOfWork, repository as unknown as ${t.pascal}Repository, outbox as unknown as Outbox);
  });

  const create = (id: string, name: string) => handler.execute(new Create${t.pascal}Command({ ${t.camel}: { id, name } }));

  it('stores the ${t.words} and appends ${t.pascal}CreatedV1 to the ${name} outbox in the same transaction', async () => {
    const id = newId();
    const created = await create(id, 'First');

    expect(created).toEqual({ id, name: 'First', createdAt: expect.any(String) });
    expect(repository.rows.get(id)).toEqual(created);
    expect(outbox.appended).toHaveLength(1);
    const [append] = outbox.appended;
    expect(append!.context).toBe('${name}');
    expect(append!.events).toEqual([{ type: ${t.pascal}CreatedV1.type, topic: ${t.pascal}CreatedV1.topic, aggregateId: id, data: { ${t.camel}: created } }]);
    expect(append!.tx).toBe(repository.inserts[0]);
    expect(uow.committed).toEqual([append!.tx]);
  });

  it('answers a repeat of the same id and fields with the stored ${t.words} and publishes nothing again', async () => {
    const id = newId();
    const first = await create(id, 'First');
    const again = await create(id, 'First');

    expect(again).toEqual(first);
    expect(repository.rows.size).toBe(1);
    expect(outbox.appended).toHaveLength(1);
  });

  it('refuses the same id with other fields, keeping the first ${t.words}', async () => {
    const id = newId();
    const first = await create(id, 'First');

    const refused = create(id, 'Second');
    await expect(refused).rejects.toBeInstanceOf(ConflictError);
    await expect(refused).rejects.toMatchObject({ code: '${p.constant}_EXISTS_WITH_DIFFERENT_FIELDS' });
    expect(repository.rows.get(id)).toEqual(first);
    expect(outbox.appended).toHaveLength(1);
    expect(uow.committed).toHaveLength(1);
  });
});
`;
}

function queryHandler(n: ContextNames): string {
  const { thing: t } = n;
  return `import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { Get${t.pascal}Query, type ${t.pascal}View } from '@modules/${n.name}/contract';
import { ${t.pascal}Repository } from '@modules/${n.name}/infrastructure/${t.kebab}.repository';

@QueryHandler(Get${t.pascal}Query)
export class Get${t.pascal}QueryHandler implements IQueryHandler<Get${t.pascal}Query, ${t.pascal}View | null> {
  constructor(private readonly repository: ${t.pascal}Repository) {}

  execute({ id }: Get${t.pascal}Query): Promise<${t.pascal}View | null> {
    return this.repository.find(id);
  }
}
`;
}

function repository(n: ContextNames): string {
  const { name, thing: t } = n;
  return `import { Injectable } from '@nestjs/common';
import { UnitOfWork, type Sql, type Tx } from '@platform/database/unit-of-work';
import type { ${t.pascal}View } from '../contract';

interface ${t.pascal}Row {
  id: string;
  name: string;
  created_at: Date;
}

/** The ${name} context's SQL: its table \`${table(n)}\`, read straight into views. */
@Injectable()
export class ${t.pascal}Repository {
  constructor(private readonly uow: UnitOfWork) {}

  /** Inserts the ${t.words} unless its id exists; answers the stored one and whether this call created it. */
  async insert(tx: Tx, wanted: { id: string; name: string }): Promise<{ created: boolean; record: ${t.pascal}View }> {
    const inserted = await tx.query<${t.pascal}Row>(
      'insert into ${table(n)} (id, name) values ($1, $2) on conflict (id) do nothing returning id, name, created_at',
      [wanted.id, wanted.name],
    );
    if (inserted.rows[0]) return { created: true, record: viewOf(inserted.rows[0]) };
    // A concurrent insert of the same id has committed by now (the insert waited for it).
    return { created: false, record: (await this.find(wanted.id, tx))! };
  }

  /** The ${t.words} with this id, or null; in a transaction when one is given. */
  async find(id: string, sql: Sql = this.uow): Promise<${t.pascal}View | null> {
    const { rows } = await sql.query<${t.pascal}Row>('select id, name, created_at from ${table(n)} where id = $1', [id]);
    return rows[0] ? viewOf(rows[0]) : null;
  }
}

function viewOf(row: ${t.pascal}Row): ${t.pascal}View {
  return { id: row.id, name: row.name, createdAt: row.created_at.toISOString() };
}
`;
}

function controller(n: ContextNames): string {
  const { name, context: c, thing: t, things: ts, component: p } = n;
  return `import { Controller, Get, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { NotFoundError } from '@shared-kernel';
import { ApiAuth, RequirePermissions } from '@platform/auth/decorators';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { Idempotent } from '@platform/http/idempotency';
import { ApiResult, ValidBody, ValidParams } from '@platform/http/zod-request';
import { Create${t.pascal}Command, Get${t.pascal}Query, New${t.pascal}, ${t.pascal}View } from '../contract';
import { ${t.pascal}IdParams } from './dto/${ts.kebab}.requests';

/** The ${c.words} context's ${ts.words} over HTTP, for services and back-office (by permission). */
@ApiTags('${c.kebab}')
@ApiAuth()
@Controller('${n.controllerPath}')
export class ${ts.pascal}HttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @RequirePermissions('${name}:write')
  @Idempotent()
  @ApiOperation({ summary: 'Create a ${t.words} (idempotent by id)' })
  @ApiResult(201, ${t.pascal}View)
  @ApiProblems(400, 409)
  create(@ValidBody(New${t.pascal}) wanted: New${t.pascal}): Promise<${t.pascal}View> {
    return this.commands.execute(new Create${t.pascal}Command({ ${t.camel}: wanted }));
  }

  @Get(':id')
  @RequirePermissions('${name}:read')
  @ApiOperation({ summary: 'A ${t.words} by id' })
  @ApiResult(200, ${t.pascal}View)
  @ApiProblems(400, 404)
  async get(@ValidParams(${t.pascal}IdParams) { id }: z.output<typeof ${t.pascal}IdParams>): Promise<${t.pascal}View> {
    const found = await this.queries.execute(new Get${t.pascal}Query({ id }));
    if (!found) throw new NotFoundError('${p.constant}_NOT_FOUND', \`no ${t.words} \${id}\`);
    return found;
  }
}
`;
}

function requests(n: ContextNames): string {
  const { thing: t } = n;
  return `import { z } from 'zod';
import { Id } from '@shared-kernel';

/* HTTP shapes that are not contract messages themselves (path parameters). */

export const ${t.pascal}IdParams = z.strictObject({ id: Id });
`;
}

function migration(n: ContextNames): string {
  const { name, context: c, things: ts } = n;
  const cls = `${c.pascal}Schema${n.timestamp}`;
  return `import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createContextSchema, dropContextSchema } from '@platform/database/context-schema';

/** The ${c.words} context's schema (with its outbox and inbox) and its ${ts.words}. */
export class ${cls} implements MigrationInterface {
  name = '${cls}';

  async up(q: QueryRunner): Promise<void> {
    await createContextSchema(q, '${name}');
    await q.query(\`
      create table ${table(n)} (
        id          uuid primary key,
        name        text not null,
        created_at  timestamptz not null default now()
      )\`);
  }

  async down(q: QueryRunner): Promise<void> {
    await dropContextSchema(q, '${name}');
  }
}
`;
}

function migrationIndex(n: ContextNames): string {
  const { name, context: c } = n;
  return `import { ${c.pascal}Schema${n.timestamp} } from './${n.timestamp}-${c.kebab}-schema';

/** The ${name} context's migrations (schema \`${name}\`), named in its manifest. */
export const ${c.constant}_MIGRATIONS = [${c.pascal}Schema${n.timestamp}];
`;
}

function e2eSpec(n: ContextNames): string {
  const { name, context: c, thing: t, component: p } = n;
  const probe = `${name}_probe`;
  const url = `/v1/${n.controllerPath}`;
  return `import { Injectable, Module } from '@nestjs/common';
import { ${c.camel}Context } from '@modules/${name}/${c.kebab}.context';
import { ${t.pascal}CreatedV1 } from '@modules/${name}/contract';
import { defineContext } from '@platform/context-definition';
import { contextSchemaSql } from '@platform/database/context-schema';
import type { Tx } from '@platform/database/unit-of-work';
import { OnIntegrationEvent, type IntegrationEventHandler } from '@platform/messaging/subscriptions';
import { newId, type EventEnvelope } from '@shared-kernel';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { bearer, clientToken } from '../support/auth';
import { createTestDatabase, sql } from '../support/database';

/** A test-only context standing in for a consumer: records every ${name} event it receives. */
@Injectable()
@OnIntegrationEvent({ context: '${probe}', name: 'record', events: [${t.pascal}CreatedV1] })
class RecordEvents implements IntegrationEventHandler {
  async handle(event: EventEnvelope, tx: Tx): Promise<void> {
    await tx.query('insert into ${probe}.events (event_id, type, subject, data) values ($1, $2, $3, $4)', [event.id, event.type, event.subject, JSON.stringify(event.data)]);
  }
}

@Module({ providers: [RecordEvents] })
class ProbeModule {}

const probe = defineContext({ name: '${probe}', module: ProbeModule });

describe('${name} API', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let t: TestApp;
  let writer: Record<string, string>;
  let reader: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    await sql(db.url, [...contextSchemaSql('${probe}'), 'create table ${probe}.events (event_id uuid, type text, subject text, data jsonb)'].join(';\\n'));
    t = await startTestApp({ contexts: [${c.camel}Context, probe], databaseUrl: db.url });
    writer = bearer(await clientToken(t.app, '${c.kebab}-writer', ['${name}:read', '${name}:write']));
    reader = bearer(await clientToken(t.app, '${c.kebab}-reader', ['${name}:read']));
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  const create = (body: object, headers: Record<string, string> = writer) => t.http().post('${url}').set(headers).send(body);
  const eventsOf = (id: string) =>
    eventually(
      () => sql<{ type: string; data: unknown }>(db.url, 'select type, data from ${probe}.events where subject = $1', [id]),
      (rows) => rows.length > 0,
    );

  it('creates a ${t.words} (201) and reads it back (200)', async () => {
    const id = newId();
    const created = await create({ id, name: 'First' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id, name: 'First', createdAt: expect.any(String) });

    const read = await t.http().get(\`${url}/\${id}\`).set(reader);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
  });

  it('replays a create with the same Idempotency-Key: the same answer, one ${t.words}, one event', async () => {
    const id = newId();
    const key = \`create-\${id}\`;
    const first = await create({ id, name: 'Once' }, { ...writer, 'idempotency-key': key });
    const replay = await create({ id, name: 'Once' }, { ...writer, 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    // Without the key, the id alone makes the command idempotent; other fields conflict.
    expect((await create({ id, name: 'Once' })).body).toEqual(first.body);
    const conflict = await create({ id, name: 'Twice' });
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe('${p.constant}_EXISTS_WITH_DIFFERENT_FIELDS');

    // The outbox is relayed in order: once a later create's event has arrived, a second event of this one would have too.
    const later = newId();
    await create({ id: later, name: 'Later' });
    await eventsOf(later);
    expect(await eventsOf(id)).toHaveLength(1);
  });

  it('refuses invalid input with 400 naming the field, before anything is written', async () => {
    const id = newId();
    const blank = await create({ id, name: '  ' });
    expect(blank.status).toBe(400);
    expect(blank.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ field: 'name' })] });
    const unknown = await create({ id, name: 'Fine', colour: 'red' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'colour' })]);
    const badId = await t.http().get('${url}/not-a-uuid').set(reader);
    expect(badId.status).toBe(400);
    expect(badId.body.errors).toEqual([expect.objectContaining({ field: 'id' })]);
    expect((await t.http().get(\`${url}/\${id}\`).set(reader)).status).toBe(404);
  });

  it('answers 404 for an unknown ${t.words}', async () => {
    const res = await t.http().get(\`${url}/\${newId()}\`).set(reader);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('${p.constant}_NOT_FOUND');
  });

  it('needs ${name}:write to create and ${name}:read to read (403), and a token at all (401)', async () => {
    const denied = await create({ id: newId(), name: 'Nope' }, reader);
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('PERMISSION_DENIED');
    const stranger = bearer(await clientToken(t.app, '${c.kebab}-stranger', []));
    expect((await t.http().get(\`${url}/\${newId()}\`).set(stranger)).status).toBe(403);
    expect((await t.http().get(\`${url}/\${newId()}\`)).status).toBe(401);
  });

  it('publishes ${t.pascal}CreatedV1 through its outbox to subscribers', async () => {
    const id = newId();
    const created = await create({ id, name: 'Published' });
    const events = await eventsOf(id);
    expect(events).toEqual([{ type: '${name}.${t.kebab}-created.v1', data: { ${t.camel}: created.body } }]);
  });

  it('validates its configuration slice at boot, naming the variable', async () => {
    await expect(startTestApp({ contexts: [${c.camel}Context], databaseUrl: db.url, env: { ${c.constant}_PAGE_SIZE: '0' } })).rejects.toThrow(
      'Invalid configuration: ${c.constant}_PAGE_SIZE must be at least 1',
    );
  });
});
`;
}

function splitSpec(n: ContextNames): string {
  const { name, context: c, thing: t } = n;
  const caller = `${name}_caller`;
  return `import { Module } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ${c.camel}Context } from '@modules/${name}/${c.kebab}.context';
import { Create${t.pascal}Command, Get${t.pascal}Query } from '@modules/${name}/contract';
import { defineContext } from '@platform/context-definition';
import { newId } from '@shared-kernel';
import { kafkaPrefix, startTestApp, type TestApp } from '../support/app';
import { createTestDatabase } from '../support/database';

/** A context that uses ${name}'s contract and runs in another process than ${name}. */
@Module({})
class CallerModule {}
const caller = defineContext({ name: '${caller}', module: CallerModule, dependsOn: ['${name}'] });

/*
 * ${name} lifted into its own process (MODULES=${name}, as its own deployment would run it):
 * a process that runs only its caller sends the same commands and queries on its buses, and
 * they travel over Kafka to the owner and back.
 */
describe('${name} in its own process', () => {
  const prefix = kafkaPrefix('${c.kebab}-split');
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let owner: TestApp;
  let other: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    owner = await startTestApp({ contexts: [${c.camel}Context], databaseUrl: db.url, kafkaTopicPrefix: prefix, env: { MODULES: '${name}' } });
    other = await startTestApp({ contexts: [caller], available: [caller, ${c.camel}Context], databaseUrl: db.url, kafkaTopicPrefix: prefix });
  }, 120_000);
  afterAll(async () => {
    await Promise.all([other?.close(), owner?.close()]);
    await db?.drop();
  });

  it('answers commands and queries sent from another process over Kafka', async () => {
    const id = newId();
    const created = await other.app.get(CommandBus).execute(new Create${t.pascal}Command({ ${t.camel}: { id, name: 'Remote' } }));
    expect(created).toEqual({ id, name: 'Remote', createdAt: expect.any(String) });
    expect(await other.app.get(QueryBus).execute(new Get${t.pascal}Query({ id }))).toEqual(created);
    expect(await other.app.get(QueryBus).execute(new Get${t.pascal}Query({ id: newId() }))).toBeNull();
  });

  it('raises the owner\\'s errors again on the caller\\'s side, by code', async () => {
    const id = newId();
    await other.app.get(CommandBus).execute(new Create${t.pascal}Command({ ${t.camel}: { id, name: 'First' } }));
    await expect(other.app.get(CommandBus).execute(new Create${t.pascal}Command({ ${t.camel}: { id, name: 'Second' } }))).rejects.toMatchObject({
      code: '${n.component.constant}_EXISTS_WITH_DIFFERENT_FIELDS',
    });
  });
});
`;
}
