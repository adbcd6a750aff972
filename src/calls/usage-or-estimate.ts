/**
 * @module calls/usage-or-estimate
 * The provider's usage when it reported one; otherwise a tiktoken count of what was sent and what
 * was generated, flagged as estimated (client gone mid-stream, upstream died mid-stream, a server
 * that reports no usage). Counting runs in a worker thread, hence the promise; it is bounded in
 * time and falls back to an upper bound (see `metering/token-counter-thread.ts`).
 */
import { plausibleUsage } from '../../providers/shared/usage-checks.js';
import { emptyUsage, type NormalizedUsage } from '../../providers/types.js';
import { describeError } from '../errors/render-error.js';
import { logger } from '../logging/logger.js';
import { generatedTextFromChunks, tokenCounterThread, type GeneratedPart } from '../metering/index.js';

export interface EstimationSource {
  promptText: string;
  generated: Iterable<GeneratedPart>;
  /** `generated` is a sample of the output: its count is scaled by this (see `ForwardedSample`). */
  outputScale?: number;
}

/** Never rejects: a call must settle (ledger row, quota, concurrency slot) whatever the estimate ran into. */
export async function usageOrEstimate(reported: NormalizedUsage | null, source: () => EstimationSource): Promise<{ usage: NormalizedUsage; estimated: boolean }> {
  const usage = reported && plausibleUsage(reported);
  if (usage) return { usage, estimated: false };
  if (reported) warnImplausible(reported);
  try {
    const { promptText, generated, outputScale = 1 } = source();
    const estimate = await tokenCounterThread.estimateUsage({ promptText, outputText: generatedTextFromChunks(generated) });
    if (outputScale > 1) estimate.outputTokens = Math.round(estimate.outputTokens * outputScale);
    return { usage: estimate, estimated: true };
  } catch (error) {
    logger.error('a usage estimate failed; the call is recorded with no tokens', { error: describeError(error) });
    return { usage: emptyUsage(), estimated: true };
  }
}

let lastWarnedAt = 0;

/** An upstream that reports nonsense usually does so on every call: said once a minute. */
function warnImplausible(usage: NormalizedUsage): void {
  if (Date.now() - lastWarnedAt < 60_000) return;
  lastWarnedAt = Date.now();
  const { raw: _raw, ...buckets } = usage;
  logger.warn('upstream reported usage that is not a plausible token count; counted instead', { usage: JSON.stringify(buckets).slice(0, 300) });
}
