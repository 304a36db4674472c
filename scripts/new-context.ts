import 'reflect-metadata';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { format, resolveConfig } from 'prettier';
import { z } from 'zod';
import { addContextToIndex, IndexFileError } from './new-context/index-file';
import { CONTEXT_NAME, deriveNames, MAX_NAME_LENGTH, type ContextNames } from './new-context/names';
import { contextFiles, contextFolders, manifestImport, type GeneratedFile } from './new-context/templates';

/*
 * `npm run new-context -- <name> [--thing <word>]`: writes the skeleton of a new bounded
 * context (see README, Adding a context) that passes lint and its tests as generated, and
 * adds it to src/modules/index.ts. It changes nothing else, and nothing at all when it
 * refuses.
 */

const USAGE = `usage: npm run new-context -- <name> [--thing <word>]

  <name>    the context: lower-case letters and digits in words joined by _ (fx_rates),
            at most ${MAX_NAME_LENGTH} characters; its schema, permissions and folders
  --thing   what it keeps (default: the singular of the name, fx_rates keeps an fx-rate
            at /v1/fx-rates); loyalty --thing member serves /v1/loyalty/members
`;

const ROOT = resolve(__dirname, '..');
const INDEX = 'src/modules/index.ts';

/** Words a context cannot be called: the project's own folders and settings, and what Postgres reserves (a table: not one a line). */
// prettier-ignore
const RESERVED = new Set([
  // the project
  'platform', 'shared_kernel', 'modules', 'module', 'contract', 'contracts', 'app', 'main', 'index', 'src', 'test', 'tests',
  'migrations', 'scripts', 'bench', 'docs', 'helm', 'support', 'fixtures', 'architecture', 'deploy', 'api', 'v1', 'admin',
  'health', 'metrics', 'openapi', 'define',
  // MODULES=all runs every context
  'all', 'none', 'default',
  // Postgres: schemas of its own, and keywords a schema cannot be named (reserved, and reserved as function or type names)
  'public', 'information_schema',
  'analyse', 'analyze', 'and', 'any', 'array', 'as', 'asc', 'asymmetric', 'both', 'case', 'cast', 'check', 'collate', 'column',
  'constraint', 'create', 'current_catalog', 'current_date', 'current_role', 'current_time', 'current_timestamp', 'current_user',
  'deferrable', 'desc', 'distinct', 'do', 'else', 'end', 'except', 'false', 'fetch', 'for', 'foreign', 'from', 'grant', 'group',
  'having', 'in', 'initially', 'intersect', 'into', 'lateral', 'leading', 'limit', 'localtime', 'localtimestamp', 'not', 'null',
  'offset', 'on', 'only', 'or', 'order', 'placing', 'primary', 'references', 'returning', 'select', 'session_user', 'some',
  'symmetric', 'system_user', 'table', 'then', 'to', 'trailing', 'true', 'union', 'unique', 'user', 'using', 'variadic', 'when',
  'where', 'window', 'with', 'authorization', 'binary', 'collation', 'concurrently', 'cross', 'current_schema', 'freeze', 'full',
  'ilike', 'inner', 'is', 'isnull', 'join', 'left', 'like', 'natural', 'notnull', 'outer', 'overlaps', 'right', 'similar',
  'tablesample', 'verbose',
]);

class Refusal extends Error {}

