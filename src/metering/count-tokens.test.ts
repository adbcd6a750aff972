import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { conformancePath } from '../../test/helpers/conformance.js';
import { countTokens, estimateUsage, warmUpTokenizer } from './count-tokens.js';
import { generatedTextFromChunks } from './generated-text.js';

describe('countTokens (o200k_base)', () => {
  it('counts known strings', () => {
    warmUpTokenizer();
    expect(countTokens('')).toBe(0);
    expect(countTokens('hello world')).toBe(2);
    expect(countTokens('Hello, world!')).toBe(4);
    expect(countTokens('The quick brown fox jumps over the lazy dog.')).toBe(10);
    expect(countTokens('tiktoken is great!')).toBe(6);
    expect(countTokens('我能吞下玻璃而不伤身体。')).toBe(11);
  });

  it('reads special-token strings as plain text instead of throwing', () => {
    expect(countTokens('<|endoftext|>')).toBe(7);
  });
});

describe('estimateUsage', () => {
  it('counts the prompt as input and the generated text as output', () => {
    expect(estimateUsage({ promptText: 'hello world', outputText: 'Hello, world!' })).toEqual({
      inputTokens: 2,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 4,
      reasoningTokens: 0,
    });
  });

  it('comes to what OpenAI reported for a real gpt-4o stream', () => {
    const events = readFileSync(conformancePath('openai', 'openai-stream_works.sse'), 'utf8')
      .split('\n\n')
      .filter((event) => event.startsWith('data: '));
    const text = generatedTextFromChunks(events);
    const reported = JSON.parse(events.at(-2)!.slice('data: '.length)).usage.completion_tokens as number;
    expect(estimateUsage({ promptText: '', outputText: text }).outputTokens).toBe(reported);
  });
});
