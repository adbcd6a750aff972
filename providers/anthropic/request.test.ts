import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chatCompletionRequestSchema, type ChatCompletionRequest } from '../../schemas/openai-chat.js';
import { GatewayError } from '../../src/errors/gateway-error.js';
import { acceptsSamplingParameters, toAnthropicRequest } from './request.js';
import { toChatCompletion } from './response.js';
import { conformancePath } from '../../test/helpers/conformance.js';

const options = { provider: 'claude', model: 'claude-opus-4-8', defaultMaxTokens: 4096 };

/** Goes through the public request schema first, as the route does. */
function convert(request: Record<string, unknown>, extra: Partial<typeof options> & { samplingParameters?: boolean } = {}) {
  const parsed: ChatCompletionRequest = chatCompletionRequestSchema.parse({ model: 'claude', ...request });
  return toAnthropicRequest(parsed, { ...options, ...extra });
}

function failure(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

const user = (content: unknown) => ({ role: 'user', content });

describe('toAnthropicRequest: basics', () => {
  it('maps a plain request, with the upstream model and the default max_tokens', () => {
    expect(convert({ messages: [user('Hi')] })).toEqual({ model: 'claude-opus-4-8', max_tokens: 4096, messages: [{ role: 'user', content: 'Hi' }] });
  });

  it('prefers max_completion_tokens, then max_tokens', () => {
    expect(convert({ messages: [user('Hi')], max_tokens: 10 }).max_tokens).toBe(10);
    expect(convert({ messages: [user('Hi')], max_tokens: 10, max_completion_tokens: 20 }).max_tokens).toBe(20);
  });

  it('maps stop (string or array), user and reasoning effort; ignores seed and penalties', () => {
    const body = convert({
      messages: [user('Hi')],
      stop: 'END',
      user: 'user-42',
      seed: 7,
      presence_penalty: 1,
      frequency_penalty: 1,
      reasoning_effort: 'minimal',
    });
    expect(body).toEqual({
      model: 'claude-opus-4-8',
      max_tokens: 4096,
      messages: [{ role: 'user', content: 'Hi' }],
      stop_sequences: ['END'],
      metadata: { user_id: 'user-42' },
      output_config: { effort: 'low' },
    });
    expect(convert({ messages: [user('Hi')], stop: ['a', 'b'] }).stop_sequences).toEqual(['a', 'b']);
    expect(convert({ messages: [user('Hi')], stop: [] }).stop_sequences).toBeUndefined();
    expect(convert({ messages: [user('Hi')], reasoning_effort: 'none' }).output_config).toBeUndefined();
  });

  it('drops temperature and top_p for API version 2026-10-21, which removed them', () => {
    const body = convert({ messages: [user('Hi')], temperature: 0.2, top_p: 0.9 });
    expect(body).not.toHaveProperty('temperature');
    expect(body).not.toHaveProperty('top_p');
  });

  it('forwards them, temperature clamped to 0–1, when the provider pins API version 2023-06-01', () => {
    expect(acceptsSamplingParameters({ 'Anthropic-Version': '2023-06-01' })).toBe(true);
    expect(acceptsSamplingParameters({})).toBe(false);
    const body = convert({ messages: [user('Hi')], temperature: 1.6, top_p: 0.9 }, { samplingParameters: true });
    expect(body).toMatchObject({ temperature: 1, top_p: 0.9 });
    expect(convert({ messages: [user('Hi')], temperature: 0.3 }, { samplingParameters: true }).temperature).toBe(0.3);
  });

  it('refuses n > 1 and logprobs with a typed 400', () => {
    expect(failure(() => convert({ messages: [user('Hi')], n: 2 }))).toMatchObject({
      status: 400,
      param: 'n',
      code: 'unsupported_parameter',
      message: expect.stringContaining('claude'),
    });
    expect(convert({ messages: [user('Hi')], n: 1 }).messages).toHaveLength(1);
    expect(failure(() => convert({ messages: [user('Hi')], logprobs: true }))).toMatchObject({ status: 400, param: 'logprobs' });
  });
});

describe('toAnthropicRequest: system, developer and turn order', () => {
  it('moves leading system and developer messages to `system` blocks', () => {
    const body = convert({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        user('Hi'),
      ],
    });
    expect(body.system).toEqual([
      { type: 'text', text: 'Be brief.' },
      { type: 'text', text: 'Answer in French.' },
    ]);
    expect(body.messages).toEqual([{ role: 'user', content: 'Hi' }]);
  });

  it('turns a later system message into a marked text block of a user turn, where it stood', () => {
    const body = convert({
      messages: [
        { role: 'system', content: 'Be brief.' },
        user('Hi'),
        { role: 'assistant', content: 'Hello!' },
        { role: 'system', content: 'From now on, answer in French.' },
        user('How are you?'),
      ],
    });
    expect(body.system).toEqual([{ type: 'text', text: 'Be brief.' }]);
    expect(body.messages).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!' },
      {
        role: 'user',
        content: [
          { type: 'text', text: '<system_instruction>\nFrom now on, answer in French.\n</system_instruction>' },
          { type: 'text', text: 'How are you?' },
        ],
      },
    ]);
  });

  it('merges consecutive same-role messages and drops empty text', () => {
    const body = convert({
      messages: [user('one'), user([{ type: 'text', text: 'two' }, { type: 'text', text: '' }]), { role: 'assistant', content: 'a' }, { role: 'assistant', content: 'b' }, user('')],
    });
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
    ]);
  });

  it('refuses a conversation with no user or assistant message', () => {
    expect(failure(() => convert({ messages: [{ role: 'system', content: 'x' }] }))).toMatchObject({ status: 400, param: 'messages' });
  });

  it('refuses the deprecated function role', () => {
    expect(failure(() => convert({ messages: [user('Hi'), { role: 'function', name: 'f', content: '1' }] }))).toMatchObject({
      status: 400,
      param: 'messages[1].role',
    });
  });
});

