/**
 * Architecture rules (../shared ARCHITECTURE §3.1), checked by `npm run lint` in the test
 * command. A module is reached only through its contract/, and only by the modules
 * that declare it below; the platform never reaches into a module; the domain stays pure.
 */

// Who may depend on whom (through contracts only): each context's manifest says it
// (`dependsOn` in src/modules/<name>/<name>.context.ts), read here so there is no second
// list. Adding an edge is a design decision: argue it in the PR.
// The project's own tsconfig, also when depcruise runs elsewhere (test/architecture's throwaway trees).
process.env.SWC_NODE_PROJECT ??= require('node:path').join(__dirname, 'tsconfig.json');
require('@swc-node/register');
const { CONTEXTS } = require('./src/modules');
const ALLOWED_DEPENDENCIES = Object.fromEntries(CONTEXTS.map((c) => [c.name, [...c.dependsOn]]));

const FRAMEWORKS = '(^|/)node_modules/(@nestjs|typeorm|pg|ioredis|kafkajs|fastify|@fastify|class-validator|class-transformer|@opentelemetry)/';

const dependencyRules = Object.entries(ALLOWED_DEPENDENCIES).map(([from, targets]) => ({
  name: `only-declared-dependencies-of-${from}`,
  comment: `${from} may only use the contracts of: ${targets.join(', ') || '(none)'}`,
  severity: 'error',
  from: { path: `^src/modules/${from}/` },
  to: {
    path: '^src/modules/([^/]+)/contract/',
    pathNot: [`^src/modules/${from}/`, ...targets.map((t) => `^src/modules/${t}/contract/`)],
  },
}));

module.exports = {
  forbidden: [
    {
      name: 'module-only-via-contract',
      comment: 'Import another module only through its contract/: extraction then needs no change in any caller.',
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/[^/]+/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/contract/'] },
    },
    {
      name: 'undeclared-context',
      comment: 'Every folder under src/modules/ is a context listed in src/modules/index.ts.',
      severity: 'error',
      from: { path: `^src/modules/(?!(${Object.keys(ALLOWED_DEPENDENCIES).join('|')})/)[^/]+/` },
      to: {},
    },
    ...dependencyRules,
    {
      name: 'contract-is-plain-data',
      comment: 'Contracts are wire formats: they import only the shared kernel and other contract files.',
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/contract/' },
      to: { path: '^src/', pathNot: ['^src/modules/$1/contract/', '^src/shared-kernel/'] },
    },
    {
      name: 'domain-is-pure',
      comment: 'domain/ is plain TypeScript: no framework, no ORM, no I/O.',
      severity: 'error',
      from: { path: '^src/modules/[^/]+/domain/' },
      to: { path: FRAMEWORKS },
    },
    {
      name: 'domain-does-not-reach-out',
      comment: 'domain/ does not know its application, infrastructure or api layers.',
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/domain/' },
      to: { path: '^src/(platform/|modules/[^/]+/(application|infrastructure|api)/)' },
    },
    {
      name: 'platform-imports-no-module',
      comment: 'The platform is plumbing every module uses; it never knows a module, nor a migration of one (it composes what the manifests give it).',
      severity: 'error',
      from: { path: '^src/platform/' },
      to: { path: ['^src/(modules/|app\\.module|bootstrap|serve|main)', '^migrations/(?!platform/)'] },
    },
    {
      name: 'migrations-of-a-context-are-its-own',
      comment: "A context's manifest names its own migrations only.",
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^migrations/', pathNot: '^migrations/$1/' },
    },
    {
      name: 'shared-kernel-is-a-leaf',
      comment: 'The shared kernel is tiny pure types; it depends on nothing of ours.',
      severity: 'error',
      from: { path: '^src/shared-kernel/' },
      to: { path: '^src/(platform|modules)/' },
    },
    {
      name: 'migrations-own-their-schema',
      comment: 'Migrations touch SQL only, with the platform schema helpers.',
      severity: 'error',
      from: { path: '^migrations/' },
      to: { path: '^src/', pathNot: ['^src/platform/database/context-schema\\.ts$', '^src/platform/messaging/sql-identifier\\.ts$'] },
    },
    {
      name: 'no-test-code-in-src',
      severity: 'error',
      from: { path: '^(src|migrations)/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-dev-dep',
      comment: 'Production code must not need a devDependency (the image has none), except the embedded database.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['\\.spec\\.ts$'] },
      to: { dependencyTypes: ['npm-dev'], pathNot: ['node_modules/@types/'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
