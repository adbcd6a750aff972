import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { anthropicProviderSchema } from '../../schemas/config.js';
import type { ChatCompletionChunk, ChatCompletionRequest } from '../../schemas/openai-chat.js';
import { GatewayError } from '../../src/errors/gateway-error.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../test/fakes/fake-anthropic.js';
import { conformancePath } from '../../test/helpers/conformance.js';
import type { CallContext, ChatStreamPart, ProviderAdapter } from '../types.js';
import { createAnthropicProvider } from './index.js';

let fake: FakeAnthropic;
let provider: ProviderAdapter;

function configFor(overrides: Record<string, unknown> = {}) {
  return anthropicProviderSchema.parse({ type: 'anthropic', baseURL: fake.url, apiKey: fake.apiKey, timeoutMs: 5_000, ...overrides });
}

function context(signal: AbortSignal = new AbortController().signal): CallContext {
  return { upstreamModel: 'claude-opus-4-8', signal, requestId: 'req-1' };
}

const hello: ChatCompletionRequest = { model: 'claude', messages: [{ role: 'user', content: 'Hello' }] };

/** The chunks the parts carry (as JSON in `raw` parts). */
function chunksOf(parts: ChatStreamPart[]): ChatCompletionChunk[] {
  return parts.flatMap((part) => (part.type === 'raw' ? part.events.map((text) => JSON.parse(text) as ChatCompletionChunk) : []));
}

async function drain(parts: AsyncIterable<ChatStreamPart>): Promise<ChatStreamPart[]> {
  const collected: ChatStreamPart[] = [];
  for await (const part of parts) collected.push(part);
  return collected;
}

beforeAll(async () => {
  fake = await startFakeAnthropic();
  provider = createAnthropicProvider('claude', configFor({ headers: { 'x-team': 'search' } }));
});
afterEach(() => fake.reset());
afterAll(async () => {
  await provider.close?.();
  await fake.close();
});

