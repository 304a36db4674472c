import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTEXTS } from './modules';
import { envSchema } from './platform/config/config.schema';

describe('configuration documentation', () => {
  it('lists every variable the platform and each context read in the README table', () => {
    const readme = readFileSync(join(__dirname, '../README.md'), 'utf8');
    const variables = [...Object.keys(envSchema.shape), ...CONTEXTS.flatMap((c) => Object.keys(c.config?.variables.shape ?? {})), '<CONTEXT>_DATABASE_URL'];
    expect(variables.filter((name) => !readme.includes(`| \`${name}\` |`))).toEqual([]);
  });
});
