/**
 * @module calls/usage-or-estimate
 * The provider's usage when it reported one; otherwise a tiktoken count of what was sent and what
 * was generated, flagged as estimated (client gone mid-stream, upstream died mid-stream, a server
 * that reports no usage). Counting runs in a worker thread, hence the promise.
 */
import type { NormalizedUsage } from '../../providers/types.js';
import { generatedTextFromChunks, tokenCounterThread, type GeneratedPart } from '../metering/index.js';

export interface EstimationSource {
  promptText: string;
  generated: Iterable<GeneratedPart>;
}

export async function usageOrEstimate(usage: NormalizedUsage | null, source: () => EstimationSource): Promise<{ usage: NormalizedUsage; estimated: boolean }> {
  if (usage) return { usage, estimated: false };
  const { promptText, generated } = source();
  return { usage: await tokenCounterThread.estimateUsage({ promptText, outputText: generatedTextFromChunks(generated) }), estimated: true };
}