describe('toAnthropicRequest: tools', () => {
  const weather = { type: 'function', function: { name: 'get_weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };

  it('maps tools, defaulting the input schema', () => {
    const body = convert({ messages: [user('Hi')], tools: [weather, { type: 'function', function: { name: 'now' } }] });
    expect(body.tools).toEqual([
      { name: 'get_weather', description: 'Weather by city', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
      { name: 'now', input_schema: { type: 'object', properties: {} } },
    ]);
    expect(body.tool_choice).toBeUndefined();
  });

  it.each([
    ['auto', undefined, { type: 'auto' }],
    ['required', undefined, { type: 'any' }],
    ['none', undefined, { type: 'none' }],
    [{ type: 'function', function: { name: 'get_weather' } }, undefined, { type: 'tool', name: 'get_weather' }],
    ['required', false, { type: 'any', disable_parallel_tool_use: true }],
    [undefined, false, { type: 'auto', disable_parallel_tool_use: true }],
    [undefined, true, undefined],
  ])('maps tool_choice %j with parallel_tool_calls %j', (toolChoice, parallel, expected) => {
    const body = convert({ messages: [user('Hi')], tools: [weather], tool_choice: toolChoice, parallel_tool_calls: parallel });
    expect(body.tool_choice).toEqual(expected);
  });

  it('puts every tool result after one assistant turn into one user message, first', () => {
    const body = convert({
      messages: [
        user('Weather in Paris and Oslo?'),
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '9°C' }] },
        user('Thanks; and tomorrow?'),
      ],
    });
    expect(body.messages).toEqual([
      { role: 'user', content: 'Weather in Paris and Oslo?' },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_2', name: 'get_weather', input: { city: 'Oslo' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: '18°C' },
          { type: 'tool_result', tool_use_id: 'call_2', content: [{ type: 'text', text: '9°C' }] },
          { type: 'text', text: 'Thanks; and tomorrow?' },
        ],
      },
    ]);
  });

  it('answers 400 naming the param when tool call arguments are not a JSON object', () => {
    const messages = (args: string) => [
      user('x'),
      { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: args } }] },
      { role: 'tool', tool_call_id: 'c', content: 'r' },
    ];
    expect(failure(() => convert({ messages: messages('{oops') }))).toMatchObject({
      status: 400,
      param: 'messages[1].tool_calls[0].function.arguments',
      message: expect.stringContaining('not valid JSON'),
    });
    expect(failure(() => convert({ messages: messages('[1]') }))).toMatchObject({ status: 400, message: expect.stringContaining('JSON object') });
    expect((convert({ messages: messages('') }).messages[1].content as any[])[0].input).toEqual({});
  });

  it('rebuilds the recorded follow-up request from the recorded tool_use answer (ToolRunner.json)', () => {
    const pairs = JSON.parse(readFileSync(conformancePath('anthropic/ToolRunner.json'), 'utf8'));
    const [first, second] = [pairs[2], pairs[3]];
    const completion = toChatCompletion(first.response, undefined);
    const toolCalls = completion.choices[0].message.tool_calls ?? [];
    const body = convert({
      messages: [
        user(first.body.messages[0].content),
        completion.choices[0].message,
        { role: 'tool', tool_call_id: toolCalls[0].id, content: 'Called with 1' },
        { role: 'tool', tool_call_id: toolCalls[1].id, content: 'Called with 2' },
      ],
    });
    expect(body.messages).toEqual(second.body.messages);
  });
});

