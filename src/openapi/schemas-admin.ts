/**
 * @module openapi/schemas-admin
 * Component schemas of the admin API. Request bodies come from the zod schemas the admin routes
 * validate with; answers follow `admin/present.ts` (tenants, keys) and the ledger's JSON shapes
 * (`ledger/query-calls.ts`, `ledger/query-rollups.ts`).
 */
import { quotaLimitsSchema } from '../../schemas/config.js';
import { createKeySchema, createOperatorSchema, createTenantSchema, updateTenantSchema } from '../admin/admin-schemas.js';
import { fromZod, orNull, schemaRef } from './openapi-parts.js';
import type { JsonSchema } from './openapi-types.js';

const instant: JsonSchema = { type: ['string', 'null'], format: 'date-time' };
const source: JsonSchema = { type: 'string', enum: ['config', 'api'], description: '`config` entries are rewritten from the configuration file at every start.' };
const list = (item: string): JsonSchema => ({ type: 'object', required: ['data'], properties: { data: { type: 'array', items: schemaRef(item) } } });

const tenant: JsonSchema = {
  type: 'object',
  required: ['id', 'quotas', 'models', 'services', 'timeZone', 'unpricedModels', 'source', 'createdAt'],
  properties: {
    id: { type: 'string' },
    quotas: schemaRef('QuotaLimits'),
    models: { type: ['array', 'null'], items: { type: 'string' }, description: 'Public model names the tenant may call; null means all.' },
    services: { type: ['array', 'null'], items: { type: 'string' }, description: 'REST services the tenant may call; null means all.' },
    timeZone: { type: 'string' },
    unpricedModels: { type: ['string', 'null'], enum: ['reject', 'allow', null] },
    source,
    createdAt: instant,
  },
};

const apiKey: JsonSchema = {
  type: 'object',
  description: 'A key as the admin API shows it: never the key itself, nor its hash.',
  required: ['id', 'tenant', 'name', 'role', 'prefix', 'status', 'scopes', 'quotas', 'expiresAt', 'revokedAt', 'createdAt', 'source'],
  properties: {
    id: { type: 'string' },
    tenant: { type: ['string', 'null'], description: 'null for operator keys.' },
    name: { type: 'string' },
    role: { type: 'string', enum: ['tenant', 'finance', 'admin'] },
    prefix: { type: 'string', description: 'The first characters of the key, to recognise it.' },
    status: { type: 'string', enum: ['active', 'revoked', 'expired'] },
    scopes: {
      type: 'object',
      properties: {
        models: { type: 'array', items: { type: 'string' } },
        prompts: { type: 'array', items: { type: 'string' } },
        services: { type: 'array', items: { type: 'string' } },
        permissions: { type: 'array', items: { type: 'string' } },
      },
    },
    quotas: schemaRef('QuotaLimits'),
    expiresAt: instant,
    revokedAt: instant,
    createdAt: instant,
    source,
  },
};

const nonNegative: JsonSchema = { type: 'integer', minimum: 0 };

