/**
 * @module openapi/openapi-parts
 * Small builders for the repeated pieces of the document — `$ref`s, JSON bodies, parameters,
 * security requirements, and the error responses every route shares — so each path file reads as
 * a list of routes rather than a wall of nested objects.
 */
import { type ZodType, z } from 'zod';
import type { JsonSchema } from './openapi-types.js';

export const schemaRef = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** A schema that also allows `null`, in OpenAPI 3.1 form (there is no `nullable`). */
export function orNull(schema: JsonSchema): JsonSchema {
  if (typeof schema.type === 'string') return { ...schema, type: [schema.type, 'null'] };
  return { anyOf: [schema, { type: 'null' }] };
}

/**
 * A zod schema as JSON Schema 2020-12 for the document. `$schema` is dropped: OpenAPI 3.1's
 * `jsonSchemaDialect` already says which dialect applies. `io: 'input'` describes what a client
 * may send (defaults make fields optional); `'output'` what Tollgate holds after parsing.
 */
export function fromZod(schema: ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  const { $schema: _dialect, ...converted } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });
  return converted;
}

/** Security requirements: any one of the listed schemes is enough. */
export const security = {
  tenant: [{ tenantKey: [] }, { apiKeyHeader: [] }],
  operator: [{ operatorKey: [] }, { apiKeyHeader: [] }],
  none: [],
};

/** Response header components, by the header name they describe. */
export const headerNames = {
  RequestId: 'x-request-id',
  CostUsd: 'x-tollgate-cost-usd',
  RateLimitLimitRequests: 'x-ratelimit-limit-requests',
  RateLimitRemainingRequests: 'x-ratelimit-remaining-requests',
  RateLimitResetRequests: 'x-ratelimit-reset-requests',
  RateLimitLimitTokens: 'x-ratelimit-limit-tokens',
  RateLimitRemainingTokens: 'x-ratelimit-remaining-tokens',
  RateLimitResetTokens: 'x-ratelimit-reset-tokens',
  RetryAfter: 'retry-after',
  Deprecation: 'deprecation',
} as const;

export type HeaderName = keyof typeof headerNames;

export const rateLimitHeaders: HeaderName[] = [
  'RateLimitLimitRequests',
  'RateLimitRemainingRequests',
  'RateLimitResetRequests',
  'RateLimitLimitTokens',
  'RateLimitRemainingTokens',
  'RateLimitResetTokens',
];

/** The headers of every answer to a metered call (chat, embeddings, prompts). */
export const meteredHeaders: HeaderName[] = ['CostUsd', ...rateLimitHeaders];

/** `x-request-id`, which every response carries, plus the named ones. */
export function headerRefs(names: readonly HeaderName[] = []): Record<string, { $ref: string }> {
  const refs: Record<string, { $ref: string }> = {};
  for (const name of ['RequestId', ...names] as HeaderName[]) refs[headerNames[name]] = { $ref: `#/components/headers/${name}` };
  return refs;
}

export function jsonResponse(description: string, schema: JsonSchema, headers: readonly HeaderName[] = []) {
  return { description, headers: headerRefs(headers), content: { 'application/json': { schema } } };
}

export function jsonRequestBody(schema: JsonSchema, description?: string, example?: unknown) {
  return { required: true, ...(description ? { description } : {}), content: { 'application/json': { schema, ...(example === undefined ? {} : { example }) } } };
}

export function pathParameter(name: string, description: string, schema: JsonSchema = { type: 'string' }) {
  return { name, in: 'path', required: true, description, schema };
}

export function queryParameter(name: string, description: string, schema: JsonSchema = { type: 'string' }) {
  return { name, in: 'query', required: false, description, schema };
}

/** Error responses in `components.responses`, by status. Every one has the `ErrorResponse` body. */
export const errorResponseNames = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  429: 'TooManyRequests',
  500: 'InternalError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
} as const;

export type ErrorStatus = keyof typeof errorResponseNames;

export function errorResponses(statuses: readonly ErrorStatus[]): Record<string, { $ref: string }> {
  const responses: Record<string, { $ref: string }> = {};
  for (const status of statuses) responses[String(status)] = { $ref: `#/components/responses/${errorResponseNames[status]}` };
  return responses;
}

/** The failures any `/v1` model call can meet: input, auth, scope, quota, size, upstream. */
export const modelCallErrors: ErrorStatus[] = [400, 401, 403, 404, 413, 429, 500, 502, 503, 504];

/** The failures of an admin route; `extra` adds route-specific ones such as 404 or 409. */
export function adminErrors(...extra: ErrorStatus[]): ErrorStatus[] {
  return [...new Set<ErrorStatus>([401, 403, ...extra, 500])].sort((a, b) => a - b);
}
