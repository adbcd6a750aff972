import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { ChatStreamPart } from '../../providers/types.js';
import { GatewayError } from '../../src/errors/gateway-error.js';
import { servePieces } from '../../test/helpers/pieces-server.js';
import { CompletionsStreamEncoder } from './stream.js';

const chunk = (delta: Record<string, unknown>, finish: string | null = null): ChatStreamPart => ({
  type: 'chunk',
  chunk: { id: 'chatcmpl-9', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish as any }] },
});

const parts: ChatStreamPart[] = [
  chunk({ role: 'assistant', content: '' }),
  chunk({ content: ' Grüße — 日本語' }),
  chunk({ content: ' 🎉' }),
  chunk({}, 'length'),
  { type: 'usage', usage: { inputTokens: 3, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 5, reasoningTokens: 0 } },
];

function encode(failure?: GatewayError): string {
  const encoder = new CompletionsStreamEncoder('Say:', true);
  let text = '';
  for (const part of failure ? parts.slice(0, 2) : parts) text += encoder.part(part) ?? '';
  return text + (failure ? encoder.error(failure) : encoder.end(': cost\n\n'));
}

describe('CompletionsStreamEncoder', () => {
  it.each([1, 3, 7, 64])('survives %i-byte pieces, read by the openai SDK', async (pieceBytes) => {
    const server = await servePieces(encode(), pieceBytes);
    try {
      const client = new OpenAI({ baseURL: server.url, apiKey: 'unused', maxRetries: 0 });
      let text = '';
      const finishes: unknown[] = [];
      let usage: unknown;
      for await (const completion of await client.completions.create({ model: 'm', prompt: 'Say:', stream: true })) {
        for (const choice of completion.choices) {
          text += choice.text;
          if (choice.finish_reason) finishes.push(choice.finish_reason);
        }
        if (completion.usage) usage = completion.usage;
        expect(completion.id).toBe('cmpl-9');
      }
      expect(text).toBe('Say: Grüße — 日本語 🎉');
      expect(finishes).toEqual(['length']);
      expect(usage).toEqual({ prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 });
    } finally {
      await server.close();
    }
  });

  it('ends a failed stream with an error event the SDK raises', async () => {
    const server = await servePieces(encode(new GatewayError(502, 'upstream died')), 4);
    try {
      const client = new OpenAI({ baseURL: server.url, apiKey: 'unused', maxRetries: 0 });
      const read = async () => {
        for await (const _ of await client.completions.create({ model: 'm', prompt: 'x', stream: true }));
      };
      await expect(read()).rejects.toThrow(/upstream died/);
    } finally {
      await server.close();
    }
  });
});
