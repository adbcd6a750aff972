/**
 * @module providers/gemini/usage
 * Gemini's `usageMetadata` → disjoint normalised buckets.
 * https://ai.google.dev/api/generate-content#UsageMetadata
 *
 * - `promptTokenCount` already includes `cachedContentTokenCount`: input = prompt − cached.
 * - `toolUsePromptTokenCount` (what built-in tools such as code execution fed back to the model)
 *   is billed as input but is not part of `promptTokenCount`, so it is added to input.
 * - `candidatesTokenCount` excludes thinking; `thoughtsTokenCount` is reported beside it, so the
 *   two buckets are already disjoint (total = prompt + toolUse + candidates + thoughts).
 */
import type { NormalizedUsage } from '../types.js';

/** Lenient: every field may be missing (early stream events carry only the prompt count). */
export interface GeminiUsageMetadata {
  promptTokenCount?: number | null;
  cachedContentTokenCount?: number | null;
  candidatesTokenCount?: number | null;
  toolUsePromptTokenCount?: number | null;
  thoughtsTokenCount?: number | null;
  totalTokenCount?: number | null;
  [key: string]: unknown;
}

export function mapUsage(usage: GeminiUsageMetadata): NormalizedUsage {
  const prompt = usage.promptTokenCount ?? 0;
  const cached = Math.min(usage.cachedContentTokenCount ?? 0, prompt);
  return {
    inputTokens: prompt - cached + (usage.toolUsePromptTokenCount ?? 0),
    cachedInputTokens: cached,
    cacheWriteTokens: 0,
    outputTokens: usage.candidatesTokenCount ?? 0,
    reasoningTokens: usage.thoughtsTokenCount ?? 0,
    raw: usage,
  };
}
