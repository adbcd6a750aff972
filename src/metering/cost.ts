/**
 * @module metering/cost
 * What a call costs: each disjoint usage bucket times its own rate, summed exactly in pico-dollars
 * (plain integers while they are exact, BigInt beyond: no intermediate can lose a digit), then
 * rounded once to nano-dollars. Nothing is
 * counted twice because `NormalizedUsage` buckets never overlap (input excludes cache reads and
 * writes; output excludes reasoning).
 *
 * @example
 * // 1,000 input tokens of gpt-4o-mini at 150,000 pico-USD per token
 * costNanoUsd({ ...emptyUsage(), inputTokens: 1000 }, price); // 150_000 (0.000150000 USD)
 */
import type { NormalizedUsage } from '../../providers/types.js';
import type { ModelPrice, TokenRates } from './types.js';

const picoPerNano = 1000n;
const maxSafeNano = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * The call's cost in integer nano-dollars, rounded half up (0.5 nano and above rounds up). A
 * prompt longer than the price's long-context threshold puts every token at the long-context rates.
 */
export function costNanoUsd(usage: NormalizedUsage, price: ModelPrice): number {
  const promptTokens = usage.inputTokens + usage.cachedInputTokens + usage.cacheWriteTokens;
  const rates: TokenRates = price.longContext && promptTokens > price.longContext.aboveInputTokens ? price.longContext : price;
  const pico =
    bucketPico(usage.inputTokens, rates.input, 'inputTokens', 'input') +
    bucketPico(usage.cachedInputTokens, rates.cachedInput, 'cachedInputTokens', 'cachedInput') +
    bucketPico(usage.cacheWriteTokens, rates.cacheWrite, 'cacheWriteTokens', 'cacheWrite') +
    bucketPico(usage.outputTokens, rates.output, 'outputTokens', 'output') +
    bucketPico(usage.reasoningTokens, rates.reasoning, 'reasoningTokens', 'reasoning');
  if (pico <= maxExactPico) return roundedHalfUp(pico);
  const exact =
    BigInt(usage.inputTokens) * BigInt(rates.input) +
    BigInt(usage.cachedInputTokens) * BigInt(rates.cachedInput) +
    BigInt(usage.cacheWriteTokens) * BigInt(rates.cacheWrite) +
    BigInt(usage.outputTokens) * BigInt(rates.output) +
    BigInt(usage.reasoningTokens) * BigInt(rates.reasoning);
  return toSafeNumber((exact + picoPerNano / 2n) / picoPerNano);
}

/**
 * The most a call can cost before it is made, for quota reservation: every prompt token at the
 * dearest input rate (a cache write costs more than plain input at Anthropic) and every output
 * token at the dearer of output and reasoning — and, when the prompt may pass the long-context
 * threshold, the dearer of both tiers. Rounded up, so it is never below `costNanoUsd` of any usage
 * within these token counts; `Number.MAX_SAFE_INTEGER` when it is beyond that.
 */
export function worstCaseCostNanoUsd(promptTokens: number, maxOutputTokens: number, price: ModelPrice): number {
  const long = price.longContext && promptTokens > price.longContext.aboveInputTokens ? price.longContext : undefined;
  let promptRate = Math.max(price.input, price.cachedInput, price.cacheWrite);
  let outputRate = Math.max(price.output, price.reasoning);
  if (long) {
    promptRate = Math.max(promptRate, long.input, long.cachedInput, long.cacheWrite);
    outputRate = Math.max(outputRate, long.output, long.reasoning);
  }
  const pico = bucketPico(promptTokens, promptRate, 'promptTokens', 'input') + bucketPico(maxOutputTokens, outputRate, 'maxOutputTokens', 'output');
  if (pico <= maxExactPico) return roundedUp(pico);
  const exact = BigInt(promptTokens) * BigInt(promptRate) + BigInt(maxOutputTokens) * BigInt(outputRate);
  // A worst case beyond what a number holds exactly is still a worst case: it saturates (and no
  // money quota, at most 9,007,199 USD, can admit it) rather than failing the call's admission.
  const nano = (exact + picoPerNano - 1n) / picoPerNano;
  return nano > maxSafeNano ? Number.MAX_SAFE_INTEGER : Number(nano);
}

/**
 * Plain numbers are exact while every product and partial sum stays a safe integer: a sum of
 * non-negative terms at most this large had no term and no partial sum above it (a term beyond
 * 2^53 would have made the sum at least that), so the usual call never allocates a BigInt. The
 * headroom keeps the rounding's `+ 999` exact too; anything larger is summed again in BigInt.
 */
const maxExactPico = Number.MAX_SAFE_INTEGER - 1000;

/** tokens × rate in pico-dollars (rounded by floating point when beyond 2^53: such a sum is redone in BigInt). */
function bucketPico(tokens: number, rate: number, tokensName: string, rateName: string): number {
  if (!Number.isSafeInteger(tokens) || tokens < 0) throw new RangeError(`${tokensName} must be a non-negative integer, got ${tokens}`);
  if (!Number.isSafeInteger(rate) || rate < 0) throw new RangeError(`the ${rateName} rate must be a non-negative integer of pico-USD per token, got ${rate}`);
  return tokens * rate;
}

/** pico → nano, half up; exact: the remainder and the difference are integers below 2^53. */
function roundedHalfUp(pico: number): number {
  const shifted = pico + 500;
  return (shifted - (shifted % 1000)) / 1000;
}

/** pico → nano, up. */
function roundedUp(pico: number): number {
  const shifted = pico + 999;
  return (shifted - (shifted % 1000)) / 1000;
}

function toSafeNumber(nano: bigint): number {
  if (nano > maxSafeNano) throw new RangeError(`a cost of ${nano} nano-USD is beyond what a ledger row can hold`);
  return Number(nano);
}
