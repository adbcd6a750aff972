import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk } from '../../schemas/openai-chat.js';
import { GatewayError } from '../../src/errors/gateway-error.js';
import type { ChatStreamPart, NormalizedUsage } from '../types.js';
import { decodeToolCallId } from './response.js';
import { geminiChatStream } from './stream.js';
import { conformancePath } from '../../test/helpers/conformance.js';

const recordings = conformancePath('gemini') + '/';
const context = { upstreamModel: 'gemini-2.5-flash', choiceCount: 1 };

async function* pieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

/** Runs bytes through the stream mapper, cut into pieces of `size` bytes (splitting CRLFs and UTF-8). */
async function run(bytes: Uint8Array | string, size = 1 << 20, choiceCount = 1) {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const parts: ChatStreamPart[] = [];
  for await (const part of geminiChatStream('gemini', pieces(data, size), { ...context, choiceCount })) parts.push(part);
  const chunks = parts.flatMap((part) => (part.type === 'chunk' ? [part.chunk] : []));
  const usages = parts.flatMap((part) => (part.type === 'usage' ? [part.usage] : []));
  return { parts, chunks, usages, text: textOf(chunks) };
}

const recording = (name: string) => readFileSync(recordings + name);
const textOf = (chunks: ChatCompletionChunk[]) => chunks.map((chunk) => chunk.choices[0]!.delta.content ?? '').join('');
const finishReasons = (chunks: ChatCompletionChunk[]) => chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason)).filter(Boolean);

