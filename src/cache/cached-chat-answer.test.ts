import { describe, expect, it } from 'vitest';
import type { ChatStreamPart } from '../../providers/types.js';
import { cachedAnswerParts, ChatAnswerAssembler } from './cached-chat-answer.js';

const identity = { id: 'chatcmpl-1', object: 'chat.completion.chunk' as const, created: 1, model: 'gpt-4o-mini' };
const usage = { inputTokens: 10, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 4, reasoningTokens: 0 };

describe('ChatAnswerAssembler', () => {
  it('assembles text and tool calls from raw and translated chunks, and streams them back', async () => {
    const assembler = new ChatAnswerAssembler();
    const parts: ChatStreamPart[] = [
      { type: 'raw', events: [JSON.stringify({ ...identity, choices: [{ index: 0, delta: { role: 'assistant', content: 'Hel' }, finish_reason: null }] })] },
      { type: 'chunk', chunk: { ...identity, choices: [{ index: 0, delta: { content: 'lo' }, finish_reason: null }] } },
      { type: 'chunk', chunk: { ...identity, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get', arguments: '{"a"' } }] }, finish_reason: null }] } },
      { type: 'chunk', chunk: { ...identity, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: ':1}' } }] }, finish_reason: 'tool_calls' }] } },
      { type: 'usage', usage },
    ];
    for (const part of parts) assembler.add(part);
    const answer = assembler.answer()!;
    expect(answer.usage).toEqual(usage);
    expect(answer.completion.choices[0]).toEqual({
      index: 0,
      message: { role: 'assistant', content: 'Hello', refusal: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get', arguments: '{"a":1}' } }] },
      finish_reason: 'tool_calls',
      logprobs: null,
    });
    const replayed = new ChatAnswerAssembler();
    for await (const part of cachedAnswerParts(answer)) replayed.add(part);
    expect(replayed.answer()).toEqual(answer);
  });

  it('keeps nothing from a stream that never finished, a native stream or an unreadable event', () => {
    const unfinished = new ChatAnswerAssembler();
    unfinished.add({ type: 'chunk', chunk: { ...identity, choices: [{ index: 0, delta: { content: 'Hal' }, finish_reason: null }] } });
    expect(unfinished.answer()).toBeUndefined();
    const native = new ChatAnswerAssembler();
    native.add({ type: 'native', event: 'message_start', data: '{}' });
    expect(native.answer()).toBeUndefined();
    const unreadable = new ChatAnswerAssembler();
    unreadable.add({ type: 'raw', events: ['{"error":{"message":"boom"}}'] });
    expect(unreadable.answer()).toBeUndefined();
  });
});
