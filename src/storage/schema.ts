/**
 * @module storage/schema
 * The database tables (drizzle, SQLite). Times are integer milliseconds since the epoch; money is
 * integer nano-dollars (1e-9 USD), exact in a JS number up to about 9 million dollars per value.
 * Migrations in `drizzle/` are generated from this file with `npm run db:generate`.
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { latencyBucketCount } from '../ledger/latency-histogram.js';

export const tenants = sqliteTable('tenants', {
  id: text('id').primaryKey(),
  /** Quota limits as JSON (`QuotaLimits`); absent windows are unlimited. */
  quotas: text('quotas', { mode: 'json' }).$type<Record<string, number>>().notNull().default(sql`'{}'`),
  /** Public model names this tenant may use; null means every model. */
  models: text('models', { mode: 'json' }).$type<string[] | null>(),
  /** REST services this tenant may call; null means every service. */
  services: text('services', { mode: 'json' }).$type<string[] | null>(),
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
 * The audit trail: every administrative change and every refused authentication. Append-only: the
 * gateway only inserts, and triggers (migration `audit_append_only`) refuse UPDATE and DELETE.
 */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    time: integer('time').notNull(),
    /** `operator` (admin or operator key), `tenant` (a tenant key), `cli`, `config`, `anonymous`. */
    actorKind: text('actor_kind').notNull(),
    /** The key id (`admin-key` for TOLLGATE_ADMIN_KEY), the OS user of the CLI, or a refused key's first characters. */
    actor: text('actor'),
    /** What happened: `tenant.create`, `key.revoke`, `auth.refused`, ... */
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    /** Where from: the client's address, or `cli@<host>`. */
    source: text('source'),
    /** JSON snapshots of the target before and after the change. */
    before: text('before'),
    after: text('after'),
    /** JSON: method, path, status, reason, forwarded-for, counts... */
    detail: text('detail'),
  },
  (table) => [index('audit_time').on(table.time), index('audit_action').on(table.action, table.id), index('audit_actor').on(table.actor, table.id), index('audit_target').on(table.targetId, table.id)],
);

/**
 * Usage figures summed per rollup key. Money is nano-USD; `estimated_cost_nano_usd` is the part of
 * `cost_nano_usd` whose tokens Tollgate counted itself (see `calls.estimated`).
 */