describe('toAnthropicRequest: content parts', () => {
  it('maps data URL images to base64 sources and http(s) URLs to url sources', () => {
    const body = convert({
      messages: [
        user([
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          { type: 'image_url', image_url: { url: 'data:image/jpg;base64,/9j/4AAQ' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.webp', detail: 'high' } },
        ]),
      ],
    });
    expect(body.messages[0].content).toEqual([
      { type: 'text', text: 'What is this?' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.webp' } },
    ]);
  });

  it('refuses image types Anthropic cannot read, non-base64 data URLs and other schemes', () => {
    const image = (url: string) => ({ messages: [user([{ type: 'image_url', image_url: { url } }])] });
    expect(failure(() => convert(image('data:image/bmp;base64,Qk0=')))).toMatchObject({
      status: 400,
      param: 'messages[0].content[0].image_url.url',
      code: 'unsupported_image_type',
      message: expect.stringContaining('image/bmp'),
    });
    expect(failure(() => convert(image('data:image/png,rawbytes')))).toMatchObject({ status: 400 });
    expect(failure(() => convert(image('ftp://example.com/cat.png')))).toMatchObject({ status: 400 });
  });

  it('refuses audio and file parts with a typed 400', () => {
    const audio = user([{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }]);
    expect(failure(() => convert({ messages: [audio] }))).toMatchObject({ status: 400, code: 'unsupported_parameter', param: 'messages[0].content[0]' });
    const file = user([{ type: 'file', file: { file_id: 'file-1' } }]);
    expect(failure(() => convert({ messages: [file] }))).toMatchObject({ status: 400, code: 'unsupported_parameter' });
  });
});

describe('toAnthropicRequest: response_format', () => {
  const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false };

  it('maps json_schema to native structured outputs', () => {
    const body = convert({ messages: [user('Hi')], response_format: { type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } } });
    expect(body.output_config).toEqual({ format: { type: 'json_schema', schema } });
    expect(body.system).toBeUndefined();
  });

  it('adds a system instruction for json_object', () => {
    const body = convert({ messages: [{ role: 'system', content: 'Be brief.' }, user('Hi')], response_format: { type: 'json_object' } });
    expect(body.system).toEqual([
      { type: 'text', text: 'Be brief.' },
      { type: 'text', text: expect.stringContaining('single valid JSON object') },
    ]);
    expect(body.output_config).toBeUndefined();
  });
});
