import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toChatCompletion, toChatResult, type AnthropicMessage } from './response.js';
import { conformancePath } from '../../test/helpers/conformance.js';

const pairs: Array<{ response: AnthropicMessage }> = JSON.parse(
  readFileSync(conformancePath('anthropic/ToolRunner.json'), 'utf8'),
);

describe('toChatResult on the recorded responses (ToolRunner.json)', () => {
  it('maps a text + tool_use answer', () => {
    const { completion, usage } = toChatResult(pairs[0].response);
    expect(completion).toEqual({
      id: 'msg_012foMGXNQ1eqhaq3QvA5dY6',
      object: 'chat.completion',
      created: expect.any(Number),
      model: 'claude-opus-4-8',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'I\'ll use the test_tool with the value "test" as requested, then provide a final response.',
            refusal: null,
            tool_calls: [{ id: 'toolu_011LF2VkWpAfJnTKJcmh1PNf', type: 'function', function: { name: 'test_tool', arguments: '{"value":"test"}' } }],
          },
          finish_reason: 'tool_calls',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 415,
        completion_tokens: 76,
        total_tokens: 491,
        prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
    expect(completion.created).toBeCloseTo(Date.now() / 1000, -1);
    expect(usage).toMatchObject({ inputTokens: 415, outputTokens: 76, raw: pairs[0].response.usage });
  });

  it('maps parallel tool calls in order', () => {
    const { completion } = toChatResult(pairs[2].response);
    expect(completion.choices[0].message.tool_calls?.map((call) => JSON.parse(call.function.arguments))).toEqual([{ count: 1 }, { count: 2 }]);
  });

  it('maps every recorded answer to a stop or tool_calls finish, without tool_calls when there are none', () => {
    for (const { response } of pairs) {
      const { completion } = toChatResult(response);
      const hasTools = response.content?.some((block) => block.type === 'tool_use');
      expect(completion.choices[0].finish_reason).toBe(hasTools ? 'tool_calls' : 'stop');
      expect('tool_calls' in completion.choices[0].message).toBe(Boolean(hasTools));
    }
  });
});

describe('toChatCompletion', () => {
  it('leaves thinking out, joins text blocks, and answers null content when there is no text', () => {
    const message: AnthropicMessage = {
      id: 'msg_1',
      model: 'claude-opus-4-8',
      stop_reason: 'end_turn',
      content: [
        { type: 'thinking', text: null },
        { type: 'text', text: 'Hello ' },
        { type: 'text', text: 'world' },
      ],
    };
    expect(toChatCompletion(message, undefined).choices[0].message.content).toBe('Hello world');
    const toolsOnly = { ...message, stop_reason: 'tool_use', content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }] };
    expect(toChatCompletion(toolsOnly, undefined).choices[0].message).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }],
    });
  });

  it('reports cache reads and writes separately, and thinking tokens as reasoning', () => {
    const { completion, usage } = toChatResult({
      id: 'msg_2',
      model: 'claude-opus-4-8',
      stop_reason: 'max_tokens',
      content: [{ type: 'text', text: 'x' }],
      usage: {
        input_tokens: 10,
        cache_read_input_tokens: 1000,
        cache_creation_input_tokens: 200,
        output_tokens: 50,
        output_tokens_details: { thinking_tokens: 30 },
      },
    });
    expect(usage).toMatchObject({ inputTokens: 10, cachedInputTokens: 1000, cacheWriteTokens: 200, outputTokens: 20, reasoningTokens: 30 });
    expect(completion.usage).toEqual({
      prompt_tokens: 1210,
      completion_tokens: 50,
      total_tokens: 1260,
      prompt_tokens_details: { cached_tokens: 1000, cache_write_tokens: 200 },
      completion_tokens_details: { reasoning_tokens: 30 },
    });
    expect(completion.choices[0].finish_reason).toBe('length');
  });
});