const callRecord: JsonSchema = {
  type: 'object',
  description: 'One ledger row: one call, refusals included.',
  required: ['id', 'time', 'tenant_id', 'key_id', 'kind', 'model', 'status', 'cost_usd', 'estimated', 'latency_ms', 'streamed'],
  properties: {
    id: { type: 'string' },
    time: { type: 'string', format: 'date-time' },
    tenant_id: { type: ['string', 'null'] },
    key_id: { type: ['string', 'null'] },
    kind: { type: 'string', description: 'The route kind: chat, embeddings, prompt, proxy...' },
    model: { type: ['string', 'null'] },
    provider: { type: ['string', 'null'] },
    upstream_model: { type: ['string', 'null'] },
    prompt_name: { type: ['string', 'null'] },
    prompt_version: { type: ['integer', 'null'] },
    status: { type: 'integer' },
    error_code: { type: ['string', 'null'] },
    input_tokens: nonNegative,
    cached_input_tokens: nonNegative,
    cache_write_tokens: nonNegative,
    output_tokens: nonNegative,
    reasoning_tokens: nonNegative,
    cost_nano_usd: { type: ['string', 'null'], description: 'Integer nano-USD as a decimal string.' },
    cost_usd: { type: ['string', 'null'], description: 'Exact USD, nine decimals.' },
    cost_unknown: { type: 'boolean' },
    estimated: { type: 'boolean', description: 'Token figures counted by Tollgate because the provider reported none.' },
    latency_ms: nonNegative,
    ttfb_ms: { type: ['integer', 'null'] },
    streamed: { type: 'boolean' },
    cache_hit: { type: 'boolean' },
    usage_raw: { description: "The provider's usage object as it reported it." },
    protocol: { type: ['string', 'null'], description: 'The inbound protocol the client spoke.' },
    end_user: { type: ['string', 'null'], description: "The caller's end-user label (OpenAI `user`)." },
    tags: { type: ['object', 'null'], additionalProperties: { type: 'string' }, description: "The caller's `x-tollgate-tags`." },
    service: { type: ['string', 'null'], description: 'The REST service of a proxied call.' },
    method: { type: ['string', 'null'] },
    route: { type: ['string', 'null'], description: 'The route template of a proxied call.' },
    target: { type: ['string', 'null'], description: 'The target or deployment that served the call.' },
    attempts: { type: ['integer', 'null'], description: 'Upstream attempts, retries and fallbacks included.' },
    bytes_in: { type: ['integer', 'null'] },
    bytes_out: { type: ['integer', 'null'] },
  },
};

const usageRow: JsonSchema = {
  type: 'object',
  description: 'Totals for one combination of the `group_by` dimensions (those fields are present only when grouped by).',
  required: ['requests', 'errors', 'input_tokens', 'output_tokens', 'cost_nano_usd', 'cost_usd'],
  properties: {
    day: { type: 'string', format: 'date' },
    tenant_id: { type: ['string', 'null'] },
    key_id: { type: ['string', 'null'] },
    model: { type: ['string', 'null'] },
    prompt: { type: ['string', 'null'], description: '`name@version` for prompt calls.' },
    kind: { type: 'string' },
    requests: nonNegative,
    errors: nonNegative,
    input_tokens: nonNegative,
    cached_input_tokens: nonNegative,
    cache_write_tokens: nonNegative,
    output_tokens: nonNegative,
    reasoning_tokens: nonNegative,
    cost_nano_usd: { type: 'string' },
    cost_usd: { type: 'string' },
    unknown_cost_requests: nonNegative,
    estimated_requests: nonNegative,
  },
};

export function adminSchemas(): Record<string, JsonSchema> {
  return {
    QuotaLimits: fromZod(quotaLimitsSchema, 'output'),
    Tenant: tenant,
    TenantWithKeys: {
      allOf: [schemaRef('Tenant'), { type: 'object', required: ['keys'], properties: { keys: { type: 'array', items: schemaRef('ApiKey') } } }],
    },
    TenantList: list('Tenant'),
    TenantCreate: fromZod(createTenantSchema),
    TenantUpdate: fromZod(updateTenantSchema),
    TenantDeleted: {
      type: 'object',
      required: ['id', 'deleted'],
      properties: { id: { type: 'string' }, deleted: { type: 'boolean', const: true } },
    },
    ApiKey: apiKey,
    ApiKeyList: list('ApiKey'),
    ApiKeyCreated: {
      allOf: [
        schemaRef('ApiKey'),
        { type: 'object', required: ['key'], properties: { key: { type: 'string', description: 'The key itself, shown only in this answer.' } } },
      ],
    },
    KeyCreate: fromZod(createKeySchema),
    OperatorCreate: fromZod(createOperatorSchema),
    CallRecord: callRecord,
    CallPage: {
      type: 'object',
      required: ['data', 'next_cursor'],
      properties: {
        data: { type: 'array', items: schemaRef('CallRecord') },
        next_cursor: orNull({ type: 'string', description: 'Pass as `cursor` for the next page; null on the last page.' }),
      },
    },
    UsageRow: usageRow,
    UsageReport: list('UsageRow'),
  };
}
