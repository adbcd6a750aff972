/**
 * End to end through the real server, the official `openai` SDK's Responses API as the client:
 * against an OpenAI upstream (which must receive the client's own bytes, model swapped) and an
 * Anthropic upstream (translated both ways). Every Response object and streamed event validates
 * against the official OpenAI OpenAPI document; the fake upstreams show what was sent; the ledger
 * row says `responses`.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeAnthropicKey, startFakeAnthropic, type FakeAnthropic } from '../fakes/fake-anthropic.js';
import { fakeOpenAIKey, startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.js';
import { ledgerRowFor } from '../helpers/ledger.js';
import { expectResponseEventValid, expectSpecValid } from '../helpers/openapi.js';
import { startTestGateway, testKey, type TestGateway } from '../helpers/start-gateway.js';

const otherKey = 'tg_other_tenant_key_0123456789';
let anthropicUpstream: FakeAnthropic;
let openaiUpstream: FakeOpenAI;
let gateway: TestGateway;

beforeAll(async () => {
  anthropicUpstream = await startFakeAnthropic();
  openaiUpstream = await startFakeOpenAI();
  gateway = await startTestGateway({
    providers: {
      claude: { type: 'anthropic', baseURL: anthropicUpstream.url, apiKey: fakeAnthropicKey },
      openai: { type: 'openai', baseURL: openaiUpstream.baseURL, apiKey: fakeOpenAIKey },
    },
    models: { sonnet: { provider: 'claude', model: 'claude-opus-4-8' }, gpt: { provider: 'openai', model: 'gpt-4o-mini' } },
    tenants: { test: { keys: [{ name: 'default', key: testKey }] }, other: { keys: [{ name: 'default', key: otherKey }] } },
    storage: { sqlite: ':memory:', ledgerFlushMs: 10 },
  });
});
afterAll(async () => {
  await gateway?.close();
  await anthropicUpstream?.close();
  await openaiUpstream?.close();
});
beforeEach(() => {
  anthropicUpstream.reset();
  openaiUpstream.reset();
});

const weatherTool = { type: 'function' as const, name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, strict: true };

describe('Responses to an OpenAI upstream: the client’s bytes, model swapped', () => {
  it('responses.create passes through and is stored for GET', async () => {
    const params = { model: 'gpt', input: 'Say hello', instructions: 'Be kind.', metadata: { team: 'a' } };
    const { data: response, response: raw } = await gateway.client.responses.create(params).withResponse();
    expectSpecValid('Response', response);
    expect(response.output_text).toBe('Hello from the fake Responses API.');
    const [received] = openaiUpstream.requests;
    expect(received.path).toBe('/v1/responses');
    expect(received.rawBody).toBe(JSON.stringify({ ...params, model: 'gpt-4o-mini' }));
    expect(received.headers.authorization).toBe(`Bearer ${fakeOpenAIKey}`);
    expect((await gateway.client.responses.retrieve(response.id)).id).toBe(response.id);
    const row = await ledgerRowFor(gateway.url, raw.headers.get('x-request-id')!);
    expect(row).toMatchObject({ protocol: 'responses', model: 'gpt', input_tokens: 15, cached_input_tokens: 10, output_tokens: 7, reasoning_tokens: 2 });
  });

  it('a stream passes through event for event', async () => {
    const stream = await gateway.client.responses.create({ model: 'gpt', input: 'Say hello', stream: true });
    const types: string[] = [];
    for await (const event of stream) {
      expectResponseEventValid(event);
      types.push(event.type);
    }
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    expect(openaiUpstream.requests[0].body).toEqual({ model: 'gpt-4o-mini', input: 'Say hello', stream: true });
  });
});

describe('Responses to an Anthropic upstream: translated', () => {
  it('responses.create with instructions, input items and a JSON schema format', async () => {
    anthropicUpstream.answerText('{"city":"Paris"}', { usage: { input_tokens: 20, output_tokens: 6, cache_read_input_tokens: 4 } });
    const response = await gateway.client.responses.create({
      model: 'sonnet',
      instructions: 'Answer in JSON.',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'Which city is the capital of France?' }] }],
      text: { format: { type: 'json_schema', name: 'city', schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false }, strict: true } },
      max_output_tokens: 100,
      reasoning: { effort: 'low' },
    });
    expectSpecValid('Response', response);
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe('{"city":"Paris"}');
    expect(response.usage).toMatchObject({ input_tokens: 24, input_tokens_details: { cached_tokens: 4 }, output_tokens: 6, total_tokens: 30 });
    expect(anthropicUpstream.lastBody).toMatchObject({
      model: 'claude-opus-4-8',
      max_tokens: 100,
      system: [{ type: 'text', text: 'Answer in JSON.' }],
      messages: [{ role: 'user', content: 'Which city is the capital of France?' }],
      output_config: { format: { type: 'json_schema' }, effort: 'low' },
    });
  });

  it('streams typed events that validate against the spec, ending in response.completed', async () => {
    anthropicUpstream.answerText('Streaming works — ünïcödé ✓.', { chunkDelayMs: 2 });
    const stream = gateway.client.responses.stream({ model: 'sonnet', input: 'Stream please' });
    const types: string[] = [];
    stream.on('event', (event) => {
      expectResponseEventValid(event);
      types.push(event.type);
    });
    const final = await stream.finalResponse();
    expectSpecValid('Response', final);
    expect(final.output_text).toBe('Streaming works — ünïcödé ✓.');
    expect(types.slice(0, 4)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
    expect(types.slice(-4)).toEqual(['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed']);
  });

  it('a function tool round trip with previous_response_id, the conversation kept by Tollgate', async () => {
    anthropicUpstream.answerToolUse([{ name: 'get_weather', input: { city: 'Oslo' }, id: 'toolu_42' }]);
    const first = await gateway.client.responses.create({ model: 'sonnet', input: 'Weather in Oslo?', tools: [weatherTool], tool_choice: 'required' });
    expectSpecValid('Response', first);
    const call = first.output.find((item) => item.type === 'function_call')!;
    expect(call).toMatchObject({ type: 'function_call', call_id: 'toolu_42', name: 'get_weather', arguments: '{"city":"Oslo"}', status: 'completed' });
    expect(anthropicUpstream.lastBody.tool_choice).toEqual({ type: 'any' });

    anthropicUpstream.answerText('It is 3°C in Oslo.');
    const second = await gateway.client.responses.create({
      model: 'sonnet',
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: 'toolu_42', output: '3°C, cloudy' }],
      tools: [weatherTool],
    });
    expectSpecValid('Response', second);
    expect(second.output_text).toBe('It is 3°C in Oslo.');
    expect(second.previous_response_id).toBe(first.id);
    expect(anthropicUpstream.lastBody.messages).toEqual([
      { role: 'user', content: 'Weather in Oslo?' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_42', name: 'get_weather', input: { city: 'Oslo' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_42', content: '3°C, cloudy' }] },
    ]);
  });

  it('stored responses are per tenant; DELETE forgets them; store: false keeps nothing', async () => {
    const created = await gateway.client.responses.create({ model: 'sonnet', input: 'Remember me' });
    const stranger = new OpenAI({ baseURL: gateway.baseURL, apiKey: otherKey, maxRetries: 0 });
    await expect(stranger.responses.retrieve(created.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(stranger.responses.create({ model: 'sonnet', input: 'x', previous_response_id: created.id })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await gateway.client.responses.delete(created.id);
    await expect(gateway.client.responses.retrieve(created.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const unstored = await gateway.client.responses.create({ model: 'sonnet', input: 'Forget me', store: false });
    await expect(gateway.client.responses.retrieve(unstored.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('bad input is a 400 in OpenAI’s error shape; a built-in tool on a translated model is refused', async () => {
    const bad: any = await gateway.client.responses.create({ model: 'sonnet', input: 'x', temperature: 9 }).catch((error) => error);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    expect(bad.param).toBe('temperature');
    const builtIn: any = await gateway.client.responses.create({ model: 'sonnet', input: 'x', tools: [{ type: 'web_search' }] as any }).catch((error) => error);
    expect(builtIn).toBeInstanceOf(OpenAI.BadRequestError);
    expect(builtIn.code).toBe('unsupported_parameter');
    const wrongMethod = await fetch(`${gateway.baseURL}/responses`, { method: 'PUT', headers: { authorization: `Bearer ${testKey}` } });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    expectSpecValid('ErrorResponse', await wrongMethod.json());
  });

  it('an upstream failure mid-stream ends with error and response.failed events', async () => {
    anthropicUpstream.answerText('Some words that will not all arrive', { streamError: { afterEvents: 4, type: 'overloaded_error', message: 'Overloaded' } });
    const response = await fetch(`${gateway.baseURL}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${testKey}` },
      body: JSON.stringify({ model: 'sonnet', input: 'Hi', stream: true }),
    });
    const text = await response.text();
    const events = text.split('\n').filter((line) => line.startsWith('data: ')).map((line) => JSON.parse(line.slice(6)));
    for (const event of events) expectResponseEventValid(event);
    expect(events.slice(-2).map((event) => event.type)).toEqual(['error', 'response.failed']);
    expect(events.at(-1).response.error.message).toContain('Overloaded');
  });
});
