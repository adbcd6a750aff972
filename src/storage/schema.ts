/**
 * @module storage/schema
 * The database tables (drizzle, SQLite). Times are integer milliseconds since the epoch; money is
 * integer nano-dollars (1e-9 USD), exact in a JS number up to about 9 million dollars per value.
 * Migrations in `drizzle/` are generated from this file with `npm run db:generate`.
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const tenants = sqliteTable('tenants', {
  id: text('id').primaryKey(),
  /** Quota limits as JSON (`QuotaLimits`); absent windows are unlimited. */
  quotas: text('quotas', { mode: 'json' }).$type<Record<string, number>>().notNull().default(sql`'{}'`),
  /** Public model names this tenant may use; null means every model. */
  models: text('models', { mode: 'json' }).$type<string[] | null>(),
  timeZone: text('time_zone').notNull().default('UTC'),
  /** `reject` or `allow` calls to models without a price; null: reject when the tenant has a cost quota. */
  unpricedModels: text('unpriced_models'),
  /** `config` rows are rewritten from the configuration file at every start. */
  source: text('source').notNull().default('api'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    /** Null for operator keys, which belong to no tenant. */
    tenantId: text('tenant_id'),
    name: text('name').notNull(),
    /** `tenant`, `finance` or `admin`. */
    role: text('role').notNull().default('tenant'),
    /** `sha256:<hex>` of the key; the key itself is never stored. */
    hash: text('hash').notNull(),
    /** The first characters of the key, to recognise it in lists. */
    prefix: text('prefix').notNull(),
    scopes: text('scopes', { mode: 'json' }).$type<Record<string, string[]>>().notNull().default(sql`'{}'`),
    quotas: text('quotas', { mode: 'json' }).$type<Record<string, number>>().notNull().default(sql`'{}'`),
    expiresAt: integer('expires_at'),
    revokedAt: integer('revoked_at'),
    source: text('source').notNull().default('api'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (table) => [uniqueIndex('api_keys_hash').on(table.hash), index('api_keys_tenant').on(table.tenantId)],
);

/** Prices imported or set at runtime; they override the built-in catalogue and the config file. */
export const prices = sqliteTable(
  'prices',
  {
    model: text('model').notNull(),
    effectiveFrom: integer('effective_from').notNull(),
    /** Integer pico-dollars (1e-12 USD) per token, i.e. USD per million tokens × 1e6; null: not priced. */
    input: integer('input').notNull(),
    cachedInput: integer('cached_input'),
    cacheWrite: integer('cache_write'),
    output: integer('output').notNull(),
    reasoning: integer('reasoning'),
    source: text('source').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.model, table.effectiveFrom] })],
);

