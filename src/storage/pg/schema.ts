/**
 * @module storage/pg/schema
 * The PostgreSQL twin of `storage/schema.ts`: the same tables, columns and keys, so one row means
 * the same thing in either database and `tollgate export`/`import` copy column for column. Times
 * are epoch milliseconds and money nano-dollars in `bigint` columns, read back as JS numbers
 * (exact up to 2^53, as in SQLite). Differences, each for a reason:
 * - `calls` is partitioned by month on `time` (the migration says so; drizzle-kit cannot), so its
 *   primary key is (id, time): a partitioned table's keys must hold the partition column. A
 *   request id is written with one time, so the key still makes every call count once.
 * - JSON columns are `jsonb`; flags are `boolean`.
 * Migrations in `drizzle/pg/` are generated from this file (`npm run db:generate:pg`).
 */
import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { latencyBucketCount } from '../../ledger/latency-histogram.js';

/** Epoch milliseconds, or an integer amount, read as a JS number. */
const long = (name: string) => bigint(name, { mode: 'number' });

export const tenants = pgTable('tenants', {
  id: text('id').primaryKey(),
  quotas: jsonb('quotas').$type<Record<string, number>>().notNull().default(sql`'{}'::jsonb`),
  models: jsonb('models').$type<string[] | null>(),
  services: jsonb('services').$type<string[] | null>(),
  timeZone: text('time_zone').notNull().default('UTC'),
  unpricedModels: text('unpriced_models'),
  allowBodyCapture: boolean('allow_body_capture').notNull().default(true),
  source: text('source').notNull().default('api'),
  createdAt: long('created_at').notNull(),
  updatedAt: long('updated_at').notNull(),
});

export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id'),
    name: text('name').notNull(),
    role: text('role').notNull().default('tenant'),
    hash: text('hash').notNull(),
    prefix: text('prefix').notNull(),
    scopes: jsonb('scopes').$type<Record<string, string[]>>().notNull().default(sql`'{}'::jsonb`),
    quotas: jsonb('quotas').$type<Record<string, number>>().notNull().default(sql`'{}'::jsonb`),
    expiresAt: long('expires_at'),
    revokedAt: long('revoked_at'),
    source: text('source').notNull().default('api'),
    createdAt: long('created_at').notNull(),
    updatedAt: long('updated_at').notNull(),
  },
  (table) => [uniqueIndex('api_keys_hash').on(table.hash), index('api_keys_tenant').on(table.tenantId)],
);

