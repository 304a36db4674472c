import { createApp } from './bootstrap';
import { CONTEXTS } from './modules';
import { loadConfig } from './platform/config/app-config';
import { createLogger } from './platform/logging/logger';
import { buildOpenApiDocument } from './platform/openapi/openapi';
import { version } from '../package.json';

/**
 * The OpenAPI document of the full platform (every context), rendered without touching
 * any database or broker, as stable, pretty-printed JSON.
 */
export async function renderOpenApi(): Promise<string> {
  const config = loadConfig({ NODE_ENV: 'test', DOCS_ENABLED: 'false', LOG_LEVEL: 'silent' }, CONTEXTS);
  const app = await createApp(config, { contexts: CONTEXTS, connect: false, logger: createLogger('silent') });
  try {
    return (
      JSON.stringify(
        buildOpenApiDocument(
          app,
          version,
          CONTEXTS.flatMap((c) => c.apiTags ?? []),
        ),
        null,
        2,
      ) + '\n'
    );
  } finally {
    await app.close();
  }
}
