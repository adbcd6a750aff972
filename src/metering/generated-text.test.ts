import { describe, expect, it } from 'vitest';
import type { ChatStreamPart } from '../../providers/types.js';
import type { ChatCompletion, ChatCompletionChunk } from '../../schemas/openai-chat.js';
import { generatedTextFromChunks } from './generated-text.js';

const chunk = (delta: ChatCompletionChunk['choices'][number]['delta'], index = 0): ChatCompletionChunk => ({
  id: 'c',
  object: 'chat.completion.chunk',
  created: 0,
  model: 'm',
  choices: [{ index, delta, finish_reason: null }],
});

describe('generatedTextFromChunks', () => {
  it('joins content, refusals and tool-call argument deltas from translated chunks', () => {
    const parts: ChatStreamPart[] = [
      { type: 'chunk', chunk: chunk({ role: 'assistant', content: 'It is ' }) },
      { type: 'chunk', chunk: chunk({ content: 'sunny.' }) },
      { type: 'chunk', chunk: chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'weather', arguments: '' } }] }) },
      { type: 'chunk', chunk: chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }) },
      { type: 'chunk', chunk: chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }) },
      { type: 'chunk', chunk: chunk({ refusal: ' No.' }, 1) },
      { type: 'usage', usage: { inputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 1, reasoningTokens: 0 } },
    ];
    expect(generatedTextFromChunks(parts)).toBe('It is sunny.weather{"city":"Paris"} No.');
  });

  it('reads raw chunk JSON, with or without its data: prefix, and passes over what does not parse', () => {
    const parts: Array<ChatStreamPart | string> = [
      { type: 'raw', events: ['{"choices":[{"index":0,"delta":{"reasoning_content":"Think. "}}]}'] },
      '{"choices":[{"index":0,"delta":{"content":"Hel"}}]}',
      'data: {"choices":[{"index":0,"delta":{"content":"lo"}}]}',
      'data: [DONE]',
      '{"choices":[{"index":0,"delta":{"content":"cut sh',
      '{"choices":[],"usage":{"prompt_tokens":1}}',
    ];
    expect(generatedTextFromChunks(parts)).toBe('Think. Hello');
  });

  it('reads a whole completion', () => {
    const completion: ChatCompletion = {
      id: 'c',
      object: 'chat.completion',
      created: 0,
      model: 'm',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Done.', refusal: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }] },
          finish_reason: 'tool_calls',
          logprobs: null,
        },
      ],
    };
    expect(generatedTextFromChunks([completion])).toBe('Done.f{}');
  });
});
