import { describe, expect, it } from 'vitest';
import { toOpenAIUsage } from '../shared/openai-usage.js';
import { mapUsage } from './usage.js';

describe('mapUsage', () => {
  it('splits cached tokens out of the prompt and keeps thoughts apart from output', () => {
    const raw = { promptTokenCount: 1000, cachedContentTokenCount: 600, candidatesTokenCount: 50, thoughtsTokenCount: 200, totalTokenCount: 1250 };
    const usage = mapUsage(raw);
    expect(usage).toEqual({ inputTokens: 400, cachedInputTokens: 600, cacheWriteTokens: 0, outputTokens: 50, reasoningTokens: 200, raw });
    expect(toOpenAIUsage(usage)).toEqual({
      prompt_tokens: 1000,
      completion_tokens: 250,
      total_tokens: 1250,
      prompt_tokens_details: { cached_tokens: 600, cache_write_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 200 },
    });
  });

  it('counts tool-use prompt tokens as input, so totals still add up', () => {
    const raw = { promptTokenCount: 21, candidatesTokenCount: 126, toolUsePromptTokenCount: 243, thoughtsTokenCount: 95, totalTokenCount: 485 };
    expect(toOpenAIUsage(mapUsage(raw)).total_tokens).toBe(485);
  });

  it('treats missing counts as zero (early stream events)', () => {
    expect(mapUsage({ promptTokenCount: 7, totalTokenCount: 7 })).toMatchObject({ inputTokens: 7, outputTokens: 0, reasoningTokens: 0 });
    expect(mapUsage({})).toMatchObject({ inputTokens: 0, cachedInputTokens: 0 });
  });
});