describe('geminiChatStream', () => {
  it('maps the recorded text stream: role first, text deltas, one finish chunk, then usage', async () => {
    const { parts, chunks, usages, text } = await run(recording('js-genai/Chats_Tests_sendMessage_Google_AI_with_text_stream.0.sse'));
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(chunks.slice(1).every((chunk) => chunk.choices[0]!.delta.role === undefined)).toBe(true);
    expect(text).toMatch(/^The sky is blue due to a phenomenon called \*\*Rayleigh scattering\*\*/);
    expect(text).toMatch(/hazy appearance\.$/);
    expect(finishReasons(chunks)).toEqual(['stop']);
    expect(chunks.at(-1)!.choices[0]).toEqual({ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' });
    expect(new Set(chunks.map((chunk) => `${chunk.id} ${chunk.created} ${chunk.model}`)).size).toBe(1);
    expect(chunks[0]!.id).toBe('chatcmpl-pdSfaOurIPqAm9IPucqbqA4');
    expect(chunks[0]!.model).toBe('gemini-2.0-flash');
    expect(parts.at(-1)!.type).toBe('usage');
    expect(usages).toEqual([expect.objectContaining({ inputTokens: 6, outputTokens: 377, reasoningTokens: 0 })]);
  });

  it('gives the same result whatever the byte splits (CRLF and multi-byte characters cut)', async () => {
    const bytes = recording('generative-ai-js/streaming-success-utf8.txt');
    const whole = await run(bytes);
    for (const size of [1, 2, 3, 7]) expect((await run(bytes, size)).text).toBe(whole.text);
    expect(whole.text).toMatch(/[^\x00-\x7f]/);
  });

  it('maps a thinking stream: thoughts dropped, thought tokens in usage, the signature carried by the tool-call id', async () => {
    const bytes = recording('vertexai-sdk-test-data/streaming-success-thinking-function-call-thought-summary-signature.txt');
    const { chunks, usages } = await run(bytes, 64);
    expect(chunks).toHaveLength(2);
    const [callChunk, finishChunk] = chunks;
    const delta = callChunk!.choices[0]!.delta;
    expect(delta.role).toBe('assistant');
    expect(delta.content).toBeUndefined();
    expect(delta.tool_calls).toHaveLength(1);
    expect(delta.tool_calls![0]).toMatchObject({ index: 0, type: 'function', function: { name: 'now', arguments: '{}' } });
    const recordedSignature = /"thoughtSignature": "([^"]+)"/.exec(bytes.toString('utf8'))![1];
    expect(decodeToolCallId(delta.tool_calls![0]!.id!).thoughtSignature).toBe(recordedSignature);
    expect(finishChunk!.choices[0]!.finish_reason).toBe('tool_calls');
    expect(usages[0]).toMatchObject<Partial<NormalizedUsage>>({ inputTokens: 38, outputTokens: 6, reasoningTokens: 168 });
  });

  it('maps the recorded function-call stream with a synthesised id', async () => {
    const { chunks } = await run(recording('js-genai/Chats_Tests_chats_function_calling_Google_AI_with_function_calling_stream.0.sse'));
    const call = chunks[0]!.choices[0]!.delta.tool_calls![0]!;
    expect(call.id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(JSON.parse(call.function!.arguments!)).toEqual({ denominator: 2, numerator: 100 });
    expect(finishReasons(chunks)).toEqual(['tool_calls']);
  });

  it('keeps the last finish reason when older models repeat STOP on every event', async () => {
    const recitation = await run(recording('generative-ai-js/streaming-failure-recitation-no-content.txt'));
    expect(recitation.text).toBe('Copyrighted text goes hereMore copyrighted text');
    expect(finishReasons(recitation.chunks)).toEqual(['content_filter']);
    const unknown = await run(recording('generative-ai-js/streaming-unknown-enum.txt'));
    expect(unknown.text).toMatch(/devotion to their owners/);
    expect(finishReasons(unknown.chunks)).toEqual(['stop']);
  });

  it('ends a blocked prompt with content_filter for every choice, and no Gemini words', async () => {
    const { chunks, usages } = await run(recording('vertexai-sdk-test-data/streaming-failure-prompt-blocked-safety.txt'), 1 << 20, 2);
    expect(chunks.map((chunk) => chunk.choices[0])).toEqual([
      { index: 0, delta: { role: 'assistant' }, logprobs: null, finish_reason: 'content_filter' },
      { index: 1, delta: { role: 'assistant' }, logprobs: null, finish_reason: 'content_filter' },
    ]);
    expect(usages).toEqual([]);
  });

  it('maps a safety stop after text', async () => {
    const { chunks, text } = await run(recording('generative-ai-js/streaming-failure-finish-reason-safety.txt'));
    expect(text).toBe('No');
    expect(finishReasons(chunks)).toEqual(['content_filter']);
  });

  it('skips events without parts and non-text parts', async () => {
    const empty = await run(recording('vertexai-sdk-test-data/streaming-success-empty-parts.txt'));
    expect(empty.text).toBe("Here's a cute cartoon kitten playing with a ball of yarn for you! ");
    expect(finishReasons(empty.chunks)).toEqual(['stop']);
    const finishMessage = await run(recording('vertexai-sdk-test-data/streaming-success-finish-message.txt'));
    expect(finishMessage.text).toBe('Hello world!');
  });

  it('fails a stream that closes before any finish reason, after forwarding what came and the usage reported', async () => {
    const parts: ChatStreamPart[] = [];
    const body = 'data: {"candidates":[{"content":{"parts":[{"text":"cut"}],"role":"model"}}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":1}}\r\n\r\n';
    const error = await (async () => {
      for await (const part of geminiChatStream('gemini', pieces(Buffer.from(body), 7), context)) parts.push(part);
    })().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 502, code: 'upstream_stream_incomplete' });
    expect(textOf(parts.flatMap((part) => (part.type === 'chunk' ? [part.chunk] : [])))).toBe('cut');
    expect(parts.at(-1)).toMatchObject({ type: 'usage', usage: { inputTokens: 4, outputTokens: 1 } });
    // The recorded "empty content" failure has no finish reason either.
    const empty = await run(recording('generative-ai-js/streaming-failure-empty-content.txt')).catch((caught: unknown) => caught);
    expect(empty).toMatchObject({ code: 'upstream_stream_incomplete' });
    for (const nothing of ['', '<html><body>502 Bad Gateway</body></html>\n', '\r\n\r\n']) {
      expect(await run(nothing).catch((caught: unknown) => caught), nothing).toMatchObject({ status: 502, code: 'upstream_invalid_response' });
    }
  });

  it('counts tool-use prompt tokens as input (code execution recording)', async () => {
    const { usages } = await run(recording('vertexai-sdk-test-data/streaming-success-code-execution.txt'));
    expect(usages[0]).toMatchObject({ inputTokens: 21 + 243, outputTokens: 126, reasoningTokens: 95, cachedInputTokens: 0 });
  });

  it('maps several candidates to several choices', async () => {
    const event = (index: number, text: string, finishReason?: string) => ({ content: { parts: [{ text }], role: 'model' }, index, ...(finishReason ? { finishReason } : {}) });
    const body = [
      { candidates: [event(0, 'A'), event(1, 'B')] },
      { candidates: [event(0, 'a', 'STOP'), event(1, 'b', 'MAX_TOKENS')] },
    ]
      .map((data) => `data: ${JSON.stringify(data)}\r\n\r\n`)
      .join('');
    const { chunks } = await run(body, 1 << 20, 2);
    const byChoice = (index: number) => chunks.flatMap((chunk) => chunk.choices).filter((choice) => choice.index === index);
    expect(byChoice(0).map((choice) => choice.delta.content ?? choice.finish_reason)).toEqual(['A', 'a', 'stop']);
    expect(byChoice(1).map((choice) => choice.delta.content ?? choice.finish_reason)).toEqual(['B', 'b', 'length']);
    expect(byChoice(1)[0]!.delta.role).toBe('assistant');
  });

  it('throws a mapped GatewayError for an error event in the middle of the stream', async () => {
    const body =
      'data: {"candidates":[{"content":{"parts":[{"text":"partial"}],"role":"model"}}]}\r\n\r\n' +
      'data: {"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}}\r\n\r\n';
    const seen: ChatStreamPart[] = [];
    const error = await (async () => {
      try {
        for await (const part of geminiChatStream('gemini', pieces(Buffer.from(body), 10), context)) seen.push(part);
      } catch (caught) {
        return caught;
      }
    })();
    expect(seen).toHaveLength(1);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 503, message: 'gemini: The model is overloaded. Please try again later.' });
  });

  it('throws 502 for an event that is not JSON and for a stream that sends nothing', async () => {
    await expect(run('data: {oops\r\n\r\n')).rejects.toMatchObject({ status: 502, code: 'upstream_invalid_response' });
    await expect(run('')).rejects.toMatchObject({ status: 502, code: 'upstream_invalid_response' });
  });
});
