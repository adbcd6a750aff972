/**
 * @module metering/count-tokens
 * Real token counts with tiktoken's `o200k_base` (the encoding of gpt-4o and later OpenAI models),
 * for when a provider reported no usage: the client went away, or the upstream died mid-stream.
 * For other providers' models it is an estimate of their own tokenizer's count, usually within a
 * few percent for English, further off for other scripts. Counting is bounded in time whatever
 * the text (see `bounded-count.ts`).
 *
 * tiktoken is WebAssembly. The encoder is built once, on first use, and kept: building it takes
 * about 0.5–0.75 s of blocked CPU and ~65 MB of memory (measured on Node 20), which is why the
 * gateway counts in a worker thread (`token-counter-thread.ts`) that starts on demand, never on
 * its request path. Counting then runs at roughly 1–1.5 million tokens a second.
 */
import { createRequire } from 'node:module';
import type { Tiktoken } from 'tiktoken';
import type { NormalizedUsage } from '../../providers/types.js';
import { boundedCountSource } from './bounded-count.js';

const require = createRequire(import.meta.url);
let encoder: Tiktoken | undefined;

type CountBounded = (encoder: Tiktoken, text: string, deadline: number) => number;
/** The same source the counter thread evaluates, so both count alike. */
const countBounded = new Function(`return ${boundedCountSource}`)() as CountBounded;

function tokenizer(): Tiktoken {
  // Loaded on demand so that processes which never count (CLI commands, tests) skip the WASM.
  encoder ??= (require('tiktoken') as typeof import('tiktoken')).get_encoding('o200k_base');
  return encoder;
}

/** Builds the encoder now, so the first count inside a request does not pay for it. */
export function warmUpTokenizer(): void {
  tokenizer();
}

/** Tokens of `text` in o200k_base. Special-token strings such as `<|endoftext|>` count as plain text. */
export function countTokens(text: string): number {
  if (text.length === 0) return 0;
  return countBounded(tokenizer(), text, Number.POSITIVE_INFINITY);
}

/**
 * Usage counted by Tollgate: the prompt as input, the generated text as output. Cache and
 * reasoning buckets are zero: hidden reasoning and cache hits cannot be seen from outside.
 */
export function estimateUsage({ promptText, outputText }: { promptText: string; outputText: string }): NormalizedUsage {
  return {
    inputTokens: countTokens(promptText),
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: countTokens(outputText),
    reasoningTokens: 0,
  };
}
