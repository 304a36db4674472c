import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderOpenApi } from '@app/openapi-document';

/** `npm run openapi`: writes openapi.json from the code (a test fails when they differ). */
async function main(): Promise<void> {
  const target = resolve(__dirname, '..', 'openapi.json');
  writeFileSync(target, await renderOpenApi());
  process.stdout.write(`wrote ${target}\n`);
}

void main();
