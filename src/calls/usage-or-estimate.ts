/**
 * @module calls/usage-or-estimate
 * The provider's usage when it reported one; otherwise a tiktoken count of what was sent and what
 * was generated, flagged as estimated (client gone mid-stream, upstream died mid-stream, a server
 * that reports no usage). Counting runs in a worker thread, hence the promise; it is bounded in
 * time and falls back to an upper bound (see `metering/token-counter-thread.ts`).
 */
import { emptyUsage, type NormalizedUsage } from '../../providers/types.js';
import { describeError } from '../errors/render-error.js';
import { logger } from '../logging/logger.js';
import { generatedTextFromChunks, tokenCounterThread, type GeneratedPart } from '../metering/index.js';

export interface EstimationSource {
  promptText: string;
  generated: Iterable<GeneratedPart>;
}

/** Never rejects: a call must settle (ledger row, quota, concurrency slot) whatever the estimate ran into. */
export async function usageOrEstimate(usage: NormalizedUsage | null, source: () => EstimationSource): Promise<{ usage: NormalizedUsage; estimated: boolean }> {
  if (usage) return { usage, estimated: false };
  try {
    const { promptText, generated } = source();
    return { usage: await tokenCounterThread.estimateUsage({ promptText, outputText: generatedTextFromChunks(generated) }), estimated: true };
  } catch (error) {
    logger.error('a usage estimate failed; the call is recorded with no tokens', { error: describeError(error) });
    return { usage: emptyUsage(), estimated: true };
  }
}
