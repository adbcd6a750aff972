/**
 * End to end with the built-in mock provider, the one the default configuration serves: the
 * official `openai` SDK against the real server, every answer checked against the OpenAPI spec.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, readSseData } from '../helpers/http.js';
import { expectSpecValid } from '../helpers/openapi.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway({
    providers: { demo: { type: 'mock', chunks: 4, completionTokens: 12, directModels: true } },
    models: { demo: { provider: 'demo', model: 'echo' }, lorem: { provider: 'demo', model: 'lorem' } },
  });
});
afterAll(() => gateway?.close());

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } }, required: ['city', 'unit'] },
  },
};
const timeTool = { type: 'function' as const, function: { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } } } } };

describe('mock provider through the gateway', () => {
  it('echoes the last user message as a valid chat completion', async () => {
    const completion = await gateway.client.chat.completions.create({
      model: 'demo',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'Hello, Tollgate!' },
      ],
    });
    expectSpecValid('CreateChatCompletionResponse', completion);
    expect(completion.choices[0].message.content).toBe('Hello, Tollgate!');
    expect(completion.choices[0].finish_reason).toBe('stop');
    expect(completion.model).toBe('demo');
    expect(completion.usage).toMatchObject({ completion_tokens: 2 });
    expect(completion.usage!.prompt_tokens).toBeGreaterThan(0);
  });

  it('is deterministic for the same request', async () => {
    const request = { model: 'lorem', messages: [{ role: 'user' as const, content: 'anything' }] };
    const first = await gateway.client.chat.completions.create(request);
    const second = await gateway.client.chat.completions.create(request);
    expect(first.choices[0].message.content).toBe(second.choices[0].message.content);
    expect(first.choices[0].message.content!.split(' ')).toHaveLength(12);
  });

  it('streams the same text in chunks, with usage only when asked', async () => {
    const stream = gateway.client.chat.completions.stream({ model: 'lorem', messages: [{ role: 'user', content: 'anything' }] });
    const chunks: unknown[] = [];
    stream.on('chunk', (chunk) => chunks.push(chunk));
    const final = await stream.finalChatCompletion();
    const plain = await gateway.client.chat.completions.create({ model: 'lorem', messages: [{ role: 'user', content: 'anything' }] });
    expect(final.choices[0].message.content).toBe(plain.choices[0].message.content);
    for (const chunk of chunks) expectSpecValid('CreateChatCompletionStreamResponse', chunk);
    expect((chunks[0] as any).choices[0].delta.role).toBe('assistant');
    expect(chunks.length).toBe(1 + 4 + 1);

    const response = await postJson(`${gateway.baseURL}/chat/completions`, {
      model: 'lorem',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'anything' }],
    });
    const data = await readSseData(response);
    expect(data.at(-1)).toBe('[DONE]');
    const usageChunk = JSON.parse(data.at(-2)!);
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage.completion_tokens).toBe(12);
    for (const line of data.slice(0, -2)) expect(JSON.parse(line).usage).toBeNull();
    for (const line of data.slice(0, -1)) expectSpecValid('CreateChatCompletionStreamResponse', JSON.parse(line));
  });

  it('calls tools deterministically, in parallel when several are named, and answers tool results', async () => {
    const single = await gateway.client.chat.completions.create({ model: 'demo', messages: [{ role: 'user', content: 'weather?' }], tools: [weatherTool, timeTool] });
    expectSpecValid('CreateChatCompletionResponse', single);
    expect(single.choices[0].finish_reason).toBe('tool_calls');
    const call = single.choices[0].message.tool_calls![0];
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ city: 'sample', unit: 'c' });

    const parallel = await gateway.client.chat.completions.create({
      model: 'demo',
      messages: [{ role: 'user', content: 'use get_weather and get_time' }],
      tools: [weatherTool, timeTool],
    });
    expect(parallel.choices[0].message.tool_calls!.map((toolCall) => toolCall.type === 'function' && toolCall.function.name)).toEqual(['get_weather', 'get_time']);

    const streamed = await gateway.client.chat.completions
      .stream({ model: 'demo', messages: [{ role: 'user', content: 'use get_weather and get_time' }], tools: [weatherTool, timeTool] })
      .finalChatCompletion();
    expect(streamed.choices[0].message.tool_calls!.map((toolCall) => toolCall.function.arguments)).toEqual(
      parallel.choices[0].message.tool_calls!.map((toolCall) => toolCall.type === 'function' && toolCall.function.arguments),
    );

    const roundTrip = await gateway.client.chat.completions.create({
      model: 'demo',
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: call.id, content: '{"temperature":21}' },
      ],
    });
    expect(roundTrip.choices[0].message.content).toBe('The tools returned: {"temperature":21}');
  });

  it('produces JSON that satisfies a json_schema response format', async () => {
    const completion = await gateway.client.chat.completions.create({
      model: 'demo',
      messages: [{ role: 'user', content: 'classify' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'sentiment',
          schema: { type: 'object', properties: { label: { type: 'string', enum: ['positive', 'negative'] }, score: { type: 'number', minimum: 0, maximum: 1 } }, required: ['label', 'score'] },
        },
      },
    });
    expect(JSON.parse(completion.choices[0].message.content!)).toEqual({ label: 'positive', score: 0.5 });
  });

  it('honours n, stop and max_tokens', async () => {
    const completion = await gateway.client.chat.completions.create({ model: 'demo', n: 2, messages: [{ role: 'user', content: 'one two three four' }], max_tokens: 2 });
    expectSpecValid('CreateChatCompletionResponse', completion);
    expect(completion.choices.map((choice) => [choice.index, choice.message.content, choice.finish_reason])).toEqual([
      [0, 'one two', 'length'],
      [1, 'one two', 'length'],
    ]);
    const stopped = await gateway.client.chat.completions.create({ model: 'demo', messages: [{ role: 'user', content: 'alpha STOP beta' }], stop: ['STOP'] });
    expect(stopped.choices[0].message.content).toBe('alpha ');
  });

  it('embeds deterministically', async () => {
    const first = await gateway.client.embeddings.create({ model: 'demo', input: ['a', 'b'] });
    const second = await gateway.client.embeddings.create({ model: 'demo', input: ['a', 'b'], dimensions: 16 });
    expectSpecValid('CreateEmbeddingResponse', first);
    expect(first.data).toHaveLength(2);
    expect(first.data[0].embedding).toEqual(second.data[0].embedding);
    expect(first.data[0].embedding).not.toEqual(first.data[1].embedding);
  });

  it('lists and retrieves models', async () => {
    const list = await gateway.client.models.list();
    expectSpecValid('ListModelsResponse', { object: 'list', data: list.data });
    expect(list.data.map((model) => model.id)).toEqual(['demo', 'lorem']);
    const model = await gateway.client.models.retrieve('demo');
    expectSpecValid('Model', model);
    expect(model).toMatchObject({ id: 'demo', object: 'model', owned_by: 'demo' });
    await expect(gateway.client.models.retrieve('nope')).rejects.toMatchObject({ status: 404 });
  });

  it('reaches any mock model directly as provider/model', async () => {
    const completion = await gateway.client.chat.completions.create({ model: 'demo/echo', messages: [{ role: 'user', content: 'direct' }] });
    expect(completion.choices[0].message.content).toBe('direct');
  });

  it('answers health and readiness probes, and tags every response with its own request id, echoing the caller\'s', async () => {
    const health = await fetch(`${gateway.url}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${gateway.url}/readyz`, { headers: { 'x-request-id': 'trace-123' } });
    expect(ready.status).toBe(200);
    expect(ready.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    expect(ready.headers.get('x-client-request-id')).toBe('trace-123');
  });
});