function parse(argv: string[]): { name: string; thing?: string } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { thing: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    throw new Refusal(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (parsed.values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  if (parsed.positionals.length !== 1) throw new Refusal(`give one context name\n\n${USAGE}`);
  return { name: parsed.positionals[0]!, thing: parsed.values.thing };
}

/** The checks that need only the name (fast: nothing is loaded). */
function checkName(name: string, thing: string | undefined): void {
  if (!CONTEXT_NAME.test(name)) {
    throw new Refusal(
      `${JSON.stringify(name)} is not a context name: lower-case letters and digits in words joined by single _, starting with a letter (e.g. fx_rates)`,
    );
  }
  if (name.length > MAX_NAME_LENGTH) throw new Refusal(`${name} is longer than ${MAX_NAME_LENGTH} characters`);
  if (RESERVED.has(name) || name.startsWith('pg_') || name.endsWith('_probe')) {
    throw new Refusal(`${name} is a reserved word (a folder or setting of the project, or a name Postgres keeps for itself): choose another name`);
  }
  if (thing !== undefined && !/^[a-z][a-z0-9]*([_-][a-z0-9]+)*$/.test(thing)) {
    throw new Refusal(`--thing ${JSON.stringify(thing)}: lower-case letters and digits in words joined by - or _ (e.g. member)`);
  }
  for (const folder of contextFolders(name)) {
    if (existsSync(join(ROOT, folder))) throw new Refusal(`${name} exists already: ${folder}/ is there`);
  }
  if (readFileSync(join(ROOT, INDEX), 'utf8').includes(`'./${name}/`)) throw new Refusal(`${name} exists already: ${INDEX} imports it`);
  const fixture = testContexts().find((c) => c.name === name);
  if (fixture) throw new Refusal(`${name} is a test context already (${fixture.file}): its tests create that schema themselves`);
}

/** Contexts the tests declare for themselves (probes, fixtures), by file. */
function testContexts(): Array<{ name: string; file: string }> {
  const found: Array<{ name: string; file: string }> = [];
  const files = readdirSync(join(ROOT, 'test'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  for (const file of files) {
    const text = readFileSync(join(ROOT, 'test', file), 'utf8');
    for (const match of text.matchAll(/defineContext\(\{\s*name:\s*'([a-z0-9_]+)'/g)) found.push({ name: match[1]!, file: `test/${file}` });
  }
  return found;
}

/** The checks against the contexts there are: names, routes, permissions, settings, topics, OpenAPI ids. */
function checkAgainstContexts(n: ContextNames): void {
  // Loaded only once the name itself passed: the manifests bring in the code of the whole app.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { CONTEXTS } = require('../src/modules') as typeof import('../src/modules');
  for (const context of CONTEXTS) {
    if (context.name === n.name) throw new Refusal(`${n.name} exists already (${INDEX})`);
    for (const route of context.routes ?? []) {
      if (route === n.route || route.startsWith(`${n.route}/`) || n.route.startsWith(`${route}/`)) {
        throw new Refusal(`${n.name} would serve ${n.route}, which overlaps ${route} of the ${context.name} context`);
      }
    }
    const permission = Object.keys(context.permissions ?? {}).find((p) => p.startsWith(`${n.name}:`));
    if (permission) throw new Refusal(`the ${context.name} context declares ${permission} already`);
    const variable = `${n.context.constant}_PAGE_SIZE`;
    if (context.config && variable in context.config.variables.shape) throw new Refusal(`the ${context.name} context reads ${variable} already`);
    const topic = context.contract.events.find((e) => e.topic === `${n.name}.events`);
    if (topic) throw new Refusal(`the ${context.name} context publishes on ${topic.topic} already`);
  }
  // Component ids are global to the OpenAPI document; loading the manifests registered every one.
  const ids = (z.globalRegistry as unknown as { _idmap?: Map<string, unknown> })._idmap;
  for (const id of [n.component.pascal, `New${n.component.pascal}`, `${n.component.pascal}CreatedV1`]) {
    if (ids?.has(id)) throw new Refusal(`the OpenAPI component ${id} exists already: choose another --thing`);
  }
}

/** In the project's Prettier style, so that what is written passes `npm run lint` whatever the names' lengths. */
async function formatted(files: readonly GeneratedFile[]): Promise<GeneratedFile[]> {
  const options = await resolveConfig(join(ROOT, INDEX));
  return Promise.all(files.map(async (file) => ({ path: file.path, text: await format(file.text, { ...options, filepath: join(ROOT, file.path) }) })));
}

function write(files: readonly GeneratedFile[], index: string): void {
  const written: string[] = [];
  try {
    for (const file of files) {
      const target = join(ROOT, file.path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, file.text, { flag: 'wx' });
      written.push(target);
    }
    writeFileSync(join(ROOT, INDEX), index);
  } catch (error) {
    for (const target of written) rmSync(target, { force: true });
    throw error;
  }
}

async function main(): Promise<void> {
  const { name, thing } = parse(process.argv.slice(2));
  checkName(name, thing);
  const n = deriveNames(name, thing);
  checkAgainstContexts(n);
  const files = await formatted(contextFiles(n));
  const indexBefore = readFileSync(join(ROOT, INDEX), 'utf8');
  let index: string;
  try {
    index = addContextToIndex(indexBefore, name, manifestImport(n), `${n.context.camel}Context`);
  } catch (error) {
    if (error instanceof IndexFileError) throw new Refusal(error.message);
    throw error;
  }
  index = (await formatted([{ path: INDEX, text: index }]))[0]!.text;
  write(files, index);

  const out = process.stdout;
  out.write(`New context ${name} (schema ${name}, routes ${n.route}, permissions ${name}:read and ${name}:write):\n`);
  for (const file of files) out.write(`  wrote    ${file.path}\n`);
  out.write(`  changed  ${INDEX} (imports ${n.context.camel}Context and lists it in CONTEXTS)\n`);
  out.write(`
Next:
  npm run lint && npx jest src/modules/${name} test/${name}
  npm run openapi      openapi.json gains its routes and components (a test compares it)
  helm/skyro-core/values.yaml, contexts:  ${name}: {paths: [${n.route}]}
                       places it in a deployment; test/deploy asks for it today (README, Adding a context)
`);
}

main().catch((error: unknown) => {
  if (error instanceof Refusal) {
    process.stderr.write(`new-context: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
});