/** One row per call: the ledger. */
export const calls = sqliteTable(
  'calls',
  {
    id: text('id').primaryKey(),
    time: integer('time').notNull(),
    tenantId: text('tenant_id'),
    keyId: text('key_id'),
    /** `chat`, `embeddings`, `prompt` or `proxy`. */
    kind: text('kind').notNull(),
    model: text('model'),
    provider: text('provider'),
    upstreamModel: text('upstream_model'),
    promptName: text('prompt_name'),
    promptVersion: integer('prompt_version'),
    status: integer('status').notNull(),
    errorCode: text('error_code'),
    inputTokens: integer('input_tokens').notNull().default(0),
    cachedInputTokens: integer('cached_input_tokens').notNull().default(0),
    cacheWriteTokens: integer('cache_write_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    reasoningTokens: integer('reasoning_tokens').notNull().default(0),
    /** Nano-dollars; null when the model has no price (the call is flagged `costUnknown`). */
    costNanoUsd: integer('cost_nano_usd'),
    costUnknown: integer('cost_unknown', { mode: 'boolean' }).notNull().default(false),
    /** Token figures were counted by Tollgate (tiktoken) because the provider reported none. */
    estimated: integer('estimated', { mode: 'boolean' }).notNull().default(false),
    latencyMs: integer('latency_ms').notNull(),
    ttfbMs: integer('ttfb_ms'),
    streamed: integer('streamed', { mode: 'boolean' }).notNull().default(false),
    cacheHit: integer('cache_hit', { mode: 'boolean' }).notNull().default(false),
    /** The provider's own usage figures, as JSON. */
    usageRaw: text('usage_raw'),
    /** The inbound protocol the client spoke: `openai` (chat, embeddings...), `anthropic`, `gemini`, `responses`, `rest`... */
    protocol: text('protocol'),
    /** The caller's own end-user label (OpenAI `user`, Anthropic `metadata.user_id`), for chargeback. */
    endUser: text('end_user'),
    /** The caller's `x-tollgate-tags` as a JSON object of strings, for chargeback. */
    tags: text('tags'),
    /** The REST service of a proxied call. */
    service: text('service'),
    /** HTTP method of a proxied call. */
    method: text('method'),
    /** The route template of a proxied call (never the raw path, which may hold ids). */
    route: text('route'),
    /** Which target or deployment served the call (a REST target URL's origin, or `provider/model`). */
    target: text('target'),
    /** Upstream attempts made, retries and fallbacks included; 0 when none was made. */
    attempts: integer('attempts'),
    bytesIn: integer('bytes_in'),
    bytesOut: integer('bytes_out'),
  },
  (table) => [index('calls_tenant_time').on(table.tenantId, table.time), index('calls_key_time').on(table.keyId, table.time), index('calls_time').on(table.time)],
);

/** Totals per UTC day, tenant, key, model and prompt, maintained as ledger rows land. */
export const dailyRollups = sqliteTable(
  'daily_rollups',
  {
    day: text('day').notNull(),
    tenantId: text('tenant_id').notNull(),
    keyId: text('key_id').notNull(),
    model: text('model').notNull(),
    /** `name@version` for prompt API calls, '' otherwise. */
    prompt: text('prompt').notNull(),
    kind: text('kind').notNull(),
    requests: integer('requests').notNull().default(0),
    errors: integer('errors').notNull().default(0),
    inputTokens: integer('input_tokens').notNull().default(0),
    cachedInputTokens: integer('cached_input_tokens').notNull().default(0),
    cacheWriteTokens: integer('cache_write_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    reasoningTokens: integer('reasoning_tokens').notNull().default(0),
    costNanoUsd: integer('cost_nano_usd').notNull().default(0),
    unknownCostRequests: integer('unknown_cost_requests').notNull().default(0),
    estimatedRequests: integer('estimated_requests').notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.day, table.tenantId, table.keyId, table.model, table.prompt, table.kind] })],
);

/** Prompt versions published at runtime (`POST /admin/prompts`); immutable once written. */
export const promptVersions = sqliteTable(
  'prompt_versions',
  {
    name: text('name').notNull(),
    version: integer('version').notNull(),
    /** The whole prompt definition (`schemas/prompt-file.ts`) as JSON. */
    definition: text('definition', { mode: 'json' }).notNull(),
    ownerTenantId: text('owner_tenant_id'),
    deprecatedAt: integer('deprecated_at'),
    createdAt: integer('created_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.name, table.version] })],
);

/** A tenant's request to call another tenant's prompt, and the owner's decision. */
export const promptSubscriptions = sqliteTable(
  'prompt_subscriptions',
  {
    name: text('name').notNull(),
    tenantId: text('tenant_id').notNull(),
    /** `pending`, `approved` or `rejected`. */
    status: text('status').notNull(),
    requestedAt: integer('requested_at').notNull(),
    decidedAt: integer('decided_at'),
  },
  (table) => [primaryKey({ columns: [table.name, table.tenantId] })],
);

/**
 * Change counters: each names a kind of state the gateway caches in memory (`keys`: tenants and
 * API keys) and is bumped in the same transaction as every change to it, whichever process makes
 * it. A gateway that sees the database changed (`PRAGMA data_version`) reads one row to know
 * whether its cache is stale.
 */
export const changeCounters = sqliteTable('change_counters', {
  name: text('name').primaryKey(),
  version: integer('version').notNull().default(0),
});
