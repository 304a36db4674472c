// The import aliases (@platform/*, @modules/*, ...) are tsconfig.json's, the one place they
// are declared. swc rewrites them to relative paths as it compiles (the global setup and
// teardown are compiled so too, outside jest's module resolution); moduleNameMapper covers
// what swc leaves alone (a require() or jest.mock() of an alias).
const { compilerOptions } = (() => {
  const ts = require('typescript');
  return ts.readConfigFile(require('node:path').join(__dirname, 'tsconfig.json'), ts.sys.readFile).config;
})();

// Nest 12 ships ESM-only packages; the app is CommonJS, so jest transforms those
// packages with swc too (see ../shared ARCHITECTURE §5).
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
      baseUrl: __dirname,
      paths: compilerOptions.paths,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

// Every ESM-only package in node_modules must be transformed to CommonJS for jest
// (Nest 12 and several of its dependencies are ESM-only); list them rather than guess.
function esmPackages() {
  const fs = require('node:fs');
  const path = require('node:path');
  const root = path.join(__dirname, 'node_modules');
  const names = [];
  const visit = (name) => {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(root, name, 'package.json'), 'utf8'));
      if (pkg.type === 'module') names.push(name);
    } catch {
      // not a package
    }
  };
  for (const entry of fs.existsSync(root) ? fs.readdirSync(root) : []) {
    if (entry.startsWith('@')) for (const sub of fs.readdirSync(path.join(root, entry))) visit(`${entry}/${sub}`);
    else if (!entry.startsWith('.')) visit(entry);
  }
  return names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}

function moduleNameMapper() {
  const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return Object.fromEntries(
    Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
      `^${escape(alias).replace('\\*', '(.*)')}$`,
      `<rootDir>/${target.replace(/^\.\//, '').replace('*', '$1')}`,
    ]),
  );
}

const common = {
  rootDir: '.',
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  transform: { '^.+\\.(t|j|mj)s$': swc },
  moduleNameMapper: moduleNameMapper(),
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages().join('|')})/)`],
};

module.exports = {
  // Two cores: one worker per core; e2e files each get their own database.
  maxWorkers: 2,
  // Real services behind every e2e test; a first Kafka consumer-group join alone takes seconds.
  testTimeout: 60_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
