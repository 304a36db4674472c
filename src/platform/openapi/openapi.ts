import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ProblemDocument, ProblemFieldError } from '../http/problem';
import { resolveZodSchemas } from './zod-openapi';

export const API_TITLE = 'Skyro Core API';

export function buildOpenApiDocument(app: NestFastifyApplication, version: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(API_TITLE)
    .setDescription(
      'Neobank platform API. Money amounts are integer minor units encoded as strings, with an ISO 4217 currency. ' +
        'Errors are RFC 9457 problem documents (application/problem+json) with a stable `code`. ' +
        'Every response carries `X-Request-Id`; send your own to correlate.',
    )
    .setVersion(version)
    .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token (ES256 JWT) from /v1/auth/token' }, 'bearer')
    .build();
  return resolveZodSchemas(
    SwaggerModule.createDocument(app, config, {
      extraModels: [ProblemDocument, ProblemFieldError],
      operationIdFactory: (controllerKey, methodKey) => `${controllerKey.replace(/HttpController$/, '')}_${methodKey}`,
    }),
  );
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
