/**
 * @module providers/shared/openai-usage
 * Normalised usage ⇄ the OpenAI `usage` object. OpenAI's `prompt_tokens` includes cached and
 * cache-write tokens and `completion_tokens` includes reasoning tokens; the normalised buckets are
 * disjoint. These two functions are the only place that arithmetic lives.
 */
import type { CompletionUsage } from '../../schemas/openai-chat.js';
import type { NormalizedUsage } from '../types.js';

export function toOpenAIUsage(usage: NormalizedUsage): CompletionUsage {
  const promptTokens = usage.inputTokens + usage.cachedInputTokens + usage.cacheWriteTokens;
  const completionTokens = usage.outputTokens + usage.reasoningTokens;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedInputTokens, cache_write_tokens: usage.cacheWriteTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
  };
}

interface OpenAIWireUsage {
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  prompt_tokens_details?: { cached_tokens?: number | null; cache_write_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
}

export function fromOpenAIUsage(usage: OpenAIWireUsage): NormalizedUsage {
  const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
  const cacheWrite = usage.prompt_tokens_details?.cache_write_tokens ?? 0;
  const reasoning = usage.completion_tokens_details?.reasoning_tokens ?? 0;
  return {
    inputTokens: Math.max(0, (usage.prompt_tokens ?? 0) - cached - cacheWrite),
    cachedInputTokens: cached,
    cacheWriteTokens: cacheWrite,
    outputTokens: Math.max(0, (usage.completion_tokens ?? 0) - reasoning),
    reasoningTokens: reasoning,
    raw: usage,
  };
}
