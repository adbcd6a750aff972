import { describe, expect, it } from 'vitest';
import { pullStream } from './pull-stream.js';

/** Parts that are all in memory already, like a burst from one upstream read; logs each request for one. */
function burst(parts: string[], log: string[]): AsyncIterable<string> {
  return {
    [Symbol.asyncIterator]() {
      let index = 0;
      return {
        next: async () => {
          log.push(`next ${index}`);
          return index < parts.length ? { done: false, value: parts[index++] } : { done: true, value: undefined };
        },
      };
    },
  };
}

const handlers = {
  encode: (part: string) => part,
  end: () => '[end]',
  fail: () => '[failed]',
  cancel: () => undefined,
};

describe('pullStream', () => {
  it('writes every part, then the closing text', async () => {
    const log: string[] = [];
    const text = await new Response(pullStream(burst(['a', 'b', 'c'], log), handlers)).text();
    expect(text).toBe('abc[end]');
  });

  it('lets a process.nextTick run between the first part and the next, so a corked socket sends the first byte before a burst is translated', async () => {
    const log: string[] = [];
    const reader = pullStream(burst(['first', 'second', 'third'], log), handlers).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('first');
    // Node uncorks a chunked response in a nextTick: it must run before the second part is even asked for.
    process.nextTick(() => log.push('nextTick after the first part'));
    const second = reader.read();
    await second;
    expect(log.indexOf('nextTick after the first part')).toBeGreaterThan(-1);
    expect(log.indexOf('nextTick after the first part')).toBeLessThan(log.indexOf('next 1'));
    // After the first byte the rest of a burst goes on without pausing.
    log.push('third read');
    await reader.read();
    expect(log.slice(log.indexOf('third read'))).toEqual(['third read', 'next 2']);
  });
});
