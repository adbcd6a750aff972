/**
 * @module openapi/paths-service
 * The routes that need no key: health checks, this document, and its browser view.
 */
import { docsAssetNames } from './docs-assets.js';
import { errorResponses, headerRefs, jsonResponse, pathParameter, security } from './openapi-parts.js';
import type { Paths } from './openapi-types.js';

const status = (values: string[]) => ({
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string', enum: values } },
});

const readiness = (values: string[]) => ({
  type: 'object',
  required: ['status'],
  properties: {
    status: { type: 'string', enum: values },
    redis: { type: 'string', description: 'Present when Redis is configured: `ok`, or `unreachable (…)` with the reason.' },
  },
});

export function servicePaths(): Paths {
  return {
    '/healthz': {
      get: {
        operationId: 'getHealth',
        tags: ['health'],
        summary: 'Liveness',
        description: 'Answers 200 while the process runs.',
        security: security.none,
        responses: { 200: jsonResponse('The process is alive.', status(['ok'])) },
      },
    },
    '/readyz': {
      get: {
        operationId: 'getReadiness',
        tags: ['health'],
        summary: 'Readiness',
        description:
          'Answers 200 while the gateway accepts traffic, 503 while starting and once shutdown has begun. With Redis configured, `redis` says whether it answers (`ok`, or `unreachable (…)`); the gateway still serves meanwhile, under `redis.onUnavailable`.',
        security: security.none,
        responses: {
          200: jsonResponse('Ready.', readiness(['ready'])),
          503: jsonResponse('Draining or not yet ready.', readiness(['draining'])),
        },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'getOpenApiDocument',
        tags: ['docs'],
        summary: 'This OpenAPI document',
        description:
          'No key is needed. Anonymous callers see the public prompts; with a tenant key, the prompts that key may call.',
        security: [{}, ...security.tenant],
        responses: { 200: jsonResponse('An OpenAPI 3.1 document.', { type: 'object' }) },
      },
    },
    '/docs': {
      get: {
        operationId: 'getDocsPage',
        tags: ['docs'],
        summary: 'Browse this document (Swagger UI)',
        security: security.none,
        responses: { 200: { description: 'An HTML page.', headers: headerRefs(), content: { 'text/html': { schema: { type: 'string' } } } } },
      },
    },
    '/docs/assets/{file}': {
      get: {
        operationId: 'getDocsAsset',
        tags: ['docs'],
        summary: 'A static file of the docs page',
        security: security.none,
        parameters: [pathParameter('file', 'The file name.', { type: 'string', enum: [...docsAssetNames] })],
        responses: {
          200: {
            description: 'The file, cached for a year (its URL carries a version).',
            content: {
              'text/javascript': { schema: { type: 'string' } },
              'text/css': { schema: { type: 'string' } },
              'image/png': { schema: { type: 'string', contentMediaType: 'image/png' } },
            },
          },
          ...errorResponses([404]),
        },
      },
    },
  };
}
