import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeToolCallId, encodeToolCallId, toChatCompletion, type GenerateContentResponse } from './response.js';
import { conformancePath } from '../../test/helpers/conformance.js';

const recordings = conformancePath('gemini') + '/';
const recording = (name: string): GenerateContentResponse => JSON.parse(readFileSync(recordings + name, 'utf8'));
const context = { upstreamModel: 'gemini-2.5-flash', choiceCount: 1 };

describe('toChatCompletion', () => {
  it('maps a plain reply (no role, no usage, no responseId)', () => {
    const { completion, usage } = toChatCompletion(recording('generative-ai-js/unary-success-basic-reply-short.json'), context);
    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: 'gemini-2.5-flash',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Helena', refusal: null }, logprobs: null, finish_reason: 'stop' }],
    });
    expect(completion.id).toMatch(/^chatcmpl-[A-Za-z0-9]{24}$/);
    expect(completion.usage).toBeUndefined();
    expect(usage).toBeNull();
  });

  it('uses responseId and modelVersion, drops thought parts and reports thinking tokens', () => {
    const { completion, usage } = toChatCompletion(recording('vertexai-sdk-test-data/unary-success-thinking-reply-thought-summary.json'), context);
    expect(completion.id).toBe('chatcmpl-2pmHaJqQEoqC-8YP6eStyAY');
    expect(completion.model).toBe('gemini-2.5-flash');
    expect(completion.choices[0]!.message.content).toBe('Mountain View');
    expect(completion.usage).toEqual({
      prompt_tokens: 14,
      completion_tokens: 26,
      total_tokens: 40,
      prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 24 },
    });
    expect(usage).toMatchObject({ inputTokens: 14, outputTokens: 2, reasoningTokens: 24 });
  });

  it('maps a function call with a thought signature to a tool call whose id carries it', () => {
    const response = recording('vertexai-sdk-test-data/unary-success-thinking-function-call-thought-summary-signature.json');
    const { completion } = toChatCompletion(response, context);
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toHaveLength(1);
    const call = choice.message.tool_calls![0]!;
    expect(call).toMatchObject({ type: 'function', function: { name: 'now', arguments: '{}' } });
    expect(call.id).toMatch(/^call_[A-Za-z0-9]{24}__thoughtsig__[A-Za-z0-9_-]+$/);
    expect(decodeToolCallId(call.id).thoughtSignature).toBe(response.candidates![0]!.content!.parts![1]!.thoughtSignature);
    expect(completion.usage?.completion_tokens).toBe(8 + 501);
  });

  it('keeps Gemini function-call ids, and synthesises distinct ids when there are none', () => {
    const response: GenerateContentResponse = {
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              { functionCall: { id: 'gem-1', name: 'a', args: { x: 1 } } },
              { functionCall: { name: 'b' } },
              { functionCall: { name: 'b', args: {} } },
            ],
          },
          finishReason: 'STOP',
        },
      ],
    };
    const calls = toChatCompletion(response, context).completion.choices[0]!.message.tool_calls!;
    expect(calls.map((call) => call.id)[0]).toBe('gem-1');
    expect(calls[1]!.id).not.toBe(calls[2]!.id);
    expect(calls[1]!.function.arguments).toBe('{}');
  });

  it('answers a blocked prompt with null content and content_filter, one choice per requested n, without Gemini words', () => {
    const { completion } = toChatCompletion(recording('generative-ai-js/unary-failure-prompt-blocked-safety.json'), { ...context, choiceCount: 2 });
    expect(completion.choices).toEqual([
      { index: 0, message: { role: 'assistant', content: null, refusal: null }, logprobs: null, finish_reason: 'content_filter' },
      { index: 1, message: { role: 'assistant', content: null, refusal: null }, logprobs: null, finish_reason: 'content_filter' },
    ]);
    const onlyFeedback = toChatCompletion(recording('vertexai-sdk-test-data/unary-failure-only-prompt-feedback.json'), context).completion;
    expect(onlyFeedback.choices[0]!.finish_reason).toBe('content_filter');
    expect(JSON.stringify(onlyFeedback)).not.toContain('Message');
  });

  it('maps safety stops, empty content and unknown finish reasons', () => {
    const safety = toChatCompletion(recording('vertexai-sdk-test-data/unary-failure-finish-reason-safety.json'), context).completion;
    expect(safety.choices[0]).toMatchObject({ finish_reason: 'content_filter', message: { content: 'Safety error incoming in 5, 4, 3, 2...' } });
    const empty = toChatCompletion(recording('generative-ai-js/unary-failure-empty-content.json'), context).completion;
    expect(empty.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: null } });
    const other = toChatCompletion(recording('vertexai-sdk-test-data/unary-failure-with-message-no-content.json'), context).completion;
    expect(other.choices[0]!.finish_reason).toBe('stop');
    expect(JSON.stringify(other)).not.toContain('internal error');
    const unknown = toChatCompletion(recording('generative-ai-js/unary-unknown-enum.json'), context).completion;
    expect(unknown.choices[0]!.message.content).toMatch(/^1\. \*\*Use Freshly Ground Coffee/);
  });

  it('ignores parts the OpenAI shape cannot carry (code execution)', () => {
    const { completion } = toChatCompletion(recording('vertexai-sdk-test-data/unary-success-code-execution.json'), context);
    expect(completion.choices[0]!.message.tool_calls).toBeUndefined();
    expect(typeof completion.choices[0]!.message.content).toBe('string');
  });
});

describe('tool-call ids', () => {
  it('round-trip any thought signature exactly, and leave foreign ids alone', () => {
    for (const signature of ['CtQOAVSo+/9=', 'AAAA', 'AB+/CD==', 'not base64!', 'skip_thought_signature_validator']) {
      const id = encodeToolCallId('call_abc', signature);
      expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeToolCallId(id)).toEqual({ callId: 'call_abc', thoughtSignature: signature });
    }
    expect(decodeToolCallId('toolu_01A09q90qw90lq917835lq9')).toEqual({ callId: 'toolu_01A09q90qw90lq917835lq9' });
    expect(encodeToolCallId('call_abc', undefined)).toBe('call_abc');
  });
});
