import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envSchema } from './config.schema';

describe('configuration documentation', () => {
  it('lists every variable the process reads in the README table', () => {
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
    const undocumented = Object.keys(envSchema.shape).filter((name) => !readme.includes(`| \`${name}\` |`));
    expect(undocumented).toEqual([]);
  });
});
