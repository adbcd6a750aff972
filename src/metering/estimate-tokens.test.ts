import { createRequire } from 'node:module';
import type { Tiktoken } from 'tiktoken';
import { describe, expect, it } from 'vitest';
import type { ChatCompletionRequest } from '../../schemas/openai-chat.js';
import { countTokens } from './count-tokens.js';
import { chatPromptText, embeddingsTokenUpperBound, promptTokenUpperBound } from './estimate-tokens.js';

const cl100k: Tiktoken = (createRequire(import.meta.url)('tiktoken') as typeof import('tiktoken')).get_encoding('cl100k_base');

/** A seeded generator, so the "random" samples are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
}

function randomText(length: number, alphabet: (random: () => number) => string, seed = 1): string {
  const random = seeded(seed);
  let text = '';
  for (let index = 0; index < length; index++) text += alphabet(random);
  return text;
}

const samples: Record<string, string> = {
  english: 'The quick brown fox jumps over the lazy dog. Metering counts every token, and money is kept in integers. '.repeat(40),
  code: `export function costNanoUsd(usage: NormalizedUsage, price: ModelPrice): number {\n  const pico = BigInt(usage.inputTokens) * BigInt(price.input);\n  return Number((pico + 500n) / 1000n);\n}\n`.repeat(20),
  chinese: '我能吞下玻璃而不伤身体。计量每一个令牌，金额以整数保存。'.repeat(50),
  japanese: 'ガラスを食べられます。それは私を傷つけません。'.repeat(50),
  korean: '나는 유리를 먹을 수 있어요. 그래도 아프지 않아요.'.repeat(50),
  emoji: '🙂👍🏽👨‍👩‍👧‍👦🇩🇪🧑🏿‍🚀❤️‍🔥'.repeat(60),
  hex: randomText(3000, (random) => '0123456789abcdef'[Math.floor(random() * 16)]),
  base64: randomText(3000, (random) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'[Math.floor(random() * 64)]),
  'random ASCII': randomText(3000, (random) => String.fromCharCode(32 + Math.floor(random() * 95))),
  'random code points': randomText(1500, (random) => String.fromCodePoint(0x20 + Math.floor(random() * 0x2fff0)), 7),
  'special tokens': '<|endoftext|><|im_start|>user<|im_end|>'.repeat(30),
};

describe('promptTokenUpperBound', () => {
  for (const [name, text] of Object.entries(samples)) {
    it(`is never below the real count for ${name} text`, () => {
      const request: ChatCompletionRequest = { model: 'm', messages: [{ role: 'user', content: text }] };
      const bound = promptTokenUpperBound(request);
      // OpenAI's chat framing: 3 tokens a message and 3 to prime the reply.
      expect(bound).toBeGreaterThanOrEqual(countTokens(text) + 6);
      expect(bound).toBeGreaterThanOrEqual(cl100k.encode_ordinary(text).length + 6);
    });
  }

  it('is bytes plus fixed overheads for plain text', () => {
    expect(promptTokenUpperBound({ model: 'm', messages: [{ role: 'user', content: 'Hello' }] })).toBe(5 + 1 + 16 + 16);
    expect(promptTokenUpperBound({ model: 'm', messages: [{ role: 'user', content: 'é' }] })).toBe(2 + 1 + 16 + 16);
  });

  it('counts tool definitions, tool calls, names, the response schema, and an allowance per image', () => {
    const request: ChatCompletionRequest = {
      model: 'm',
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          name: 'ada',
          content: [
            { type: 'text', text: 'What is in this image, and the weather?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          ],
        },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '{"temperature":21}' },
      ],
      tools: [{ type: 'function', function: { name: 'weather', description: 'Current weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' } } },
    };
    const text = chatPromptText(request);
    for (const piece of ['Be brief.', 'ada', 'What is in this image', 'call_1', '{"city":"Paris"}', '{"temperature":21}', 'Current weather', '"answer"']) {
      expect(text).toContain(piece);
    }
    expect(text).not.toContain('base64');
    const bound = promptTokenUpperBound(request);
    const pieces = text.split('\n').length;
    expect(bound).toBe(16 + 4 * 16 + Buffer.byteLength(text) - (pieces - 1) + pieces + 4096 + 1024 + 256);
    expect(promptTokenUpperBound(request, { imageTokens: 85 })).toBe(bound - 4096 + 85);
  });

  it('allows audio by its length and files by their size', () => {
    const audio = 'A'.repeat(160_000); // 120 kB of audio: about 2.5 s of 16 kHz PCM, 40 s of 24 kbps Opus
    const request: ChatCompletionRequest = {
      model: 'm',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'input_audio', input_audio: { data: audio, format: 'wav' } },
            { type: 'file', file: { file_data: 'JVBERi0xLjQK', filename: 'a.pdf' } },
          ],
        },
      ],
    };
    expect(promptTokenUpperBound(request)).toBe(16 + 16 + (10_000 + 16) + (12 + 4096));
  });
});

describe('embeddingsTokenUpperBound', () => {
  it('counts bytes per string and token ids as given', () => {
    expect(embeddingsTokenUpperBound({ model: 'm', input: 'hello' })).toBe(6);
    expect(embeddingsTokenUpperBound({ model: 'm', input: ['hello', '我能'] })).toBe(6 + 7);
    expect(embeddingsTokenUpperBound({ model: 'm', input: [1, 2, 3] })).toBe(3);
    expect(embeddingsTokenUpperBound({ model: 'm', input: [[1, 2], [3]] })).toBe(3);
  });

  it('is never below the real count', () => {
    const inputs = Object.values(samples);
    const real = inputs.reduce((sum, text) => sum + countTokens(text), 0);
    expect(embeddingsTokenUpperBound({ model: 'm', input: inputs })).toBeGreaterThanOrEqual(real);
  });
});
