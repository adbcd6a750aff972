import { afterAll, describe, expect, it } from 'vitest';
import { countTokens } from './count-tokens.js';
import { TokenCounterThread } from './token-counter-thread.js';

const counter = new TokenCounterThread();
afterAll(() => counter.close());

describe('TokenCounterThread', () => {
  it('counts in a worker thread exactly as tiktoken does in process', async () => {
    const texts = ['Hello, world!', 'Grüße 👋 日本語', ''];
    expect(await counter.count(texts)).toEqual(texts.map(countTokens));
    expect(await counter.estimateUsage({ promptText: 'hello there', outputText: 'general kenobi' })).toEqual({
      inputTokens: countTokens('hello there'),
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: countTokens('general kenobi'),
      reasoningTokens: 0,
    });
  });

  it('starts again after being closed', async () => {
    await counter.close();
    expect(await counter.count(['again'])).toEqual([countTokens('again')]);
  });
});

describe('TokenCounterThread on hostile text', () => {
  it('counts 1.2 MB of one unbroken run in bounded time', async () => {
    const run = 'a'.repeat(1_200_000);
    const started = performance.now();
    const [tokens] = await counter.count([run]);
    expect(performance.now() - started).toBeLessThan(8_000);
    // At least one token per 8 letters (what tiktoken gives a long run), at most one per 4.
    expect(tokens).toBeGreaterThanOrEqual(run.length / 8);
    expect(tokens).toBeLessThanOrEqual(run.length / 4);
  });

  it.each([' ', '\n', '\t', ' \n'])('counts 300 KB of one whitespace run (%j) instead of timing out', async (unit) => {
    const run = unit.repeat(300_000 / unit.length);
    const [tokens] = await counter.count([run]);
    expect(tokens).toBeGreaterThan(0);
    expect(tokens).toBeLessThanOrEqual(run.length);
  });

  it('counts the rest of a text as bytes past its budget, and falls back to bytes when the thread fails', async () => {
    const hurried = new TokenCounterThread({ countBudgetMs: 0 });
    try {
      await hurried.count(['warm up']);
      const text = 'word '.repeat(200_000);
      const [tokens] = await hurried.count([text]);
      expect(tokens).toBeGreaterThan(countTokens(text));
      expect(tokens).toBeLessThanOrEqual(Buffer.byteLength(text));
    } finally {
      await hurried.close();
    }
    const stuck = new TokenCounterThread({ countBudgetMs: 0, hardTimeoutMs: 0 });
    try {
      const usage = await stuck.estimateUsage({ promptText: 'héllo', outputText: 'x' });
      expect(usage).toMatchObject({ inputTokens: Buffer.byteLength('héllo'), outputTokens: 1 });
    } finally {
      await stuck.close();
    }
  });
});
