/**
 * @module metering/tight-token-bound
 * A tighter worst case of a prompt's tokens, for when the cheap bound (one token per UTF-8 byte,
 * `estimate-tokens.ts`) would refuse a call: about four times the real count for English, which
 * turned away calls near a limit that would have fit. Each piece of text is counted with tiktoken
 * (`o200k_base`, in the counter thread, off the event loop) and scaled by a margin for the
 * provider's own tokenizer; a piece never counts more than its cheap bound.
 *
 * - OpenAI and Azure OpenAI: margin 1 — o200k_base is the tokenizer of gpt-4o and later.
 * - Anthropic, Gemini and OpenAI-compatible servers: margin 1.5. Claude's tokenizer spends up to
 *   about a third more tokens than o200k_base on the same text, Llama's and Gemini's about as
 *   many or fewer.
 * - The mock: its own rule, a token per 4 characters, with no tokenizer at all.
 *
 * At most `maxConcurrentCounts` counts run at once: under a flood of refused calls the rest keep
 * the cheap bound (and its 429) rather than queueing work on the counter thread.
 */
import type { PromptParts } from './estimate-tokens.js';
import { tokensPerTextPiece } from './estimate-tokens.js';
import { tokenCounterThread, type TokenCounterThread } from './token-counter-thread.js';

const maxConcurrentCounts = 4;
let countsInFlight = 0;

export function tokenizerMargin(providerType: string): number {
  return providerType === 'openai' || providerType === 'azure-openai' ? 1 : 1.5;
}

/** The mock counts a token per 4 characters (`providers/mock/answer.ts`). */
function mockTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** The tight bound, or undefined when too many counts are already running. */
export async function tightPromptTokenBound(
  parts: PromptParts,
  providerType: string,
  counter: Pick<TokenCounterThread, 'count'> = tokenCounterThread,
): Promise<number | undefined> {
  if (providerType === 'mock') return boundFrom(parts, (text) => mockTokens(text));
  if (countsInFlight >= maxConcurrentCounts) return undefined;
  countsInFlight++;
  try {
    const counts = await counter.count(parts.texts);
    const margin = tokenizerMargin(providerType);
    return boundFrom(parts, (_, index) => Math.ceil(counts[index] * margin));
  } finally {
    countsInFlight--;
  }
}

/** The fixed tokens plus, for each text, its estimate — never more than its cheap bound. */
function boundFrom(parts: PromptParts, estimate: (text: string, index: number) => number): number {
  let tokens = parts.fixedTokens;
  parts.texts.forEach((text, index) => {
    tokens += Math.min(Buffer.byteLength(text, 'utf8'), estimate(text, index)) + tokensPerTextPiece;
  });
  return tokens;
}
