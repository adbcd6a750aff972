/**
 * @module schemas/limits
 * Every bound Tollgate puts on what a caller sends, in one place: the request schemas, the body
 * reader, the schema converters and the mock provider all read them from here, and the README's
 * "Limits" table lists them. Each one exists so that no request, however small, can make the
 * gateway do unbounded work (a stack overflow, an exponential expansion, an allocation of
 * gigabytes): a request over a limit gets a 400 that names it, never a stall or a 500.
 */

/** Nesting of a JSON request body (objects and arrays); `server.maxJsonDepth` may lower or raise it. */
export const defaultMaxJsonDepth = 64;
/**
 * The most `server.maxJsonDepth` may be set to, and the limit for JSON carried inside strings
 * (tool-call arguments, tool results, a prompt's JSON answer). Every recursive walk Tollgate does
 * over caller data (zod, Ajv, JSON.stringify, structuredClone, schema conversion) stays far below
 * the depth where V8's stack runs out (thousands of levels).
 */
export const maxJsonDepthCeiling = 256;

/** `max_tokens` / `max_completion_tokens`: well above the largest output any model offers today (128k). */
export const maxOutputTokensLimit = 1_000_000;
/** `n` (choices per request), as OpenAI allows. */
export const maxChoices = 128;
/** Tools per request, as OpenAI allows. */
export const maxTools = 128;
/** `dimensions` of an embedding: above every embedding model's largest (3,072 to 4,096 today). */
export const maxEmbeddingDimensions = 16_384;
/** Inputs of one embeddings request, as OpenAI allows. */
export const maxEmbeddingInputs = 2048;
/** A token id in an embeddings input (vocabularies are at most a few hundred thousand). */
export const maxTokenId = 2 ** 31 - 1;
/** `seed`: any integer a double holds exactly. */
export const maxSeedMagnitude = Number.MAX_SAFE_INTEGER;

/** Request, token and concurrency quotas (configuration and admin API): far above any real budget. */
export const maxQuotaCount = 1_000_000_000_000;

/**
 * Converting a JSON schema for a provider that takes no `$ref` (Gemini) inlines every reference:
 * a schema whose definitions refer to each other can double in size per level. The converted
 * schema may hold at most this many subschemas and be nested this deep.
 */
export const maxExpandedSchemaNodes = 5_000;
export const maxExpandedSchemaDepth = 64;

/**
 * Times a caller may name in a query (`from`, `to`, a cursor): 1970-01-01 up to the start of the
 * year 9999. Ledger times are epoch milliseconds, never negative; and a day after the last one a
 * JavaScript `Date` holds (year 275760) cannot be formatted, so an unbounded `to` would be a 500.
 */
export const earliestQueryTimeMs = 0;
export const latestQueryTimeMs = Date.UTC(9999, 0, 1);