describe('AnthropicProvider against the fake Anthropic API', () => {
  it('sends what @anthropic-ai/sdk 1.x sent, without its telemetry: Bearer key, API version, configured headers', async () => {
    fake.answerText('Hi there!', { usage: { input_tokens: 9, output_tokens: 3 } });
    const result = await provider.chat(hello, context());
    const [request] = fake.requests;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1/messages');
    expect(request.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
    expect(request.headers['x-api-key']).toBeUndefined();
    expect(request.headers['anthropic-version']).toBe('2026-10-21');
    expect(request.headers['x-team']).toBe('search');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers.accept).toBe('application/json');
    expect(Object.keys(request.headers).filter((name) => name.startsWith('x-stainless'))).toEqual([]);
    expect(request.body).toEqual({ model: 'claude-opus-4-8', max_tokens: 4096, messages: [{ role: 'user', content: 'Hello' }], stream: false });
    expect(result.completion.choices[0].message.content).toBe('Hi there!');
    expect(result.usage).toMatchObject({ inputTokens: 9, outputTokens: 3 });
    expect(provider.embed).toBeUndefined();
  });

  it('streams, resolving only once the upstream answered 200', async () => {
    fake.answerToolUse([{ name: 'get_weather', input: { city: 'Paris' }, id: 'toolu_1' }], { text: 'Let me check.', delayMs: 100 });
    const started = Date.now();
    const parts = await provider.streamChat(hello, context());
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    const collected = await drain(parts);
    const chunks = chunksOf(collected);
    const args = chunks.flatMap((chunk) => chunk.choices[0].delta.tool_calls ?? []).map((call) => call.function?.arguments ?? '').join('');
    expect(JSON.parse(args)).toEqual({ city: 'Paris' });
    expect(chunks.at(-1)?.choices[0].finish_reason).toBe('tool_calls');
    expect(collected.at(-1)?.type).toBe('usage');
    expect(fake.lastBody.stream).toBe(true);
  });

  it('lets the configured headers pin another API version, which gets the sampling parameters', async () => {
    const legacy = createAnthropicProvider('claude', configFor({ baseURL: `${fake.url}/`, headers: { 'Anthropic-Version': '2023-06-01' } }));
    fake.answerText('ok');
    await legacy.chat({ ...hello, temperature: 0.5, top_p: 0.9 }, context());
    await legacy.close?.();
    const [request] = fake.requests;
    expect(request.path).toBe('/v1/messages');
    expect(request.headers['anthropic-version']).toBe('2023-06-01');
    expect(request.body).toMatchObject({ temperature: 0.5, top_p: 0.9 });
  });

  it('sends the same headers for a stream', async () => {
    await drain(await provider.streamChat(hello, context()));
    const [request] = fake.requests;
    expect(request.headers).toMatchObject({
      authorization: `Bearer ${fake.apiKey}`,
      'anthropic-version': '2026-10-21',
      'x-team': 'search',
      'content-type': 'application/json',
    });
    expect(request.body).toEqual({ model: 'claude-opus-4-8', max_tokens: 4096, messages: [{ role: 'user', content: 'Hello' }], stream: true });
  });

  it('turns an upstream 429 into a thrown 429 before any stream exists', async () => {
    fake.answerError(429, { retryAfter: '12' });
    const error = await provider.streamChat(hello, context()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 429, headers: { 'retry-after': '12' } });
  });

  it('throws a mapped error from the iterator when the stream carries event: error', async () => {
    fake.answerText('Hello there my friend', { streamError: { afterEvents: 4, type: 'overloaded_error', message: 'Overloaded' } });
    const parts = await provider.streamChat(hello, context());
    const error = await drain(parts).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 503, message: 'claude: Overloaded' });
  });

  it('maps 529 overloaded to 503 and 400 to 400 with Anthropic’s message, streamed and not', async () => {
    fake.answerError(529);
    expect(await provider.streamChat(hello, context()).catch((caught: unknown) => caught)).toMatchObject({ status: 503, code: 'overloaded_error' });
    fake.answerError(400, { message: 'messages.0.content: prompt is too long' });
    expect(await provider.chat(hello, context()).catch((caught: unknown) => caught)).toMatchObject({
      status: 400,
      code: 'invalid_request_error',
      message: 'claude: messages.0.content: prompt is too long',
    });
  });

  it('answers 502 for a 200 whose body is not JSON', async () => {
    fake.enqueue({ status: 200, text: '<html>maintenance</html>' });
    expect(await provider.chat(hello, context()).catch((caught: unknown) => caught)).toMatchObject({ status: 502, code: 'upstream_invalid_response' });
  });

  it('answers 502 for a stream that ends before message_stop, or dies mid-way', async () => {
    fake.enqueue({ status: 200, headers: { 'content-type': 'text/event-stream' }, chunks: ['event: message_start\ndata: {"type":"message_start","message":{"id":"m","model":"x"}}\n\n'] });
    expect(await drain(await provider.streamChat(hello, context())).catch((caught: unknown) => caught)).toMatchObject({
      status: 502,
      code: 'upstream_stream_incomplete',
    });
    fake.enqueue({
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      chunks: ['event: message_start\ndata: {"type":"message_start","message":{"id":"m","model":"x"}}\n\n'],
      destroyAfterChunks: true,
    });
    // The socket may close before or after undici has read the 200: a 502 either way.
    expect(await provider.streamChat(hello, context()).then(drain).catch((caught: unknown) => caught)).toMatchObject({ status: 502 });
  });

  it('replays a recorded stream', async () => {
    fake.answerRecordedStream(readFileSync(`${conformancePath('anthropic')}/basic_response.txt`, 'utf8'), { pieceBytes: 3 });
    const collected = await drain(await provider.streamChat(hello, context()));
    const text = chunksOf(collected).map((chunk) => chunk.choices[0].delta.content ?? '').join('');
    expect(text).toBe('Hello there!');
    expect(collected.at(-1)).toMatchObject({ type: 'usage', usage: { inputTokens: 11, outputTokens: 6 } });
  });

  it('reads a stream cut into 5-byte pieces', async () => {
    fake.answerText('Grüße aus Köln — 東京 too', { pieceBytes: 5 });
    const collected = await drain(await provider.streamChat(hello, context()));
    const text = chunksOf(collected).map((chunk) => chunk.choices[0].delta.content ?? '').join('');
    expect(text).toBe('Grüße aus Köln — 東京 too');
  });

  it('aborts the upstream request when the caller goes away', async () => {
    fake.answerText('slow', { delayMs: 2_000 });
    const controller = new AbortController();
    const pending = provider.chat(hello, context(controller.signal)).catch((caught: unknown) => caught);
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();
    expect(await pending).toMatchObject({ status: 499 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.abortedRequests).toBe(1);
  });

  it('aborts the upstream stream when the caller goes away mid-stream, with a 499 from the iterator', async () => {
    fake.answerText('one two three four five six seven eight', { chunkDelayMs: 100 });
    const controller = new AbortController();
    const parts = await provider.streamChat(hello, context(controller.signal));
    const iterator = parts[Symbol.asyncIterator]();
    await iterator.next();
    controller.abort();
    const error = await (async () => {
      for (;;) if ((await iterator.next()).done) return undefined;
    })().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 499, code: 'client_closed_request' });
    await expect.poll(() => fake.abortedRequests, { timeout: 2_000 }).toBe(1);
  });

  it('maps a rejected key to 502 without the key in the message', async () => {
    const wrong = createAnthropicProvider('claude', configFor({ apiKey: 'sk-ant-wrong-key-000000' }));
    const error = await wrong.chat(hello, context()).catch((caught: unknown) => caught);
    await wrong.close?.();
    expect(error).toMatchObject({ status: 502, code: 'upstream_authentication_failed' });
    expect((error as Error).message).not.toContain('sk-ant-wrong-key-000000');
  });

  it('times out a silent upstream with 504', async () => {
    const impatient = createAnthropicProvider('claude', configFor({ timeoutMs: 200 }));
    fake.answerText('late', { delayMs: 1_000 });
    const error = await impatient.chat(hello, context()).catch((caught: unknown) => caught);
    await impatient.close?.();
    expect(error).toMatchObject({ status: 504 });
  });

  it('answers 502 when nothing listens', async () => {
    const nowhere = createAnthropicProvider('claude', configFor({ baseURL: 'http://127.0.0.1:1' }));
    const error = await nowhere.chat(hello, context()).catch((caught: unknown) => caught);
    await nowhere.close?.();
    expect(error).toMatchObject({ status: 502, code: 'upstream_unreachable' });
  });
});
