import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { ResolvedServiceKitOptions } from '../service-kit-options';
import { ADMIN_SECURITY_SCHEME, applyRouteSecurity, READ_SECURITY_SCHEME } from './openapi-security';

export const OPENAPI_JSON_PATH = '/openapi.json';
export const OPENAPI_YAML_PATH = '/openapi.yaml';

/** Serves the service's OpenAPI 3 document, built from its controllers' decorators, as JSON and YAML. */
export function mountOpenApi(app: INestApplication, options: ResolvedServiceKitOptions): void {
  const config = new DocumentBuilder()
    .setTitle(`Tessera ${options.name}`)
    .setDescription(options.description)
    .setVersion(options.version)
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'TESSERA_ADMIN_TOKEN (or <SERVICE>_ADMIN_TOKEN): every protected operation' },
      ADMIN_SECURITY_SCHEME,
    )
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'TESSERA_READ_TOKEN (or <SERVICE>_READ_TOKEN): GET and HEAD operations only' },
      READ_SECURITY_SCHEME,
    )
    .build();
  // The document is built lazily on first request, after every module has registered its routes.
  SwaggerModule.setup('docs', app, () => applyRouteSecurity(SwaggerModule.createDocument(app, config)), {
    ui: false,
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    yamlDocumentUrl: OPENAPI_YAML_PATH,
  });
}
