/**
 * @module schemas/config
 * The configuration file's contract. Strict everywhere: an unknown key is an error that names its
 * path, because a misspelt `timeoutMS` silently ignored is worse than a refusal to start.
 */
import { z } from 'zod';
import { usdPerMillionToPicoPerToken, usdToNano } from '../src/metering/decimal.js';
import { healthConfigSchema, logsConfigSchema, metricsConfigSchema } from './observability-config.js';
import { defaultMaxJsonDepth, maxJsonDepthCeiling, maxQuotaCount } from './limits.js';
import { alertsSchema } from './alerts-config.js';
import { servicesSchema } from './services-config.js';
import { balanceSchema } from './balance.js';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const headerMap = z.record(z.string(), z.string());

const directModels = z
  .union([z.boolean(), z.array(z.string().min(1))])
  .default(false)
  .describe('allow requests to name `provider/model` directly: true for any model, or a list');

/** Caps on what an upstream may send back (see providers/shared/response-limits.ts). */
const responseLimitFields = {
  /** A non-streamed answer (chat or embeddings), in bytes; larger answers are refused with 502. */
  maxResponseBytes: z.number().int().positive().optional(),
  /** A whole streamed answer, in bytes. */
  maxStreamBytes: z.number().int().positive().optional(),
  /** One server-sent event of a stream, in bytes (characters). */
  maxEventBytes: z.number().int().positive().optional(),
};

/** Fields every HTTP provider accepts. */
const httpProviderFields = {
  baseURL: httpUrl,
  apiKey: z.string().min(1).optional(),
  headers: headerMap.default({}),
  timeoutMs: z.number().int().positive().default(600_000),
  maxConnections: z.number().int().positive().default(256),
  directModels,
  ...responseLimitFields,
};

export const openAIProviderSchema = z.strictObject({
  type: z.enum(['openai', 'openai-compatible']),
  ...httpProviderFields,
});

export const azureOpenAIProviderSchema = z.strictObject({
  type: z.literal('azure-openai'),
  ...httpProviderFields,
  apiKey: z.string().min(1),
  apiVersion: z.string().min(1),
});

export const anthropicProviderSchema = z.strictObject({
  type: z.literal('anthropic'),
  ...httpProviderFields,
  baseURL: httpUrl.default('https://api.anthropic.com'),
  apiKey: z.string().min(1),
  /** Anthropic requires max_tokens; used when the client sends none. */
  defaultMaxTokens: z.number().int().positive().default(4096),
});

export const geminiProviderSchema = z.strictObject({
  type: z.literal('gemini'),
  ...httpProviderFields,
  baseURL: httpUrl.default('https://generativelanguage.googleapis.com'),
  apiKey: z.string().min(1),
  apiVersion: z.string().default('v1beta'),
});

export const mockProviderSchema = z.strictObject({
  type: z.literal('mock'),
  /** Delay before the first byte of every answer. */
  latencyMs: z.number().int().min(0).default(0),
  /** Delay between streamed chunks. */
  chunkDelayMs: z.number().int().min(0).default(0),
  /** How many content chunks a streamed answer is cut into (at most one per word). */
  chunks: z.number().int().min(1).default(8),
  /** Fixed prompt token count to report; by default, counted from the request (about 4 chars a token). */
  promptTokens: z.number().int().min(0).optional(),
  /** Length of generated text, in tokens (words), for models other than `echo`. */
  completionTokens: z.number().int().min(1).default(16),
  directModels,
});

export const providerConfigSchema = z.discriminatedUnion('type', [
  openAIProviderSchema,
  azureOpenAIProviderSchema,
  anthropicProviderSchema,
  geminiProviderSchema,
  mockProviderSchema,
]);

