// @ts-check
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';
import importPaths from './scripts/lint/import-paths.mjs';

/*
 * ESLint, run by `npm run lint`: typescript-eslint's type-checked recommended rules over all
 * our TypeScript, with the promise rules and exhaustive switches as errors (a forgotten
 * await is a lost error or a race; a new union member must reach every switch over it),
 * and skyro/import-paths (scripts/lint/import-paths.mjs). A rule turned off or down says why.
 */
export default defineConfig(
  globalIgnores(['dist/', 'coverage/', '.data/', 'tmp/']),

  {
    files: ['{src,test,bench,scripts,migrations}/**/*.ts', 'ormconfig.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { skyro: { rules: { 'import-paths': importPaths } } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // A `default:` is the deliberate "all the others" (zod's issue codes without a message of
      // ours, transfer refusals answered alike): it counts as exhaustive. A switch without one
      // must name every member, so a member added to a union reaches every such switch.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false }],
      'skyro/import-paths': 'error',
      // A leading _ marks what is left out on purpose: a field dropped from a rest copy
      // (`const { d: _d, ...pub } = jwk`), a parameter an interface requires (tsc's own
      // noUnusedLocals/noUnusedParameters judge the rest).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // Off: here `async` without `await` keeps a promise contract (MemoryCache answers the
      // Cache interface RedisCache implements; a throw inside becomes a rejection, as callers
      // expect), and tests pass async callbacks to helpers that await them. The promise rules
      // above catch what matters: a promise nobody awaits or one passed where none belongs.
      '@typescript-eslint/require-await': 'off',
      // A caught value passed on as it is (`catch (error) { ... Promise.reject(error) }`) keeps
      // its type unknown: allowed, as only-throw-error allows rethrowing it.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
    },
  },

  {
    // Test code reads HTTP answers through supertest, whose res.body is `any`, and asserts
    // with jest's asymmetric matchers (expect.any(), expect.objectContaining()), also `any`;
    // each test pins the shape it reads with toEqual/toMatchObject, so a cast per body would
    // add noise, not safety. Product code keeps every no-unsafe-* rule.
    files: ['test/**/*.ts', 'src/**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },

  {
    // Needs the client openapi-generator writes next to it; its test type-checks it strictly
    // with that client (test/platform/openapi-client.e2e-spec.ts). Here it has no types to check.
    files: ['scripts/openapi-client/**/*.ts'],
    extends: [tseslint.configs.disableTypeChecked],
  },

  {
    // The configuration files in JavaScript: CommonJS (jest, dependency-cruiser) and this one.
    files: ['*.js', '*.mjs', 'scripts/**/*.mjs'],
    extends: [tseslint.configs.recommended],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly' },
    },
    rules: {
      // CommonJS configuration files load their helpers with require().
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['*.mjs', 'scripts/**/*.mjs'],
    languageOptions: { sourceType: 'module' },
  },
);
