import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { geminiProviderSchema } from '../../schemas/config.js';
import { chatCompletionRequestSchema } from '../../schemas/openai-chat.js';
import { errorTurn, fakeGeminiKey, functionCallTurn, midStreamErrorTurn, startFakeGemini, textTurn, type FakeGemini } from '../../test/fakes/fake-gemini.js';
import type { ChatStreamPart, ProviderAdapter } from '../types.js';
import { createGeminiProvider } from './index.js';

let fake: FakeGemini;
let provider: ProviderAdapter;

const request = (extra: Record<string, unknown> = {}) =>
  chatCompletionRequestSchema.parse({ model: 'flash', messages: [{ role: 'user', content: 'Hi' }], ...extra });
const context = (signal = new AbortController().signal, upstreamModel = 'gemini-2.5-flash') => ({ upstreamModel, signal, requestId: 'req_1' });

async function collect(parts: AsyncIterable<ChatStreamPart>): Promise<ChatStreamPart[]> {
  const all: ChatStreamPart[] = [];
  for await (const part of parts) all.push(part);
  return all;
}

beforeAll(async () => {
  fake = await startFakeGemini();
  provider = createGeminiProvider('gemini', geminiProviderSchema.parse({ type: 'gemini', baseURL: `${fake.url}/`, apiKey: fakeGeminiKey, headers: { 'x-team': 'a' }, timeoutMs: 500 }));
});
afterAll(async () => {
  await provider?.close?.();
  await fake?.close();
});
beforeEach(() => fake.reset());

describe('GeminiProvider', () => {
  it('posts generateContent with the key in a header, never in the URL', async () => {
    fake.script(textTurn('Hello', { responseId: 'r1', usage: { promptTokenCount: 3, candidatesTokenCount: 1 } }));
    const result = await provider.chat(request(), context());
    expect(result.completion.choices[0]!.message.content).toBe('Hello');
    expect(result.usage).toMatchObject({ inputTokens: 3, outputTokens: 1 });
    const [received] = fake.requests;
    expect(received!.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect([...received!.query.keys()]).toEqual([]);
    expect(received!.headers['x-goog-api-key']).toBe(fakeGeminiKey);
    expect(received!.headers['x-team']).toBe('a');
    expect(received!.body).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] });
  });

  it('keeps models/ and tunedModels/ paths and escapes the rest', async () => {
    await provider.chat(request(), context(undefined, 'models/gemini-2.0-flash'));
    expect(fake.requests[0]!.path).toBe('/v1beta/models/gemini-2.0-flash:generateContent');
    await provider.chat(request(), context(undefined, '../x?y')).catch(() => undefined);
    expect(fake.requests[1]!.path).toBe('/v1beta/models/..%2Fx%3Fy:generateContent');
    await expect(provider.chat(request(), context(undefined, '..'))).rejects.toMatchObject({ status: 400, param: 'model' });
    expect(fake.requests).toHaveLength(2);
  });

  it('resolves streamChat only once Gemini answered 200, so a 429 is thrown before any part', async () => {
    fake.script(errorTurn(429, { retryDelay: '12s' }));
    await expect(provider.streamChat(request(), context())).rejects.toMatchObject({ status: 429, headers: { 'retry-after': '12' } });
    expect(fake.requests[0]!.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent');
    expect(fake.requests[0]!.query.get('alt')).toBe('sse');
  });

  it('streams text and function calls, and usage last', async () => {
    fake.script(functionCallTurn([{ name: 'lookup', args: { q: 'x' }, thoughtSignature: 'c2lnbmF0dXJl' }], { text: 'Let me look.', usage: { thoughtsTokenCount: 9 } }));
    const parts = await collect(await provider.streamChat(request(), context()));
    expect(parts.map((part) => part.type)).toEqual(['chunk', 'chunk', 'usage']);
    const delta = (parts[0] as Extract<ChatStreamPart, { type: 'chunk' }>).chunk.choices[0]!.delta;
    expect(delta.content).toBe('Let me look.');
    expect(delta.tool_calls![0]!.id).toMatch(/__thoughtsig__c2lnbmF0dXJl$/);
    expect((parts[2] as Extract<ChatStreamPart, { type: 'usage' }>).usage.reasoningTokens).toBe(9);
  });

  it('throws a mid-stream error from the iterator', async () => {
    fake.script(midStreamErrorTurn(textTurn(['a', 'b']), 500));
    const parts = await provider.streamChat(request(), context());
    await expect(collect(parts)).rejects.toMatchObject({ status: 502 });
  });

  it('aborts the upstream request when the client goes away', async () => {
    fake.script(textTurn(['a', 'b', 'c'], { chunkDelayMs: 100 }));
    const controller = new AbortController();
    const parts = await provider.streamChat(request(), context(controller.signal));
    const iterator = parts[Symbol.asyncIterator]();
    await iterator.next();
    controller.abort();
    await expect(iterator.next()).rejects.toMatchObject({ status: 499, code: 'client_closed_request' });
    await expect.poll(() => fake.abortedRequests).toBe(1);
  });

  it('answers 504 when Gemini is slower than timeoutMs', async () => {
    fake.script(textTurn('late', { delayMs: 1500 }));
    await expect(provider.chat(request(), context())).rejects.toMatchObject({ status: 504, code: 'upstream_timeout' });
  });

  it('answers 502 when Gemini cannot be reached', async () => {
    const offline = createGeminiProvider('gemini', geminiProviderSchema.parse({ type: 'gemini', baseURL: 'http://127.0.0.1:1', apiKey: 'k' }));
    await expect(offline.chat(request(), context())).rejects.toMatchObject({ status: 502, code: 'upstream_unreachable' });
    await offline.close?.();
  });

  it('embeds with batchEmbedContents', async () => {
    const result = await provider.embed!({ model: 'e', input: ['a', 'bb'], dimensions: 4 }, context(undefined, 'text-embedding-004'));
    expect(result.response.data.map((item) => (item.embedding as number[]).length)).toEqual([4, 4]);
    expect(fake.requests[0]!.path).toBe('/v1beta/models/text-embedding-004:batchEmbedContents');
    expect(fake.requests[0]!.body.requests[1]).toEqual({ model: 'models/text-embedding-004', content: { parts: [{ text: 'bb' }] }, outputDimensionality: 4 });
  });
});
