import { describe, expect, it } from 'vitest';
import { isJsonObjectText } from '../shared/json-object-check.js';
import { ChunkTemplate } from './chunk-template.js';
import { mayCarryUsageOrError } from './stream.js';

const head = '{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":';
const chunk = (contentJson: string, tail = ',"logprobs":null,"finish_reason":null}],"usage":null}') => `${head}${contentJson}}${tail}`;

/** What the full check decides: batched as a plain chunk, or not. */
const plain = (data: string) => !mayCarryUsageOrError(data) && isJsonObjectText(data);

describe('ChunkTemplate', () => {
  it('passes the next content chunks of the learned shape, and nothing before it has learned', () => {
    const template = new ChunkTemplate();
    expect(template.matches(chunk('"Hello"'))).toBe(false);
    template.learn(chunk('"Hello"'));
    for (const text of ['" world"', '""', '"\\n\\n"', '"caf\\u00e9 ☕ 👋"', '"a\\\\b\\/c\\t"']) expect(template.matches(chunk(text)), text).toBe(true);
    // Another shape: a role chunk, a finish chunk, usage.
    expect(template.matches(chunk('"x"', ',"logprobs":null,"finish_reason":"stop"}],"usage":null}'))).toBe(false);
    expect(template.matches(chunk('"x"', '}],"usage":{"prompt_tokens":1}}'))).toBe(false);
  });

  it('never passes what the full check would not pass as a plain chunk', () => {
    const template = new ChunkTemplate();
    template.learn(chunk('"Hello"'));
    const pieces = ['a', ' ', 'error', 'usage', '"', '\\"', '\\', '\\\\', '\\n', '\\u00e9', '\\u00g9', '\\x', '\u0001', '\n', '}', 'é', '"error"', '"usage":null', '\\"error', 'null'];
    let seed = 11;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const contents = [...pieces, ...Array.from({ length: 3000 }, () => Array.from({ length: 1 + Math.floor(random() * 4) }, () => pieces[Math.floor(random() * pieces.length)]).join(''))];
    let passed = 0;
    for (const content of contents) {
      const data = chunk(`"${content}"`);
      if (template.matches(data)) {
        passed++;
        expect(plain(data), data).toBe(true);
        expect(JSON.parse(data).choices[0].delta.content).toBeTypeOf('string');
      }
    }
    expect(passed).toBeGreaterThan(100);
  });

  it('is never learned from a chunk without content text', () => {
    const template = new ChunkTemplate();
    template.learn('{"id":"x","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}');
    expect(template.matches('{"id":"x","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}')).toBe(false);
  });
});
