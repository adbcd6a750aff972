import { describe, expect, it } from 'vitest';
import { mergeStreamUsage, normalizeAnthropicUsage } from './usage.js';

describe('normalizeAnthropicUsage', () => {
  it('maps each Anthropic bucket to its own, keeping the raw figures', () => {
    const raw = { input_tokens: 5, cache_read_input_tokens: 700, cache_creation_input_tokens: 90, output_tokens: 40 };
    expect(normalizeAnthropicUsage(raw)).toEqual({
      inputTokens: 5,
      cachedInputTokens: 700,
      cacheWriteTokens: 90,
      outputTokens: 40,
      reasoningTokens: 0,
      raw,
    });
  });

  it('moves thinking tokens out of the output bucket, never below zero', () => {
    expect(normalizeAnthropicUsage({ output_tokens: 40, output_tokens_details: { thinking_tokens: 25 } })).toMatchObject({
      outputTokens: 15,
      reasoningTokens: 25,
    });
    expect(normalizeAnthropicUsage({ output_tokens: 4, output_tokens_details: { thinking_tokens: 9 } })).toMatchObject({
      outputTokens: 0,
      reasoningTokens: 4,
    });
  });

  it('treats missing and null figures as zero', () => {
    expect(normalizeAnthropicUsage({ input_tokens: 3, cache_read_input_tokens: null })).toMatchObject({ inputTokens: 3, cachedInputTokens: 0 });
    expect(normalizeAnthropicUsage(undefined)).toMatchObject({ inputTokens: 0, outputTokens: 0 });
  });
});

describe('mergeStreamUsage', () => {
  it('takes the input figures from message_start and cumulative ones from message_delta where given', () => {
    const start = { input_tokens: 11, cache_read_input_tokens: 100, cache_creation_input_tokens: 0, output_tokens: 1 };
    expect(mergeStreamUsage(start, { output_tokens: 6 })).toEqual({ ...start, output_tokens: 6 });
    expect(mergeStreamUsage(start, { input_tokens: null, cache_creation_input_tokens: 20, output_tokens: 6 })).toEqual({
      ...start,
      cache_creation_input_tokens: 20,
      output_tokens: 6,
    });
    expect(mergeStreamUsage(undefined, { output_tokens: 2 })).toEqual({ output_tokens: 2 });
    expect(mergeStreamUsage(start, undefined)).toBe(start);
  });
});
