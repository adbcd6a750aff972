/**
 * @module providers/anthropic/usage
 * Anthropic usage → `NormalizedUsage`. Anthropic's buckets are already disjoint on the input side:
 * `input_tokens` excludes both cache reads and cache writes, so each maps to its own bucket. On
 * the output side `output_tokens` includes thinking, which newer API versions break out as
 * `output_tokens_details.thinking_tokens`; it is moved to `reasoningTokens` so the buckets stay
 * disjoint (OpenAI's `completion_tokens` adds them back).
 */
import type { NormalizedUsage } from '../types.js';

/** What Anthropic sends in `message.usage` and `message_delta.usage`: every field may be missing or null. */
export interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}

export function normalizeAnthropicUsage(usage: AnthropicUsage | null | undefined): NormalizedUsage {
  const output = usage?.output_tokens ?? 0;
  const reasoning = Math.min(output, usage?.output_tokens_details?.thinking_tokens ?? 0);
  return {
    inputTokens: usage?.input_tokens ?? 0,
    cachedInputTokens: usage?.cache_read_input_tokens ?? 0,
    cacheWriteTokens: usage?.cache_creation_input_tokens ?? 0,
    outputTokens: output - reasoning,
    reasoningTokens: reasoning,
    raw: usage ?? undefined,
  };
}

/**
 * A stream reports input usage in `message_start` and cumulative figures in `message_delta`. The
 * delta wins where it has a number (newer API versions repeat the input figures there, final);
 * otherwise the start's figure stands.
 */
export function mergeStreamUsage(start: AnthropicUsage | null | undefined, delta: AnthropicUsage | null | undefined): AnthropicUsage {
  if (!delta) return start ?? {};
  if (!start) return delta;
  const merged: Record<string, unknown> = { ...start };
  for (const [key, value] of Object.entries(delta)) {
    if (value != null) merged[key] = value;
  }
  return merged as AnthropicUsage;
}