/** A non-negative decimal amount of USD, as a YAML number or a string ("0.075"), parsed exactly later. */
const usdAmount = z.union([z.number().min(0), z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal number of USD')]);

/** Accepts the amount only if it converts exactly to the integer unit it is enforced in. */
function convertsExactly(convert: (value: number | string) => number) {
  return (value: number | string) => {
    try {
      convert(value);
      return true;
    } catch {
      return false;
    }
  };
}
/** Money limits: whole nano-dollars, at most about 9 million USD. */
const usdLimit = usdAmount.refine(convertsExactly(usdToNano), 'must be a USD amount with at most 9 decimals and below 9,007,199 USD');
/** Prices per million tokens: whole pico-dollars per token, i.e. at most 6 decimals. */
const usdPerMillion = usdAmount.refine(convertsExactly(usdPerMillionToPicoPerToken), 'must be USD per million tokens with at most 6 decimals');
const isoDate = z.iso.date().or(z.iso.datetime({ offset: true }));

/** USD per million tokens. Unset cached/cache-write/reasoning rates fall back to input/input/output. */
export const priceSchema = z.strictObject({
  input: usdPerMillion,
  cachedInput: usdPerMillion.optional(),
  cacheWrite: usdPerMillion.optional(),
  output: usdPerMillion,
  reasoning: usdPerMillion.optional(),
  /** The day (or instant) from which this price applies; earlier calls keep their price. */
  effectiveFrom: isoDate.optional(),
});

/** One deployment of a public model: a provider, its own name for the model, a share of traffic and optionally its own price. */
export const deploymentSchema = z.strictObject({
  provider: z.string().min(1),
  model: z.string().min(1),
  /** Share of traffic for `weighted` balancing (1 when omitted). */
  weight: z.number().int().min(1).max(1000).optional(),
  /** This deployment's price, when it differs from the model's (`price`) or the built-in one. */
  price: z.union([priceSchema, z.array(priceSchema).min(1)]).optional(),
});

const modelFields = {
  /** A group of one: the provider and its own name for the model... */
  provider: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  /** ...or several deployments of the same public model, balanced, retried and failed over among. */
  deployments: z.array(deploymentSchema).min(1).max(32).optional(),
  /** How a deployment is picked (see docs/router.md). */
  balance: balanceSchema.default('weighted'),
  /** Further attempts on other deployments after a 429, 5xx, timeout or connection failure; by default each deployment once. */
  retries: z.strictObject({ attempts: z.number().int().min(0).max(10) }).optional(),
  /** Bounds on an upstream attempt (first byte), the whole call and the silence within a stream. */
  timeouts: z
    .strictObject({
      firstByteMs: z.number().int().positive().max(3_600_000).optional(),
      totalMs: z.number().int().positive().max(3_600_000).optional(),
      idleMs: z.number().int().positive().max(3_600_000).optional(),
    })
    .optional(),
  /** Public models tried in order when every deployment failed with 429, 5xx, a timeout or no connection (never after a 400). */
  fallbacks: z.array(z.string().min(1)).max(8).optional(),
  /** The public model tried when a deployment says the prompt is longer than its context window. */
  contextFallback: z.string().min(1).optional(),
  /** Shown by `/v1/models` as `owned_by`; the provider's name by default. */
  ownedBy: z.string().optional(),
  /** Overrides the built-in price; a list gives a price history with `effectiveFrom` dates. */
  price: z.union([priceSchema, z.array(priceSchema).min(1)]).optional(),
  /** The worst-case output reserved against quotas when a request sets no max_tokens. */
  maxOutputTokens: z.number().int().positive().optional(),
  /** Cache this model's answers (true) or never (false), whatever `cache.enabled` says. */
  cache: z.boolean().optional(),
  /** Prices of image, audio and moderation models, in USD per unit; overrides the built-in ones. */
  unitPrice: z
    .strictObject({
      perImage: usdLimit.optional(),
      perSecond: usdLimit.optional(),
      perCharacter: usdLimit.optional(),
    })
    .optional(),
};

export const modelConfigSchema = z.strictObject(modelFields).superRefine((model, context) => {
  const plain = model.provider !== undefined || model.model !== undefined;
  if (plain === (model.deployments !== undefined)) {
    context.addIssue({ code: 'custom', message: 'give either `provider` and `model`, or `deployments`' });
  } else if (plain && (model.provider === undefined || model.model === undefined)) {
    context.addIssue({ code: 'custom', message: 'give both `provider` and `model`' });
  }
});

/** Request, token and concurrency limits: whole numbers up to `maxQuotaCount`, so every counter sum stays exact. */
const quotaCount = z.number().int().positive().max(maxQuotaCount);

export const quotaLimitsSchema = z.strictObject({
  requestsPerMinute: quotaCount.optional(),
  tokensPerMinute: quotaCount.optional(),
  tokensPerDay: quotaCount.optional(),
  costPerDayUsd: usdLimit.optional(),
  costPerMonthUsd: usdLimit.optional(),
  concurrentRequests: quotaCount.optional(),
});

const keyScopesSchema = z.strictObject({
  models: z.array(z.string().min(1)).optional(),
  prompts: z.array(z.string().min(1)).optional(),
  services: z.array(z.string().min(1)).optional(),
  /** Extra rights, e.g. `prompts:publish`. */
  permissions: z.array(z.string().min(1)).optional(),
});

const keyMaterial = {
  name: z.string().min(1).max(100),
  /** The key itself (usually `${ENV_VAR}`), hashed at start-up... */
  key: z.string().min(16, 'keys must be at least 16 characters').optional(),
  /** ...or only its hash, `sha256:<64 hex digits>`, so the file holds no secret. */
  hash: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256:<64 lowercase hex digits>').optional(),
};

function exactlyOneOfKeyOrHash(entry: { key?: string; hash?: string }, context: z.RefinementCtx): void {
  if ((entry.key === undefined) === (entry.hash === undefined)) {
    context.addIssue({ code: 'custom', message: 'give exactly one of `key` or `hash`' });
  }
}

export const tenantKeySchema = z
  .strictObject({
    ...keyMaterial,
    scopes: keyScopesSchema.optional(),
    quotas: quotaLimitsSchema.optional(),
    expiresAt: isoDate.optional(),
  })
  .superRefine(exactlyOneOfKeyOrHash);

export const operatorSchema = z
  .strictObject({ ...keyMaterial, role: z.enum(['finance', 'admin']) })
  .superRefine(exactlyOneOfKeyOrHash);

const timeZone = z.string().refine((zone) => {
  // UTC needs no check, and skipping the formatter keeps ICU's zone data out of memory (quotas/windows.ts).
  if (zone === 'UTC') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as UTC or Europe/Berlin');

export const tenantSchema = z.strictObject({
  keys: z.array(tenantKeySchema).default([]),
  quotas: quotaLimitsSchema.default({}),
  /** Public model names this tenant may call; omitted means every model. */
  models: z.array(z.string().min(1)).optional(),
  /** REST services (`services:`) this tenant may call; omitted means every service. */
  services: z.array(z.string().min(1)).optional(),
  /** Calendar windows (cost per day and month, tokens per day) follow this zone. */
  timeZone: timeZone.default('UTC'),
  /** Calls to models without a price: `reject` (default when the tenant has a cost quota) or `allow`. */
  unpricedModels: z.enum(['reject', 'allow']).optional(),
  /** false: this tenant's bodies are never captured, whatever `logs.bodyCapture` says. */
  allowBodyCapture: z.boolean().default(true),
});

export const storageSchema = z.strictObject({
  /** The database file; a relative path is relative to the configuration file's folder. */
  sqlite: z.string().min(1).default('./data/tollgate.db'),
  /**
   * A PostgreSQL URL (`postgres://user:pass@host:5432/db`, usually `${DATABASE_URL}`): the ledger,
   * its rollups and the usage reports live there, shared by every instance. Omitted: SQLite only.
   */
  postgres: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /**
   * The ledger's outage spool on PostgreSQL: rows the database could not take are appended here and
   * replayed in order once it answers; default `<sqlite>.ledger-spool`.
   */
  ledgerSpool: z.string().min(1).optional(),
  /** Raw ledger rows older than this are deleted (daily rollups are kept); omitted keeps them forever. */
  retentionDays: z.number().int().positive().optional(),
  /** The ledger writes batches at least this often... */
  ledgerFlushMs: z.number().int().positive().default(200),
  /** ...or as soon as this many rows wait. */
  ledgerBatchSize: z.number().int().positive().default(500),
  /**
   * The folder of the crash journal, where each ledger row is appended before its call is
   * answered and from which rows are replayed after a crash; default `<sqlite>.ledger-journal`;
   * false turns it off (a killed process then loses the rows of its last moments).
   */
  ledgerJournal: z.union([z.string().min(1), z.literal(false)]).optional(),
});

const redisUrl = z.string().max(2_048).regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL');

export const redisSchema = z
  .strictObject({
    /** One Redis server (or a proxy in front of several). */
    url: redisUrl.optional(),
    /**
     * A Redis Cluster, by the URLs of some of its nodes (any masters or replicas: the rest are found
     * from them). Credentials and TLS come from the first URL. Exactly one of `url` and `cluster`.
     */
    cluster: z.array(redisUrl).min(1).max(64).optional(),
    /** Braces would move keys off their tenant's hash slot (see docs/quotas.md), so they are refused. */
    keyPrefix: z.string().max(200).regex(/^[^{}]*$/, 'must not contain { or }: they would change which cluster slot a key lands in').default('tollgate:'),
    /**
     * Once-per-cluster jobs (alert checks, retention) run on the instance holding the job's lease
     * in Redis; a holder that dies is replaced after this long.
     */
    jobLeaseMs: z.number().int().min(1_000).max(600_000).default(15_000),
    /**
     * How long a quota command (a reservation, a settlement) may wait for Redis's answer before it
     * fails and `onUnavailable` decides; the idempotency and cache connection waits twice this.
     * Short, so a stalled Redis cannot hold requests; raise it where Redis or the host is slow
     * under load, so that answers arriving late are not counted as an outage.
     */
    commandTimeoutMs: z.number().int().min(100).max(60_000).default(500),
    /** What quotas do while Redis cannot be reached, for request/token limits and for money. */
    onUnavailable: z
      .strictObject({
        rateLimits: z.enum(['failOpen', 'failClosed']).default('failOpen'),
        money: z.enum(['failOpen', 'failClosed']).default('failClosed'),
      })
      .default({ rateLimits: 'failOpen', money: 'failClosed' }),
  })
  .refine((redis) => (redis.url === undefined) !== (redis.cluster === undefined), {
    message: 'give either `url` (one Redis server) or `cluster` (the URLs of Redis Cluster nodes), not both and not neither',
  });

export const promptsSchema = z.strictObject({
  /** Prompt template files (one YAML file per prompt version); a relative path is relative to the configuration file's folder. */
  folder: z.string().min(1).default('./prompts'),
  /** Reload the files when they change, without a restart. */
  watch: z.boolean().default(true),
});

export const meteringSchema = z.strictObject({
  /** Worst-case output reserved when neither the request nor the model sets a maximum. */
  defaultMaxOutputTokens: z.number().int().positive().default(4096),
});

/** Responses kept for `previous_response_id` and `GET /v1/responses/{id}` (in process memory). */
export const responsesSchema = z.strictObject({
  /** A stored response is forgotten this long after it was written. */
  ttlSeconds: z.number().int().positive().max(30 * 24 * 3600).default(24 * 3600),
  /** Per tenant: the oldest responses are forgotten first beyond this many... */
  maxEntriesPerTenant: z.number().int().positive().default(1000),
  /** ...or beyond this many bytes of stored JSON. */
  maxBytesPerTenant: z.number().int().positive().default(16 * 1024 * 1024),
});

/** `Idempotency-Key` on POST calls (see src/idempotency/): first answers kept per tenant and key. */
export const idempotencySchema = z.strictObject({
  /** A key's first answer is replayed for this long. */
  ttlSeconds: z.number().int().positive().max(7 * 24 * 3600).default(24 * 3600),
  /** Keys longer than this (characters) are refused with 400. */
  maxKeyLength: z.number().int().min(8).max(1024).default(255),
  /** A first answer larger than this is not kept: a repeat gets 409 instead of a replay. */
  maxAnswerBytes: z.number().int().positive().max(64 * 1024 * 1024).default(4 * 1024 * 1024),
  /** In process (no Redis): the oldest answers are forgotten beyond this many bytes in all. */
  maxBytes: z.number().int().positive().default(64 * 1024 * 1024),
  /** How long a repeat waits for a first request still running with the same key; then 409. */
  waitMs: z.number().int().positive().max(3_600_000).default(600_000),
});

/** The response cache (see src/cache/): exact-match LLM answers, and REST GET answers by HTTP caching rules. */
export const cacheSchema = z.strictObject({
  /** Keep exact-match chat answers (per tenant, model and normalised request) and serve repeats from them. */
  enabled: z.boolean().default(false),
  /** A kept chat answer is served for this long. */
  ttlSeconds: z.number().int().positive().max(30 * 24 * 3600).default(3600),
  /** In process (no Redis): least recently used answers are dropped beyond this many bytes in all. */
  maxBytes: z.number().int().positive().default(64 * 1024 * 1024),
  /** Answers larger than this are not kept. */
  maxEntryBytes: z.number().int().positive().max(64 * 1024 * 1024).default(1024 * 1024),
});

export const serverConfigSchema = z.strictObject({
  port: z.number().int().min(0).max(65_535).default(8787),
  host: z.string().default('0.0.0.0'),
  /** Requests with a larger body get 413. Images as data URLs make chat bodies large. */
  bodyLimitBytes: z.number().int().positive().default(20 * 1024 * 1024),
  /** On SIGTERM, how long in-flight requests may run before the process exits anyway. */
  shutdownGraceMs: z.number().int().min(0).default(30_000),
  /** The longest a client may take to send a whole request, headers and body; then 408. */
  bodyTimeoutMs: z.number().int().min(100).max(3_600_000).default(60_000),
  /** Request bodies nesting objects and arrays deeper than this get 400 (see `schemas/limits.ts`). */
  maxJsonDepth: z.number().int().min(8).max(maxJsonDepthCeiling).default(defaultMaxJsonDepth),
});

/** Gateway-wide defaults for every provider; a provider's own setting wins. */
export const upstreamSchema = z.strictObject(responseLimitFields);

/** The file's shape. Names that must refer to each other (a model's provider, a tenant's models) are checked in `src/config/check-references.ts`. */
export const configSchema = z
  .strictObject({
    server: serverConfigSchema.default(serverConfigSchema.parse({})),
    providers: z.record(z.string().regex(/^[a-zA-Z0-9_.-]+$/, 'provider names use letters, digits, _ . -'), providerConfigSchema),
    models: z.record(z.string().min(1), modelConfigSchema).default({}),
    tenants: z.record(z.string().regex(/^[a-zA-Z0-9_.-]{1,64}$/, 'tenant ids use letters, digits, _ . - (at most 64)'), tenantSchema).default({}),
    operators: z.array(operatorSchema).default([]),
    storage: storageSchema.default(storageSchema.parse({})),
    redis: redisSchema.optional(),
    metering: meteringSchema.default(meteringSchema.parse({})),
    prompts: promptsSchema.default(promptsSchema.parse({})),
    metrics: metricsConfigSchema.default(metricsConfigSchema.parse({})),
    logs: logsConfigSchema.default(logsConfigSchema.parse({})),
    health: healthConfigSchema.default(healthConfigSchema.parse({})),
    responses: responsesSchema.default(responsesSchema.parse({})),
    alerts: alertsSchema.default(alertsSchema.parse({})),
    upstream: upstreamSchema.default({}),
    idempotency: idempotencySchema.default(idempotencySchema.parse({})),
    cache: cacheSchema.default(cacheSchema.parse({})),
    /** REST services proxied at a mount path (schemas/services-config.ts). */
    services: servicesSchema,
  });

export type TollgateConfig = z.infer<typeof configSchema>;
export type TenantConfig = z.infer<typeof tenantSchema>;
export type TenantKeyConfig = z.infer<typeof tenantKeySchema>;
export type OperatorConfig = z.infer<typeof operatorSchema>;
export type QuotaLimitsConfig = z.infer<typeof quotaLimitsSchema>;
export type PriceConfig = z.infer<typeof priceSchema>;
export type RedisConfig = z.infer<typeof redisSchema>;
export type StorageConfig = z.infer<typeof storageSchema>;
export type ProviderConfig = z.infer<typeof providerConfigSchema>;
export type ModelConfig = z.infer<typeof modelConfigSchema>;
export type DeploymentConfig = z.infer<typeof deploymentSchema>;
export type IdempotencyConfig = z.infer<typeof idempotencySchema>;
export type CacheConfig = z.infer<typeof cacheSchema>;
export type MockProviderConfig = z.infer<typeof mockProviderSchema>;
export type OpenAIProviderConfig = z.infer<typeof openAIProviderSchema>;
export type AzureOpenAIProviderConfig = z.infer<typeof azureOpenAIProviderSchema>;
export type AnthropicProviderConfig = z.infer<typeof anthropicProviderSchema>;
export type GeminiProviderConfig = z.infer<typeof geminiProviderSchema>;
