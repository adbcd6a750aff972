/**
 * @module openapi/openapi-types
 * The loose shapes the OpenAPI builders pass around. The document is plain JSON; these types only
 * name its parts, they do not model the whole OpenAPI 3.1 specification.
 */

/** A JSON Schema (draft 2020-12, OpenAPI 3.1's dialect). */
export type JsonSchema = { [keyword: string]: unknown };

/** An OpenAPI Operation Object. */
export type Operation = { [field: string]: unknown };

/** An OpenAPI Path Item Object: operations by lowercase HTTP method. */
export type PathItem = { [method: string]: Operation };

export type Paths = { [path: string]: PathItem };

export interface OpenApiDocument {
  openapi: string;
  jsonSchemaDialect?: string;
  info: { title: string; version: string; description?: string; [field: string]: unknown };
  servers: Array<{ url: string; description?: string }>;
  tags: Array<{ name: string; description?: string }>;
  paths: Paths;
  components: {
    schemas: { [name: string]: JsonSchema };
    responses: { [name: string]: unknown };
    headers: { [name: string]: unknown };
    securitySchemes: { [name: string]: unknown };
  };
  [field: string]: unknown;
}
