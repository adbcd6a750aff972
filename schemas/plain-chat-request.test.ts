import { describe, expect, it } from 'vitest';
import { chatCompletionRequestSchema } from './openai-chat.js';
import { plainChatRequest } from './plain-chat-request.js';

const plain = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'developer', content: '' },
    { role: 'user', content: 'Hello', name: 'ada' },
    { role: 'assistant', content: 'Hi.' },
  ],
  stream: true,
  stream_options: { include_usage: true },
  max_tokens: 64,
  max_completion_tokens: null,
  temperature: 0,
  top_p: 1,
  n: 2,
  user: 'end-user-1',
  presence_penalty: -2,
  frequency_penalty: 2,
  logprobs: false,
  parallel_tool_calls: true,
};

/** Requests the scan must leave to the schema: each differs from a plain one in one place. */
const notPlain: Array<[string, unknown]> = [
  ['not an object', [plain]],
  ['empty model', { ...plain, model: '' }],
  ['model not a string', { ...plain, model: 4 }],
  ['no messages', { ...plain, messages: [] }],
  ['messages not an array', { ...plain, messages: { role: 'user', content: 'x' } }],
  ['content parts', { ...plain, messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }] }],
  ['a tool message', { ...plain, messages: [{ role: 'tool', content: 'x', tool_call_id: 'call_1' }] }],
  ['an unknown role', { ...plain, messages: [{ role: 'robot', content: 'x' }] }],
  ['null content', { ...plain, messages: [{ role: 'assistant', content: null }] }],
  ['an extra message field', { ...plain, messages: [{ role: 'user', content: 'x', tool_calls: [] }] }],
  ['a name that is not a string', { ...plain, messages: [{ role: 'user', content: 'x', name: 1 }] }],
  ['tools', { ...plain, tools: [] }],
  ['an unknown field', { ...plain, metadata: {} }],
  ['a field named __proto__', JSON.parse('{"model":"m","messages":[{"role":"user","content":"x"}],"__proto__":{}}')],
  ['max_tokens zero', { ...plain, max_tokens: 0 }],
  ['max_tokens fractional', { ...plain, max_tokens: 1.5 }],
  ['max_tokens too large', { ...plain, max_tokens: 1_000_001 }],
  ['temperature above 2', { ...plain, temperature: 2.1 }],
  ['top_p as a string', { ...plain, top_p: '1' }],
  ['n zero', { ...plain, n: 0 }],
  ['user null', { ...plain, user: null }],
  ['stream as a string', { ...plain, stream: 'true' }],
  ['stream_options with another field', { ...plain, stream_options: { include_usage: true, extra: 1 } }],
  ['stream_options an array', { ...plain, stream_options: [] }],
  ['parallel_tool_calls null', { ...plain, parallel_tool_calls: null }],
];

describe('plainChatRequest', () => {
  it('vouches only for what the schema accepts, and returns the same data the schema would', () => {
    const minimal = { model: 'm', messages: [{ role: 'user', content: 'x' }] };
    for (const body of [plain, minimal, { ...minimal, stream: null, stream_options: {} }]) {
      const parsed = chatCompletionRequestSchema.parse(body);
      expect(plainChatRequest(body)).toEqual(parsed);
    }
  });

  it.each(notPlain)('leaves %s to the schema', (_name, body) => {
    expect(plainChatRequest(body)).toBeUndefined();
  });

  it('never vouches for a request the schema refuses', () => {
    for (const [, body] of notPlain) {
      if (!chatCompletionRequestSchema.safeParse(body).success) expect(plainChatRequest(body)).toBeUndefined();
    }
  });
});