export const prices = pgTable(
  'prices',
  {
    model: text('model').notNull(),
    effectiveFrom: long('effective_from').notNull(),
    input: long('input').notNull(),
    cachedInput: long('cached_input'),
    cacheWrite: long('cache_write'),
    output: long('output').notNull(),
    reasoning: long('reasoning'),
    source: text('source').notNull(),
    createdAt: long('created_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.model, table.effectiveFrom] })],
);

/** One row per call: the ledger, partitioned by month of `time` (see the module header). */
export const calls = pgTable(
  'calls',
  {
    id: text('id').notNull(),
    time: long('time').notNull(),
    tenantId: text('tenant_id'),
    keyId: text('key_id'),
    kind: text('kind').notNull(),
    model: text('model'),
    provider: text('provider'),
    upstreamModel: text('upstream_model'),
    promptName: text('prompt_name'),
    promptVersion: integer('prompt_version'),
    status: integer('status').notNull(),
    errorCode: text('error_code'),
    inputTokens: long('input_tokens').notNull().default(0),
    cachedInputTokens: long('cached_input_tokens').notNull().default(0),
    cacheWriteTokens: long('cache_write_tokens').notNull().default(0),
    outputTokens: long('output_tokens').notNull().default(0),
    reasoningTokens: long('reasoning_tokens').notNull().default(0),
    costNanoUsd: long('cost_nano_usd'),
    costUnknown: boolean('cost_unknown').notNull().default(false),
    estimated: boolean('estimated').notNull().default(false),
    latencyMs: long('latency_ms').notNull(),
    ttfbMs: long('ttfb_ms'),
    streamed: boolean('streamed').notNull().default(false),
    cacheHit: boolean('cache_hit').notNull().default(false),
    usageRaw: text('usage_raw'),
    protocol: text('protocol'),
    endUser: text('end_user'),
    tags: text('tags'),
    service: text('service'),
    method: text('method'),
    route: text('route'),
    target: text('target'),
    attempts: integer('attempts'),
    bytesIn: long('bytes_in'),
    bytesOut: long('bytes_out'),
  },
  (table) => [
    primaryKey({ columns: [table.id, table.time] }),
    index('calls_tenant_time').on(table.tenantId, table.time),
    index('calls_key_time').on(table.keyId, table.time),
    index('calls_time').on(table.time),
  ],
);

function usageFigures() {
  return {
    requests: long('requests').notNull().default(0),
    errors: long('errors').notNull().default(0),
    inputTokens: long('input_tokens').notNull().default(0),
    cachedInputTokens: long('cached_input_tokens').notNull().default(0),
    cacheWriteTokens: long('cache_write_tokens').notNull().default(0),
    outputTokens: long('output_tokens').notNull().default(0),
    reasoningTokens: long('reasoning_tokens').notNull().default(0),
    costNanoUsd: long('cost_nano_usd').notNull().default(0),
    estimatedCostNanoUsd: long('estimated_cost_nano_usd').notNull().default(0),
    unknownCostRequests: long('unknown_cost_requests').notNull().default(0),
    estimatedRequests: long('estimated_requests').notNull().default(0),
  };
}

export const dailyRollups = pgTable(
  'daily_rollups',
  {
    day: text('day').notNull(),
    tenantId: text('tenant_id').notNull(),
    keyId: text('key_id').notNull(),
    model: text('model').notNull(),
    prompt: text('prompt').notNull(),
    kind: text('kind').notNull(),
    requests: long('requests').notNull().default(0),
    errors: long('errors').notNull().default(0),
    inputTokens: long('input_tokens').notNull().default(0),
    cachedInputTokens: long('cached_input_tokens').notNull().default(0),
    cacheWriteTokens: long('cache_write_tokens').notNull().default(0),
    outputTokens: long('output_tokens').notNull().default(0),
    reasoningTokens: long('reasoning_tokens').notNull().default(0),
    costNanoUsd: long('cost_nano_usd').notNull().default(0),
    unknownCostRequests: long('unknown_cost_requests').notNull().default(0),
    estimatedRequests: long('estimated_requests').notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.day, table.tenantId, table.keyId, table.model, table.prompt, table.kind] })],
);

