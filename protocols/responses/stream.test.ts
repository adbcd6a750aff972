import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { ChatStreamPart } from '../../providers/types.js';
import { expectResponseEventValid, expectSpecValid } from '../../test/helpers/openapi.js';
import { servePieces } from '../../test/helpers/pieces-server.js';
import type { ResponseObject } from './response.js';
import { responsesRequestSchema } from './schema.js';
import { ResponsesStreamEncoder } from './stream.js';

const chunk = (delta: Record<string, unknown>, finish: string | null = null): ChatStreamPart => ({
  type: 'chunk',
  chunk: { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish as any }] },
});

const parts: ChatStreamPart[] = [
  chunk({ role: 'assistant', content: '' }),
  chunk({ reasoning_content: 'Hmm… 🤔' }),
  chunk({ content: 'Grüße — 日本語 ' }),
  chunk({ content: 'and 🎉.' }),
  chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"' } }] }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: 'café"}' } }] }),
  chunk({}, 'tool_calls'),
  { type: 'usage', usage: { inputTokens: 7, cachedInputTokens: 3, cacheWriteTokens: 0, outputTokens: 9, reasoningTokens: 4 } },
];

function encode(onResponse: (response: ResponseObject) => void): string {
  const request = responsesRequestSchema.parse({ model: 'public', input: 'hi' });
  const encoder = new ResponsesStreamEncoder({ id: 'resp_1', createdAt: 1, publicModel: 'public', request }, onResponse);
  let text = '';
  for (const part of parts) text += encoder.part(part) ?? '';
  return text + encoder.end(': cost\n\n');
}

describe('ResponsesStreamEncoder', () => {
  it.each([1, 3, 7, 64])('survives %i-byte pieces, read by the openai SDK, every event valid', async (pieceBytes) => {
    let stored: ResponseObject | undefined;
    const server = await servePieces(encode((response) => (stored = response)), pieceBytes);
    try {
      const client = new OpenAI({ baseURL: server.url, apiKey: 'unused', maxRetries: 0 });
      const stream = client.responses.stream({ model: 'public', input: 'hi' });
      stream.on('event', (event) => expectResponseEventValid(event));
      const final = await stream.finalResponse();
      expectSpecValid('Response', final);
      expect(final.output_text).toBe('Grüße — 日本語 and 🎉.');
      expect(final.output.map((item) => item.type)).toEqual(['reasoning', 'message', 'function_call']);
      expect(final.output[2]).toMatchObject({ call_id: 'call_1', name: 'lookup', arguments: '{"q":"café"}' });
      expect(final.usage).toMatchObject({ input_tokens: 10, input_tokens_details: { cached_tokens: 3 }, output_tokens: 13, output_tokens_details: { reasoning_tokens: 4 } });
      expect(stored?.id).toBe('resp_1');
    } finally {
      await server.close();
    }
  });
});
