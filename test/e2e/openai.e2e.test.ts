/**
 * End to end through the real server: the official `openai` SDK → Tollgate → a fake OpenAI that
 * replays recorded gpt-4o bytes. Asserts what the client got, what the upstream received, and that
 * every body and chunk conforms to the official OpenAPI document.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chunkStreamReply, fakeOpenAIKey, openAIError, recordedStreamReply, startFakeOpenAI, textCompletion, toolCallCompletion, type FakeOpenAI } from '../fakes/fake-openai.js';
import { postJson, readSseData } from '../helpers/http.js';
import { expectSpecValid } from '../helpers/openapi.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

let upstream: FakeOpenAI;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await startFakeOpenAI();
  gateway = await startTestGateway({
    providers: {
      openai: { type: 'openai', baseURL: upstream.baseURL, apiKey: fakeOpenAIKey, headers: { 'openai-organization': 'org-test' }, directModels: ['gpt-4.1'] },
      azure: { type: 'azure-openai', baseURL: upstream.url, apiKey: 'azure-key-123456', apiVersion: '2024-10-21' },
    },
    models: {
      'gpt-4o-mini': { provider: 'openai', model: 'gpt-4o-mini' },
      'text-embedding': { provider: 'openai', model: 'text-embedding-3-small' },
      'azure-4o': { provider: 'azure', model: 'my-deployment' },
    },
  });
});
afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});
beforeEach(() => upstream.reset());

describe('OpenAI pass-through', () => {
  it('answers a text completion with the upstream bytes and sends the upstream the client body with its own model name', async () => {
    const completion = await gateway.client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello' }],
      temperature: 0.2,
      seed: 7,
    });
    expectSpecValid('CreateChatCompletionResponse', completion);
    expect(completion.choices[0].message.content).toBe('Hello from the fake.');
    expect(completion.usage?.total_tokens).toBe(17);
    const received = upstream.requests[0];
    expect(received.path).toBe('/v1/chat/completions');
    expect(received.headers.authorization).toBe(`Bearer ${fakeOpenAIKey}`);
    expect(received.headers['openai-organization']).toBe('org-test');
    expect(received.body).toEqual({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello' }], temperature: 0.2, seed: 7 });
  });

  it('forwards the client\'s exact bytes, with only the model value spliced in when its name differs', async () => {
    const raw = '{ "messages" : [ {"role":"user","content":"caf\\u00e9 \u2603"} ],\n  "model": "gpt-4o-mini", "temperature": 0.5 }';
    await postJson(`${gateway.baseURL}/chat/completions`, raw);
    expect(upstream.requests[0].rawBody).toBe(raw);
    await postJson(`${gateway.baseURL}/chat/completions`, raw.replace('"gpt-4o-mini"', '"openai/gpt-4.1"'));
    expect(upstream.requests[1].rawBody).toBe(raw.replace('"gpt-4o-mini"', '"gpt-4.1"'));
    expect(upstream.requests[1].body).toEqual({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'café ☃' }], temperature: 0.5 });
    // On a stream without usage asked for, `stream_options` is added and the rest stays byte for byte.
    const streamed = '{"model":"openai/gpt-4.1", "stream":true,\n "messages":[{"role":"user","content":"a \\\\ b"}]}';
    await (await postJson(`${gateway.baseURL}/chat/completions`, streamed)).text();
    expect(upstream.requests[2].rawBody).toBe('{"model":"gpt-4.1", "stream":true,\n "messages":[{"role":"user","content":"a \\\\ b"}],"stream_options":{"include_usage":true}}');
  });

  it('streams the recorded gpt-4o bytes through and always asks upstream for usage', async () => {
    const stream = gateway.client.chat.completions.stream({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Where?' }] });
    const chunks: unknown[] = [];
    stream.on('chunk', (chunk) => chunks.push(chunk));
    const final = await stream.finalChatCompletion();
    expect(final.choices[0].message.content).toBe('{"city":"San Francisco","units":"c"}');
    expect(final.choices[0].finish_reason).toBe('stop');
    for (const chunk of chunks) expectSpecValid('CreateChatCompletionStreamResponse', chunk);
    // The client did not ask for usage, so the usage-only chunk is not forwarded.
    expect(chunks.every((chunk) => (chunk as { choices: unknown[] }).choices.length > 0)).toBe(true);
    expect(upstream.requests[0].body.stream_options).toEqual({ include_usage: true });
  });

  it('forwards the usage chunk when the client asks for it', async () => {
    const response = await postJson(`${gateway.baseURL}/chat/completions`, {
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'Where?' }],
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const data = await readSseData(response);
    expect(data.at(-1)).toBe('[DONE]');
    const usageChunk = JSON.parse(data.at(-2)!);
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toEqual({ prompt_tokens: 17, completion_tokens: 10, total_tokens: 27 });
    for (const line of data.slice(0, -1)) expectSpecValid('CreateChatCompletionStreamResponse', JSON.parse(line));
  });

  it('keeps bytes intact when the upstream splits them inside multi-byte characters and lines', async () => {
    const reply = chunkStreamReply([{ role: 'assistant', content: '' }, { content: 'Grüße 👋 ' }, { content: '日本語' }], 'stop');
    const bytes = Buffer.from((reply.chunks as string[]).join(''), 'utf8');
    const pieces: Uint8Array[] = [];
    for (let offset = 0; offset < bytes.length; offset += 3) pieces.push(bytes.subarray(offset, offset + 3));
    upstream.enqueue({ headers: reply.headers, chunks: pieces });
    const final = await gateway.client.chat.completions.stream({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).finalChatCompletion();
    expect(final.choices[0].message.content).toBe('Grüße 👋 日本語');
  });

  it('replays the stream that starts with blank lines', async () => {
    upstream.enqueue(recordedStreamReply('openai-stream_is_robust_against_leading_newline_chunks.sse', 7));
    const final = await gateway.client.chat.completions.stream({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).finalChatCompletion();
    expect(final.choices[0].finish_reason).toBeDefined();
  });

  it('passes tool calls through, non-streamed and streamed', async () => {
    upstream.enqueue({ json: toolCallCompletion([{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }]) });
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
    const completion = await gateway.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Weather?' }], tools });
    expectSpecValid('CreateChatCompletionResponse', completion);
    expect(completion.choices[0].message.tool_calls?.[0]).toMatchObject({ id: 'call_1', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } });
    expect(upstream.requests[0].body.tools).toEqual(tools);

    upstream.enqueue(
      chunkStreamReply(
        [
          { role: 'assistant', content: null },
          { tool_calls: [{ index: 0, id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '' } }] },
          { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] },
          { tool_calls: [{ index: 0, function: { arguments: '"Rome"}' } }] },
        ],
        'tool_calls',
      ),
    );
    const final = await gateway.client.chat.completions.stream({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Weather?' }], tools }).finalChatCompletion();
    expect(final.choices[0].message.tool_calls?.[0]).toMatchObject({ id: 'call_2', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } });
  });

  it('passes a tool-result round trip, an image and a json_schema format through unchanged', async () => {
    upstream.enqueue({ json: textCompletion('{"answer":"sunny"}') });
    const request = {
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system' as const, content: 'You are terse.' },
        {
          role: 'user' as const,
          content: [
            { type: 'text' as const, text: 'What is in this picture, and the weather?' },
            { type: 'image_url' as const, image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' as const } },
            { type: 'image_url' as const, image_url: { url: 'https://example.com/cat.jpg' } },
          ],
        },
        {
          role: 'assistant' as const,
          content: null,
          tool_calls: [{ id: 'call_9', type: 'function' as const, function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
        },
        { role: 'tool' as const, tool_call_id: 'call_9', content: '{"sky":"clear"}' },
      ],
      response_format: {
        type: 'json_schema' as const,
        json_schema: { name: 'answer', strict: true, schema: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false } },
      },
    };
    const completion = await gateway.client.chat.completions.create(request);
    expectSpecValid('CreateChatCompletionResponse', completion);
    expect(JSON.parse(completion.choices[0].message.content!)).toEqual({ answer: 'sunny' });
    expect(upstream.requests[0].body).toEqual(request);
  });

  it('lists its configured models', async () => {
    const list = await gateway.client.models.list();
    expectSpecValid('ListModelsResponse', { object: 'list', data: list.data });
    expect(list.data.map((model) => model.id)).toEqual(['gpt-4o-mini', 'text-embedding', 'azure-4o', 'openai/gpt-4.1']);
  });

  it('reaches a direct provider/model when the provider allows it, and 404s otherwise', async () => {
    upstream.enqueue({ json: textCompletion('direct', 'gpt-4.1') });
    const completion = await gateway.client.chat.completions.create({ model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'x' }] });
    expect(completion.choices[0].message.content).toBe('direct');
    expect(upstream.requests[0].body.model).toBe('gpt-4.1');
    await expect(gateway.client.chat.completions.create({ model: 'openai/gpt-5', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
  });

  it('calls Azure OpenAI at the deployment URL with its api-key header', async () => {
    await gateway.client.chat.completions.create({ model: 'azure-4o', messages: [{ role: 'user', content: 'x' }] }).catch(() => undefined);
    const received = upstream.requests[0];
    expect(received.path).toBe('/openai/deployments/my-deployment/chat/completions');
    expect(received.query.get('api-version')).toBe('2024-10-21');
    expect(received.headers['api-key']).toBe('azure-key-123456');
    expect(received.headers.authorization).toBeUndefined();
  });

  it('returns embeddings, float and base64', async () => {
    const floats = await gateway.client.embeddings.create({ model: 'text-embedding', input: 'hello', encoding_format: 'float' });
    expectSpecValid('CreateEmbeddingResponse', floats);
    expect(floats.data[0].embedding.length).toBeGreaterThan(100);
    expect(upstream.requests[0].body).toEqual({ model: 'text-embedding-3-small', input: 'hello', encoding_format: 'float' });
    const response = await postJson(`${gateway.baseURL}/embeddings`, { model: 'text-embedding', input: ['a'], encoding_format: 'base64' });
    const body: any = await response.json();
    expect(typeof body.data[0].embedding).toBe('string');
  });

  it('keeps an upstream 429 a 429 with its Retry-After, and hides the provider key', async () => {
    upstream.enqueue(openAIError(429, 'Rate limit reached for gpt-4o-mini', 'requests', 'rate_limit_exceeded', { 'retry-after': '7' }));
    const response = await postJson(`${gateway.baseURL}/chat/completions`, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    const body: any = await response.json();
    expectSpecValid('ErrorResponse', body);
    expect(body.error.code).toBe('rate_limit_exceeded');
  });

  it('answers 502 when the upstream rejects the gateway credentials, without echoing the key', async () => {
    upstream.enqueue(openAIError(401, `Incorrect API key provided: ${fakeOpenAIKey}.`, 'invalid_request_error', 'invalid_api_key'));
    const response = await postJson(`${gateway.baseURL}/chat/completions`, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(text).not.toContain(fakeOpenAIKey);
    expectSpecValid('ErrorResponse', JSON.parse(text));
  });

  it('turns an upstream error in the middle of a stream into an error event the SDK throws', async () => {
    const reply = chunkStreamReply([{ role: 'assistant', content: '' }, { content: 'partial' }], 'stop');
    const frames = (reply.chunks as string[]).slice(0, 2);
    frames.push('data: {"error":{"message":"The server had an error while processing your request.","type":"server_error","param":null,"code":null}}\n\n');
    upstream.enqueue({ headers: reply.headers, chunks: frames });
    const response = await postJson(`${gateway.baseURL}/chat/completions`, { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'x' }] });
    const data = await readSseData(response);
    const last = JSON.parse(data.at(-1)!);
    expectSpecValid('ErrorResponse', last);
    expect(last.error.message).toContain('server had an error');
    upstream.enqueue({ headers: reply.headers, chunks: frames });
    await expect(gateway.client.chat.completions.stream({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }).finalChatCompletion()).rejects.toThrow(/server had an error/);
  });

  it('ends a stream with an error event when the upstream connection dies mid-stream', async () => {
    const reply = chunkStreamReply([{ role: 'assistant', content: '' }, { content: 'partial' }], 'stop');
    upstream.enqueue({ headers: reply.headers, chunks: (reply.chunks as string[]).slice(0, 2), chunkDelayMs: 50, destroyAfterChunks: true });
    const response = await postJson(`${gateway.baseURL}/chat/completions`, { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'x' }] });
    const data = await readSseData(response);
    const last = JSON.parse(data.at(-1)!);
    expectSpecValid('ErrorResponse', last);
    expect(last.error.code).toBe('upstream_unreachable');
  });
});
