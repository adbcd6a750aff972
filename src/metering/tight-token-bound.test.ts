import { describe, expect, it } from 'vitest';
import { chatPromptParts, embeddingsPromptParts, promptTokenUpperBound } from './estimate-tokens.js';
import { tightPromptTokenBound } from './tight-token-bound.js';
import { TokenCounterThread } from './token-counter-thread.js';

const request = (content: string) => ({ model: 'm', messages: [{ role: 'user' as const, content }] });

describe('the tight prompt token bound', () => {
  it('counts with o200k_base, exact for OpenAI and with a margin for other tokenizers', async () => {
    const counter = { count: async (texts: string[]) => texts.map((text) => text.split(' ').length) };
    const text = 'hello world '.repeat(1000).trim();
    const parts = chatPromptParts(request(text));
    // 16 per request + 16 per message, then 2,000 words and one token per text piece.
    expect(await tightPromptTokenBound(parts, 'openai', counter)).toBe(32 + 2000 + 1);
    expect(await tightPromptTokenBound(parts, 'anthropic', counter)).toBe(32 + 3000 + 1);
    expect(await tightPromptTokenBound(parts, 'openai-compatible', counter)).toBe(32 + 3000 + 1);
    // The mock's own rule, a token per 4 characters, needs no count at all.
    expect(await tightPromptTokenBound(parts, 'mock', { count: () => Promise.reject(new Error('not needed')) })).toBe(32 + Math.ceil(text.length / 4) + 1);
  });

  it('is never above the cheap bound, piece by piece', async () => {
    const counter = { count: async (texts: string[]) => texts.map((text) => text.length * 10) };
    const parts = chatPromptParts(request('日本語のテキスト'));
    expect(await tightPromptTokenBound(parts, 'gemini', counter)).toBe(promptTokenUpperBound(request('日本語のテキスト')));
  });

  it('bounds embeddings inputs: strings counted, token ids as given', async () => {
    const counter = { count: async (texts: string[]) => texts.map(() => 2) };
    const parts = embeddingsPromptParts({ model: 'm', input: ['one two', 'three four'] });
    expect(await tightPromptTokenBound(parts, 'openai', counter)).toBe(2 * (2 + 1));
    expect(embeddingsPromptParts({ model: 'm', input: [[1, 2, 3], [4]] })).toEqual({ fixedTokens: 4, texts: [] });
  });

  it('gives up (undefined) rather than queue when four counts are already running', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = { count: async (texts: string[]) => (await gate, texts.map(() => 1)) };
    const parts = chatPromptParts(request('x'));
    const running = Array.from({ length: 4 }, () => tightPromptTokenBound(parts, 'openai', slow));
    expect(await tightPromptTokenBound(parts, 'openai', slow)).toBeUndefined();
    release();
    expect(await Promise.all(running)).toEqual([34, 34, 34, 34]);
  });

  it('with the real tokenizer, is far below the byte bound for English and above the true count', async () => {
    const thread = new TokenCounterThread();
    try {
      const text = 'The quick brown fox jumps over the lazy dog. '.repeat(200);
      const parts = chatPromptParts(request(text));
      const tight = (await tightPromptTokenBound(parts, 'openai', thread))!;
      const [exact] = await thread.count([text]);
      expect(tight).toBeGreaterThanOrEqual(exact);
      expect(tight).toBeLessThan(promptTokenUpperBound(request(text)) / 3);
    } finally {
      await thread.close();
    }
  }, 20_000);
});
