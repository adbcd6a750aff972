import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import type { ChatStreamPart } from '../../providers/types.js';
import { GatewayError } from '../../src/errors/gateway-error.js';
import { servePieces } from '../../test/helpers/pieces-server.js';
import { AnthropicStreamEncoder } from './stream.js';

const chunk = (delta: Record<string, unknown>, finish: string | null = null): ChatStreamPart => ({
  type: 'chunk',
  chunk: { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish as any }] },
});

function encode(parts: ChatStreamPart[], failure?: GatewayError): string {
  const encoder = new AnthropicStreamEncoder('public-model');
  let text = '';
  for (const part of parts) text += encoder.part(part) ?? '';
  return text + (failure ? encoder.error(failure) : encoder.end(': x-tollgate-cost-usd: 0.000001000\n\n'));
}

const parts: ChatStreamPart[] = [
  chunk({ role: 'assistant', content: '' }),
  chunk({ reasoning_content: 'Thinking… 🤔' }),
  chunk({ content: 'Grüße aus Köln — 日本語 ' }),
  chunk({ content: 'and 🎉 emoji.' }),
  chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"' } }] }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: 'café"}' } }] }),
  chunk({}, 'tool_calls'),
  { type: 'usage', usage: { inputTokens: 7, cachedInputTokens: 3, cacheWriteTokens: 2, outputTokens: 9, reasoningTokens: 4 } },
];

describe('AnthropicStreamEncoder', () => {
  it.each([1, 2, 3, 5, 7, 64])('survives being cut into %i-byte pieces, read by the Anthropic SDK', async (pieceBytes) => {
    const server = await servePieces(encode(parts), pieceBytes);
    try {
      const client = new Anthropic({ baseURL: server.url, apiKey: 'unused', maxRetries: 0 });
      const final = await client.messages.stream({ model: 'x', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
      expect(final.content).toEqual([
        { type: 'thinking', thinking: 'Thinking… 🤔', signature: '' },
        { type: 'text', text: 'Grüße aus Köln — 日本語 and 🎉 emoji.' },
        { type: 'tool_use', id: 'call_1', name: 'lookup', input: { q: 'café' } },
      ]);
      expect(final.stop_reason).toBe('tool_use');
      // Cache reads and writes have their own fields; input_tokens excludes them; output includes reasoning.
      expect(final.usage).toMatchObject({ input_tokens: 7, cache_read_input_tokens: 3, cache_creation_input_tokens: 2, output_tokens: 13 });
    } finally {
      await server.close();
    }
  });

  it('ends a failed stream with an error event the SDK raises as an API error', async () => {
    const server = await servePieces(encode(parts.slice(0, 3), new GatewayError(429, 'slow down', { type: 'rate_limit_error' })), 4);
    try {
      const client = new Anthropic({ baseURL: server.url, apiKey: 'unused', maxRetries: 0 });
      const error: any = await client.messages.stream({ model: 'x', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }).finalMessage().catch((caught) => caught);
      expect(error.message).toContain('slow down');
      expect(error.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    } finally {
      await server.close();
    }
  });

  it('forwards native events as they came and adds only the cost comment', () => {
    const encoder = new AnthropicStreamEncoder('m');
    expect(encoder.part({ type: 'native', event: 'ping', data: '{"type": "ping"}' })).toBe('event: ping\ndata: {"type": "ping"}\n\n');
    expect(encoder.end(': cost\n\n')).toBe(': cost\n\n');
  });
});
