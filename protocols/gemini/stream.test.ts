import { GoogleGenAI } from '@google/genai';
import { describe, expect, it } from 'vitest';
import type { ChatStreamPart } from '../../providers/types.js';
import { GatewayError } from '../../src/errors/gateway-error.js';
import { servePieces } from '../../test/helpers/pieces-server.js';
import { GeminiStreamEncoder } from './stream.js';

const chunk = (delta: Record<string, unknown>, finish: string | null = null): ChatStreamPart => ({
  type: 'chunk',
  chunk: { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish as any }] },
});

const parts: ChatStreamPart[] = [
  chunk({ role: 'assistant', content: '' }),
  chunk({ content: 'Grüße — 日本語 ' }),
  chunk({ content: 'and 🎉.' }),
  chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"' } }] }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: 'café"}' } }] }),
  chunk({}, 'tool_calls'),
  { type: 'usage', usage: { inputTokens: 7, cachedInputTokens: 3, cacheWriteTokens: 0, outputTokens: 9, reasoningTokens: 4 } },
];

function encode(list: ChatStreamPart[], failure?: GatewayError): string {
  const encoder = new GeminiStreamEncoder('public', 'sse');
  let text = '';
  for (const part of list) text += encoder.part(part) ?? '';
  return text + (failure ? encoder.error(failure) : encoder.end(': cost\r\n\r\n'));
}

describe('GeminiStreamEncoder', () => {
  it.each([1, 3, 7, 64])('survives %i-byte pieces, read by @google/genai', async (pieceBytes) => {
    const server = await servePieces(encode(parts), pieceBytes);
    try {
      const ai = new GoogleGenAI({ apiKey: 'unused', httpOptions: { baseUrl: server.url } });
      let text = '';
      const calls: unknown[] = [];
      let last: any;
      for await (const response of await ai.models.generateContentStream({ model: 'public', contents: 'hi' })) {
        text += response.text ?? '';
        calls.push(...(response.functionCalls ?? []));
        last = response;
      }
      expect(text).toBe('Grüße — 日本語 and 🎉.');
      expect(calls).toEqual([{ id: 'call_1', name: 'lookup', args: { q: 'café' } }]);
      expect(last.usageMetadata).toEqual({ promptTokenCount: 10, cachedContentTokenCount: 3, candidatesTokenCount: 9, thoughtsTokenCount: 4, totalTokenCount: 23 });
    } finally {
      await server.close();
    }
  });

  it('ends a failed stream with Google’s error object, which the SDK raises', async () => {
    const server = await servePieces(encode(parts.slice(0, 2), new GatewayError(503, 'overloaded')), 5);
    try {
      const ai = new GoogleGenAI({ apiKey: 'unused', httpOptions: { baseUrl: server.url } });
      const read = async () => {
        for await (const _ of await ai.models.generateContentStream({ model: 'public', contents: 'hi' }));
      };
      await expect(read()).rejects.toThrow(/overloaded/);
    } finally {
      await server.close();
    }
  });

  it('writes one JSON array without alt=sse', () => {
    const encoder = new GeminiStreamEncoder('public', 'json-array');
    let text = '';
    for (const part of parts) text += encoder.part(part) ?? '';
    text += encoder.end('');
    const events = JSON.parse(text);
    expect(events.at(-1).candidates[0].content.parts).toEqual([{ functionCall: { id: 'call_1', name: 'lookup', args: { q: 'café' } } }]);
  });
});
