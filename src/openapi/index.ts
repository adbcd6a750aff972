/**
 * @module openapi
 * The OpenAPI 3.1 document of Tollgate (`GET /openapi.json`) and its browser view (`GET /docs`).
 * This index is the only way in; the other files are internal.
 */
export { buildOpenApiDocument, type BuildOpenApiOptions } from './build-document.js';
export type { JsonSchema, OpenApiDocument } from './openapi-types.js';
export { registerOpenApiRoutes, type OpenApiRouteOptions } from './register-openapi-routes.js';
