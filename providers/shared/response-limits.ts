/**
 * @module providers/shared/response-limits
 * How much an upstream may send back. An upstream is a remote server Tollgate does not control: a
 * misconfigured proxy, a compromised host or a bug can answer with gigabytes, and a non-streamed
 * answer is held in memory whole (a 64 MB JSON answer cost ~320 MB of RSS once parsed). Each
 * limit is enforced while the bytes arrive, so an oversized answer is refused after reading at
 * most the limit, never after buffering all of it.
 *
 * - `maxResponseBytes`: a non-streamed answer (chat completion or embeddings), in bytes.
 * - `maxStreamBytes`: a whole streamed answer, in bytes: streams are not buffered, so this bounds
 *   time and bandwidth spent on a runaway upstream rather than memory.
 * - `maxEventBytes`: one server-sent event (the only part of a stream held in memory), measured in
 *   characters of its decoded text — one per byte for the ASCII JSON providers send.
 *
 * Set globally under `upstream:` and per provider (the provider's own value wins).
 */
export interface ResponseLimits {
  maxResponseBytes: number;
  maxStreamBytes: number;
  maxEventBytes: number;
}

const mebibyte = 1024 * 1024;

/**
 * 48 MiB holds the largest embeddings answer OpenAI serves in base64 (2,048 inputs of 3,072
 * dimensions: ~34 MB); chat answers are far smaller. 128 MiB of stream is ~500k tokens of chunks.
 */
export const defaultResponseLimits: Readonly<ResponseLimits> = Object.freeze({
  maxResponseBytes: 48 * mebibyte,
  maxStreamBytes: 128 * mebibyte,
  maxEventBytes: 8 * mebibyte,
});

/** A provider's limits: its own settings, else the defaults (the gateway fills in the global ones first). */
export function responseLimitsOf(config: Partial<ResponseLimits>): ResponseLimits {
  return {
    maxResponseBytes: config.maxResponseBytes ?? defaultResponseLimits.maxResponseBytes,
    maxStreamBytes: config.maxStreamBytes ?? defaultResponseLimits.maxStreamBytes,
    maxEventBytes: config.maxEventBytes ?? defaultResponseLimits.maxEventBytes,
  };
}

/** A provider's configuration with the gateway-wide limits filled in where it sets none. */
export function withDefaultLimits<T extends Partial<ResponseLimits>>(config: T, defaults: Partial<ResponseLimits>): T {
  return {
    ...config,
    maxResponseBytes: config.maxResponseBytes ?? defaults.maxResponseBytes,
    maxStreamBytes: config.maxStreamBytes ?? defaults.maxStreamBytes,
    maxEventBytes: config.maxEventBytes ?? defaults.maxEventBytes,
  };
}