export const promptVersions = pgTable(
  'prompt_versions',
  {
    name: text('name').notNull(),
    version: integer('version').notNull(),
    definition: jsonb('definition').notNull(),
    ownerTenantId: text('owner_tenant_id'),
    deprecatedAt: long('deprecated_at'),
    createdAt: long('created_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.name, table.version] })],
);

export const promptSubscriptions = pgTable(
  'prompt_subscriptions',
  {
    name: text('name').notNull(),
    tenantId: text('tenant_id').notNull(),
    status: text('status').notNull(),
    requestedAt: long('requested_at').notNull(),
    decidedAt: long('decided_at'),
  },
  (table) => [primaryKey({ columns: [table.name, table.tenantId] })],
);

/** Append-only: triggers (migration `audit_append_only`) refuse UPDATE and DELETE. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    time: long('time').notNull(),
    actorKind: text('actor_kind').notNull(),
    actor: text('actor'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    source: text('source'),
    before: text('before'),
    after: text('after'),
    detail: text('detail'),
  },
  (table) => [index('audit_time').on(table.time), index('audit_action').on(table.action, table.id), index('audit_actor').on(table.actor, table.id), index('audit_target').on(table.targetId, table.id)],
);

export const usageHourlyTenant = pgTable(
  'usage_hourly_tenant',
  { hour: long('hour').notNull(), tenantId: text('tenant_id').notNull(), ...usageFigures() },
  (table) => [primaryKey({ columns: [table.hour, table.tenantId] })],
);

/** Usage per UTC day and tenant: a month's report by tenant reads days, not hours (see reports/usage-report-sql.ts). */
export const usageDailyTenant = pgTable(
  'usage_daily_tenant',
  { day: long('day').notNull(), tenantId: text('tenant_id').notNull(), ...usageFigures() },
  (table) => [primaryKey({ columns: [table.day, table.tenantId] })],
);

export const usageHourlyModel = pgTable(
  'usage_hourly_model',
  {
    hour: long('hour').notNull(),
    model: text('model').notNull(),
    provider: text('provider').notNull(),
    kind: text('kind').notNull(),
    service: text('service').notNull(),
    ...usageFigures(),
  },
  (table) => [primaryKey({ columns: [table.hour, table.model, table.provider, table.kind, table.service] })],
);

export const usageHourly = pgTable(
  'usage_hourly',
  {
    hour: long('hour').notNull(),
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

export const usageHourlyLabels = pgTable(
  'usage_hourly_labels',
  {
    hour: long('hour').notNull(),
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
  const columns: Record<string, ReturnType<ReturnType<ReturnType<typeof long>['notNull']>['default']>> = {};
  for (let index = 0; index < latencyBucketCount; index++) columns[`${prefix}${index}`] = long(`${prefix}${index}`).notNull().default(0);
  return columns;
}

export const perfHourly = pgTable(
  'perf_hourly',
  {
    hour: long('hour').notNull(),
    tenantId: text('tenant_id').notNull(),
    model: text('model').notNull(),
    provider: text('provider').notNull(),
    service: text('service').notNull(),
    kind: text('kind').notNull(),
    requests: long('requests').notNull().default(0),
    errors: long('errors').notNull().default(0),
    serverErrors: long('server_errors').notNull().default(0),
    latencyCount: long('latency_count').notNull().default(0),
    latencyMsSum: long('latency_ms_sum').notNull().default(0),
    ttftCount: long('ttft_count').notNull().default(0),
    ttftMsSum: long('ttft_ms_sum').notNull().default(0),
    ...histogramColumns('lat_b'),
    ...histogramColumns('ttft_b'),
  },
  (table) => [primaryKey({ columns: [table.hour, table.tenantId, table.model, table.provider, table.service, table.kind] })],
);

export const alerts = pgTable(
  'alerts',
  {
    id: text('id').primaryKey(),
    dedupeKey: text('dedupe_key').notNull(),
    kind: text('kind').notNull(),
    tenantId: text('tenant_id').notNull(),
    keyId: text('key_id'),
    payload: text('payload').notNull(),
    createdAt: long('created_at').notNull(),
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: long('next_attempt_at'),
    leaseUntil: long('lease_until'),
    deliveredAt: long('delivered_at'),
    lastError: text('last_error'),
  },
  (table) => [
    uniqueIndex('alerts_dedupe_key').on(table.dedupeKey),
    index('alerts_created').on(table.createdAt),
    index('alerts_due').on(table.status, table.nextAttemptAt),
  ],
);

export const dashboardSessions = pgTable(
  'dashboard_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    keyId: text('key_id'),
    adminKeyHash: text('admin_key_hash'),
    createdAt: long('created_at').notNull(),
    expiresAt: long('expires_at').notNull(),
  },
  (table) => [index('dashboard_sessions_expires').on(table.expiresAt)],
);

export const changeCounters = pgTable('change_counters', {
  name: text('name').primaryKey(),
  version: long('version').notNull().default(0),
});