function usageFigures() {
  return {
    requests: integer('requests').notNull().default(0),
    errors: integer('errors').notNull().default(0),
    inputTokens: integer('input_tokens').notNull().default(0),
    cachedInputTokens: integer('cached_input_tokens').notNull().default(0),
    cacheWriteTokens: integer('cache_write_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    reasoningTokens: integer('reasoning_tokens').notNull().default(0),
    costNanoUsd: integer('cost_nano_usd').notNull().default(0),
    estimatedCostNanoUsd: integer('estimated_cost_nano_usd').notNull().default(0),
    unknownCostRequests: integer('unknown_cost_requests').notNull().default(0),
    estimatedRequests: integer('estimated_requests').notNull().default(0),
  };
}

/**
 * Hourly rollups at four levels of detail (src/ledger/rollup-levels.ts): a report reads the
 * narrowest one that holds every dimension it groups or filters by. `hour` is the epoch ms of the
 * UTC hour's start; text dimensions hold '' for "none".
 */
export const usageHourlyTenant = sqliteTable(
  'usage_hourly_tenant',
  { hour: integer('hour').notNull(), tenantId: text('tenant_id').notNull(), ...usageFigures() },
  (table) => [primaryKey({ columns: [table.hour, table.tenantId] })],
);

/** Usage per hour and model, across tenants: cost and tokens by model for everyone, in few rows. */
export const usageHourlyModel = sqliteTable(
  'usage_hourly_model',
  {
    hour: integer('hour').notNull(),
    model: text('model').notNull(),
    provider: text('provider').notNull(),
    kind: text('kind').notNull(),
    service: text('service').notNull(),
    ...usageFigures(),
  },
  (table) => [primaryKey({ columns: [table.hour, table.model, table.provider, table.kind, table.service] })],
);

export const usageHourly = sqliteTable(
  'usage_hourly',
  {
    hour: integer('hour').notNull(),
    tenantId: text('tenant_id').notNull(),
    keyId: text('key_id').notNull(),
    model: text('model').notNull(),
    provider: text('provider').notNull(),
    prompt: text('prompt').notNull(),
    kind: text('kind').notNull(),
    service: text('service').notNull(),
    ...usageFigures(),
  },
  (table) => [
    primaryKey({ columns: [table.hour, table.tenantId, table.keyId, table.model, table.provider, table.prompt, table.kind, table.service] }),
    index('usage_hourly_tenant_hour').on(table.tenantId, table.hour),
  ],
);

/** The chargeback level: also the caller's end user and tags (canonical JSON, keys sorted). */
export const usageHourlyLabels = sqliteTable(
  'usage_hourly_labels',
  {
    hour: integer('hour').notNull(),
    tenantId: text('tenant_id').notNull(),
    keyId: text('key_id').notNull(),
    model: text('model').notNull(),
    provider: text('provider').notNull(),
    prompt: text('prompt').notNull(),
    kind: text('kind').notNull(),
    service: text('service').notNull(),
    endUser: text('end_user').notNull(),
    tags: text('tags').notNull(),
    ...usageFigures(),
  },
  (table) => [
    primaryKey({
      columns: [table.hour, table.tenantId, table.keyId, table.model, table.provider, table.prompt, table.kind, table.service, table.endUser, table.tags],
    }),
    index('usage_hourly_labels_tenant_hour').on(table.tenantId, table.hour),
  ],
);

function histogramColumns(prefix: string) {
  const columns: Record<string, ReturnType<typeof integer>> = {};
  for (let index = 0; index < latencyBucketCount; index++) {
    columns[`${prefix}${index}`] = integer(`${prefix}${index}`).notNull().default(0);
  }
  return columns as Record<`${typeof prefix}${number}`, ReturnType<ReturnType<typeof integer>['notNull']>>;
}

/**
 * Performance per hour, tenant, model, provider, service and kind: request and error counts and
 * fixed-bucket histograms (src/ledger/latency-histogram.ts) of latency (`lat_b*`, successful
 * calls) and time to first token (`ttft_b*`, streamed calls).
 */
export const perfHourly = sqliteTable(
  'perf_hourly',
  {
    hour: integer('hour').notNull(),
    tenantId: text('tenant_id').notNull(),
    model: text('model').notNull(),
    provider: text('provider').notNull(),
    service: text('service').notNull(),
    kind: text('kind').notNull(),
    requests: integer('requests').notNull().default(0),
    errors: integer('errors').notNull().default(0),
    serverErrors: integer('server_errors').notNull().default(0),
    latencyCount: integer('latency_count').notNull().default(0),
    latencyMsSum: integer('latency_ms_sum').notNull().default(0),
    ttftCount: integer('ttft_count').notNull().default(0),
    ttftMsSum: integer('ttft_ms_sum').notNull().default(0),
    ...histogramColumns('lat_b'),
    ...histogramColumns('ttft_b'),
  },
  (table) => [primaryKey({ columns: [table.hour, table.tenantId, table.model, table.provider, table.service, table.kind] })],
);

/**
 * Alerts: budget thresholds crossed and spend spikes. `dedupe_key` is unique — one alert per
 * threshold per period (or per spike hour) — so when several gateways check at once, exactly one
 * insert succeeds and only its gateway sends the webhook. Delivery is claimed with a lease
 * (`lease_until`), so a retry is made by one gateway, and by another if that one died.
 */
export const alerts = sqliteTable(
  'alerts',
  {
    id: text('id').primaryKey(),
    dedupeKey: text('dedupe_key').notNull(),
    /** `budget_threshold` or `spend_spike`. */
    kind: text('kind').notNull(),
    tenantId: text('tenant_id').notNull(),
    keyId: text('key_id'),
    /** The webhook payload, as sent. */
    payload: text('payload').notNull(),
    createdAt: integer('created_at').notNull(),
    /** `pending` (to send), `delivered`, `failed` (retries used up) or `recorded` (no webhook configured). */
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at'),
    leaseUntil: integer('lease_until'),
    deliveredAt: integer('delivered_at'),
    lastError: text('last_error'),
  },
  (table) => [
    uniqueIndex('alerts_dedupe_key').on(table.dedupeKey),
    index('alerts_created').on(table.createdAt),
    index('alerts_due').on(table.status, table.nextAttemptAt),
  ],
);

/**
 * Dashboard sign-ins. The browser holds only a random token in an HttpOnly cookie; this table
 * holds its hash and who signed in (a key id, or for the admin key from the environment, a hash
 * of that key, so rotating it ends its sessions). Every gateway process reads the same table.
 */
export const dashboardSessions = sqliteTable(
  'dashboard_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    /** The key that signed in; null for the admin key from the environment. */
    keyId: text('key_id'),
    /** For the environment's admin key: `sha256:` of it. */
    adminKeyHash: text('admin_key_hash'),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (table) => [index('dashboard_sessions_expires').on(table.expiresAt)],
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
