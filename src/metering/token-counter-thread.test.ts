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
