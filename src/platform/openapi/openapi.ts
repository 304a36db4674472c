import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { envSchema } from '../config/config.schema';
import { ProblemDocument, ProblemFieldError } from '../http/problem';
import { PLATFORM_API_TAGS, type ApiTag } from './api-tags';
import { BEARER_SCHEME, finishOperations, routeHandlers, routeKey } from './operations';
import { resolveZodSchemas } from './zod-openapi';

export const API_TITLE = 'Skyro Core API';

/**
 * Where `npm start` listens with no configuration (HOST, PORT defaults): the document's
 * server, so generated clients work against a local run as they are; the variables let a
 * client point elsewhere without editing the document.
 */
const LOCAL_SERVER = {
  url: 'http://{host}:{port}',
  description: 'A local `npm start` (defaults of HOST and PORT); in a deployment, the gateway (Kong) address',
  variables: {
    host: { default: String(envSchema.shape.HOST.parse(undefined)), description: 'HOST of the process, or the gateway host' },
    port: { default: String(envSchema.shape.PORT.parse(undefined)), description: 'PORT of the process, or the gateway port' },
  },
};

/** The document of the running app; `contextTags` are the contexts' tag descriptions (their manifests' `apiTags`). */
export function buildOpenApiDocument(app: NestFastifyApplication, version: string, contextTags: readonly ApiTag[]): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(API_TITLE)
    .setDescription(
      'Neobank platform API. Money amounts are integer minor units encoded as strings, with an ISO 4217 currency. ' +
        'Errors are RFC 9457 problem documents (application/problem+json) with a stable `code`. ' +
        'Every response carries `X-Request-Id`; send your own to correlate.',
    )
    .setVersion(version)
    .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
    .addServer(LOCAL_SERVER.url, LOCAL_SERVER.description, LOCAL_SERVER.variables)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token (ES256 JWT) from /v1/auth/token' }, BEARER_SCHEME)
    .build();
  const document = resolveZodSchemas(
    SwaggerModule.createDocument(app, config, {
      extraModels: [ProblemDocument, ProblemFieldError],
      // A key the route's handler is found by; finishOperations derives the real id.
      operationIdFactory: (controllerKey, methodKey) => routeKey(controllerKey, methodKey),
    }),
  );
  return withTags(finishOperations(document, routeHandlers(app)), [...contextTags, ...PLATFORM_API_TAGS]);
}

/** The described tags that operations use, in the given order, then any undescribed ones (the lint test refuses those). */
function withTags(document: OpenAPIObject, tags: readonly ApiTag[]): OpenAPIObject {
  const used = new Set<string>();
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item as Record<string, { tags?: string[] } | undefined>)) {
      if (operation && typeof operation === 'object' && Array.isArray(operation.tags)) operation.tags.forEach((t) => used.add(t));
    }
  }
  const described = tags.filter((t) => used.has(t.name)).map((t) => ({ ...t }));
  const undescribed = [...used]
    .filter((name) => !tags.some((t) => t.name === name))
    .sort()
    .map((name) => ({ name }));
  return { ...document, tags: [...described, ...undescribed] };
}

/** Swagger UI at /docs and the document at /openapi.json. */
export function serveOpenApi(app: NestFastifyApplication, document: OpenAPIObject): void {
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
    customSiteTitle: API_TITLE,
    swaggerOptions: { persistAuthorization: true },
  });
}
