/**
 * @module openapi/components
 * `components` of the document: schemas, the shared error responses, response headers and the
 * three ways to authenticate.
 */
import { errorResponseNames, headerRefs, rateLimitHeaders, schemaRef, type ErrorStatus, type HeaderName } from './openapi-parts.js';
import type { OpenApiDocument } from './openapi-types.js';
import { adminSchemas } from './schemas-admin.js';
import { openAiSchemas } from './schemas-openai.js';
import { promptSchemas } from './schemas-prompts.js';
import { protocolSchemas } from './schemas-protocols.js';
import { reportSchemas } from './schemas-reports.js';

const securitySchemes = {
  tenantKey: {
    type: 'http',
    scheme: 'bearer',
    description: "A tenant's API key (`tg_...`), for everything under `/v1`.",
  },
  apiKeyHeader: {
    type: 'apiKey',
    in: 'header',
    name: 'x-api-key',
    description: 'The same keys in the `x-api-key` header instead: a tenant key on `/v1`, an operator or admin key on `/admin`.',
  },
  googApiKey: {
    type: 'apiKey',
    in: 'header',
    name: 'x-goog-api-key',
    description: 'A tenant key the way Google’s SDK sends it, on `/v1beta`.',
  },
  googKeyQuery: {
    type: 'apiKey',
    in: 'query',
    name: 'key',
    description: 'A tenant key as the `key` query parameter, on `/v1beta` only.',
  },
  operatorKey: {
    type: 'http',
    scheme: 'bearer',
    description: 'An operator key (role `finance` reads, `admin` does everything) or `TOLLGATE_ADMIN_KEY`, for `/admin`.',
  },
};

const headers: Record<HeaderName, { description: string; schema: { type: string } }> = {
  RequestId: { description: "The request's id: the caller's own `x-request-id` when plain and short, else a new one.", schema: { type: 'string' } },
  CostUsd: {
    description:
      'The cost of the call in USD, exact (e.g. `0.000012345`), or `unknown` for a model without a price. Streams give it at their end instead: an SSE comment line (chat), the `done` event\'s `cost` (prompts).',
    schema: { type: 'string' },
  },
  RateLimitLimitRequests: { description: 'Requests allowed in the tightest per-minute window (absent when unlimited).', schema: { type: 'string' } },
  RateLimitRemainingRequests: { description: 'Requests left in that window.', schema: { type: 'string' } },
  RateLimitResetRequests: { description: 'Time until that window resets, e.g. `12s`, `1m30s`.', schema: { type: 'string' } },
  RateLimitLimitTokens: { description: 'Tokens allowed in the tightest per-minute window (absent when unlimited).', schema: { type: 'string' } },
  RateLimitRemainingTokens: { description: 'Tokens left in that window (reserved worst cases count until calls settle).', schema: { type: 'string' } },
  RateLimitResetTokens: { description: 'Time until that window resets.', schema: { type: 'string' } },
  RetryAfter: { description: 'Seconds to wait before retrying.', schema: { type: 'string' } },
  Deprecation: { description: 'Present when the prompt version called is deprecated (RFC 9745).', schema: { type: 'string' } },
};

const errorDescriptions: Record<ErrorStatus, string> = {
  400: 'The request is invalid: malformed JSON, a body that breaks the schema (`param` names the field), or a feature the provider lacks.',
  401: 'No usable key: missing, unknown, revoked or expired.',
  403: 'The key may not do this: a model or prompt outside its scope, the wrong kind of key, or an insufficient role.',
  404: 'No such model, prompt, version, tenant or key.',
  409: 'It already exists.',
  413: 'The body is larger than `server.bodyLimitBytes`.',
  429: 'Over a request, token or money limit (`rate_limit_exceeded`, `insufficient_quota`), or the upstream is rate-limiting.',
  500: 'Tollgate failed internally; the request was not completed.',
  502: 'The upstream failed, was unreachable, rejected the gateway\'s key, or (prompts) answered output that breaks the output schema.',
  503: 'The upstream is overloaded, or the quota backend is unreachable and the policy fails closed.',
  504: 'The upstream did not answer within `timeoutMs`.',
};

function errorResponseComponents(): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, name] of Object.entries(errorResponseNames)) {
    const extraHeaders: HeaderName[] = status === '429' ? ['RetryAfter', ...rateLimitHeaders] : [];
    responses[name] = {
      description: errorDescriptions[Number(status) as ErrorStatus],
      headers: headerRefs(extraHeaders),
      content: { 'application/json': { schema: schemaRef('ErrorResponse') } },
    };
  }
  return responses;
}

export function buildComponents(): OpenApiDocument['components'] {
  return {
    schemas: { ...openAiSchemas(), ...protocolSchemas(), ...promptSchemas(), ...adminSchemas(), ...reportSchemas() },
    responses: errorResponseComponents(),
    headers,
    securitySchemes,
  };
}
