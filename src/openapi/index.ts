/**
 * @module openapi
 * The OpenAPI 3.1 document of Tollgate (`GET /openapi.json`) and its browser view (`GET /docs`).
 * This index is the way in for scripts and tests; the server imports only
 * `register-openapi-routes.ts`, which loads the document builder on the first request for it
 * (re-exporting the builder here would load it with the server). The other files are internal.
 */
export { buildOpenApiDocument, type BuildOpenApiOptions } from './build-document.js';
export type { JsonSchema, OpenApiDocument } from './openapi-types.js';
export { registerOpenApiRoutes, type OpenApiRouteOptions } from './register-openapi-routes.js';
