/**
 * End to end through the real server, the official `@anthropic-ai/sdk` as the client of Tollgate's
 * Anthropic Messages API: against an Anthropic upstream (which must receive the client's own bytes,
 * model swapped) and against an OpenAI upstream (translated both ways). Asserts what the client
 * got, what the fake upstream received, the ledger row (protocol `anthropic`), and that every
 * streamed event has the shape of the recorded Anthropic streams.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeAnthropicKey, startFakeAnthropic, type FakeAnthropic } from '../fakes/fake-anthropic.js';
import { chunkStreamReply, fakeOpenAIKey, startFakeOpenAI, textCompletion, toolCallCompletion, type FakeOpenAI } from '../fakes/fake-openai.js';
import { readSseEvents } from '../../providers/shared/sse-decoder.js';
import { expectAnthropicStreamConforms } from '../helpers/anthropic-conformance.js';
import { ledgerRowFor } from '../helpers/ledger.js';
import { startTestGateway, testKey, type TestGateway } from '../helpers/start-gateway.js';

let anthropicUpstream: FakeAnthropic;
let openaiUpstream: FakeOpenAI;
let gateway: TestGateway;
let client: Anthropic;

beforeAll(async () => {
  anthropicUpstream = await startFakeAnthropic();
  openaiUpstream = await startFakeOpenAI();
  gateway = await startTestGateway({
    providers: {
      claude: { type: 'anthropic', baseURL: anthropicUpstream.url, apiKey: fakeAnthropicKey },
      openai: { type: 'openai', baseURL: openaiUpstream.baseURL, apiKey: fakeOpenAIKey },
    },
    models: {
      sonnet: { provider: 'claude', model: 'claude-opus-4-8', price: { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 } },
      gpt: { provider: 'openai', model: 'gpt-4o-mini' },
    },
    storage: { sqlite: ':memory:', ledgerFlushMs: 10 },
  });
  client = new Anthropic({ baseURL: gateway.url, apiKey: testKey, maxRetries: 0 });
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

const weatherTool = { name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] } };

describe('Messages to an Anthropic upstream: the client’s bytes, model swapped', () => {
  it('messages.create: the upstream receives the body as sent, the client gets the upstream’s message', async () => {
    anthropicUpstream.answerText('Bonjour!', { usage: { input_tokens: 30, output_tokens: 4, cache_read_input_tokens: 100, cache_creation_input_tokens: 20 } });
    const params = {
      model: 'sonnet',
      max_tokens: 100,
      system: [{ type: 'text' as const, text: 'Be brief.', cache_control: { type: 'ephemeral' as const } }],
      messages: [{ role: 'user' as const, content: 'Say hi in French' }],
      metadata: { user_id: 'u-1' },
    };
    const response = await client.messages.create(params).withResponse();
    const message = response.data;
    expect(message.content).toEqual([{ type: 'text', text: 'Bonjour!' }]);
    expect(message.usage).toMatchObject({ input_tokens: 30, cache_read_input_tokens: 100, cache_creation_input_tokens: 20, output_tokens: 4 });
    const [received] = anthropicUpstream.requests;
    expect(received.body).toEqual({ ...params, model: 'claude-opus-4-8' });
    expect(received.rawBody).toBe(JSON.stringify({ ...params, model: 'claude-opus-4-8' }));
    expect(received.headers['anthropic-version']).toBe('2026-10-21');
    expect(received.headers.authorization).toBe(`Bearer ${fakeAnthropicKey}`);
    expect(JSON.stringify(received.headers)).not.toContain(testKey);
    // Cache reads and writes are counted once each, at their own rates: 30×3 + 100×0.3 + 20×3.75 + 4×15 per million.
    expect(response.response.headers.get('x-tollgate-cost-usd')).toBe('0.000255000');
    const row = await ledgerRowFor(gateway.url, response.response.headers.get('x-request-id')!);
    expect(row).toMatchObject({ protocol: 'anthropic', model: 'sonnet', input_tokens: 30, cached_input_tokens: 100, cache_write_tokens: 20, output_tokens: 4, status: 200 });
  });

  it('messages.stream → finalMessage(): thinking and tool use pass through as the upstream sent them', async () => {
    anthropicUpstream.answerContent(
      [
        { type: 'thinking', thinking: 'The user wants weather.', signature: 'sig-abc' },
        { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
      ],
      { stopReason: 'tool_use', usage: { input_tokens: 50, output_tokens: 20 } },
    );
    const stream = client.messages.stream({
      model: 'sonnet',
      max_tokens: 2000,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      tools: [weatherTool],
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    });
    const final = await stream.finalMessage();
    expect(final.content).toEqual([
      { type: 'thinking', thinking: 'The user wants weather.', signature: 'sig-abc' },
      { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
    ]);
    expect(final.stop_reason).toBe('tool_use');
    expect(final.usage.output_tokens).toBe(20);
    expect(anthropicUpstream.lastBody).toMatchObject({ model: 'claude-opus-4-8', stream: true, thinking: { type: 'enabled', budget_tokens: 1024 } });
  });
});

describe('Messages to an OpenAI upstream: translated both ways', () => {
  it('messages.create with system, image and stop sequences', async () => {
    openaiUpstream.enqueue({ json: textCompletion('A red square.') });
    // `temperature` left SDK 1.x's types with API version 2026-10-21; older clients still send it.
    const message = await client.messages.create({
      model: 'gpt',
      max_tokens: 50,
      system: 'You describe images.',
      stop_sequences: ['END'],
      temperature: 0.2,
      messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } }, { type: 'text', text: 'What is it?' }] }],
    } as Anthropic.MessageCreateParamsNonStreaming);
    expect(message).toMatchObject({ type: 'message', role: 'assistant', content: [{ type: 'text', text: 'A red square.' }], stop_reason: 'end_turn', stop_sequence: null });
    expect(message.usage).toMatchObject({ input_tokens: 12, output_tokens: 5, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 });
    expect(message.id).toMatch(/^msg_/);
    expect(openaiUpstream.requests[0].body).toEqual({
      model: 'gpt-4o-mini',
      max_tokens: 50,
      temperature: 0.2,
      stop: ['END'],
      messages: [
        { role: 'system', content: 'You describe images.' },
        { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }, { type: 'text', text: 'What is it?' }] },
      ],
    });
  });

  it('a tool round trip: tool_use out, tool_result back as a tool message', async () => {
    openaiUpstream.enqueue({ json: toolCallCompletion([{ id: 'call_9', name: 'get_weather', arguments: '{"city":"Oslo"}' }]) });
    const first = await client.messages.create({ model: 'gpt', max_tokens: 100, tools: [weatherTool], tool_choice: { type: 'any' }, messages: [{ role: 'user', content: 'Weather in Oslo?' }] });
    expect(first.stop_reason).toBe('tool_use');
    const toolUse = first.content.find((block) => block.type === 'tool_use')!;
    expect(toolUse).toEqual({ type: 'tool_use', id: 'call_9', name: 'get_weather', input: { city: 'Oslo' } });
    expect(openaiUpstream.requests[0].body).toMatchObject({
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: weatherTool.input_schema } }],
      tool_choice: 'required',
    });

    openaiUpstream.enqueue({ json: textCompletion('It is 3°C in Oslo.') });
    const second = await client.messages.create({
      model: 'gpt',
      max_tokens: 100,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather in Oslo?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_9', content: '3°C, cloudy' }] },
      ],
    });
    expect(second.content).toEqual([{ type: 'text', text: 'It is 3°C in Oslo.' }]);
    expect(openaiUpstream.requests[1].body.messages).toEqual([
      { role: 'user', content: 'Weather in Oslo?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: 'call_9', content: '3°C, cloudy' },
    ]);
  });

  it('messages.stream → finalMessage(): text then a tool call, events shaped like the recordings', async () => {
    openaiUpstream.enqueue(
      chunkStreamReply(
        [
          { role: 'assistant', content: '' },
          { content: 'Let me check ' },
          { content: 'the weather — ☀️.' },
          { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } }] },
          { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] },
          { tool_calls: [{ index: 0, function: { arguments: '"Rome"}' } }] },
        ],
        'tool_calls',
        40,
        11,
      ),
    );
    const stream = client.messages.stream({ model: 'gpt', max_tokens: 100, tools: [weatherTool], messages: [{ role: 'user', content: 'Weather in Rome?' }] });
    const events: unknown[] = [];
    // Cloned as they arrive: the SDK builds its message snapshot inside message_start's object.
    stream.on('streamEvent', (event) => events.push(structuredClone(event)));
    const final = await stream.finalMessage();
    expect(final.content).toEqual([
      { type: 'text', text: 'Let me check the weather — ☀️.' },
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Rome' } },
    ]);
    expect(final.stop_reason).toBe('tool_use');
    expect(final.usage).toMatchObject({ input_tokens: 40, output_tokens: 11 });
    expect(openaiUpstream.requests[0].body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expectAnthropicStreamConforms(events);
  });

  it('writes the raw SSE in the recorded order, with a ping after the first block start', async () => {
    openaiUpstream.enqueue(chunkStreamReply([{ role: 'assistant', content: 'Hi' }, { content: ' there' }], 'stop'));
    const response = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': testKey, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'gpt', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const names: Array<string | undefined> = [];
    for await (const event of readSseEvents(response.body as any)) names.push(event.event);
    expect(names).toEqual(['message_start', 'content_block_start', 'ping', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
  });
});

describe('count_tokens, models and errors in Anthropic’s shape', () => {
  it('messages.countTokens counts the prompt for any model', async () => {
    const counted = await client.messages.countTokens({ model: 'gpt', system: 'Be brief.', messages: [{ role: 'user', content: 'Hello there, how are you today?' }] });
    expect(counted.input_tokens).toBeGreaterThan(5);
    expect(counted.input_tokens).toBeLessThan(30);
    expect(openaiUpstream.requests).toHaveLength(0);
  });

  it('models.list answers in Anthropic’s shape', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model);
    expect(models.map((model) => model.id).sort()).toEqual(['gpt', 'sonnet']);
    expect(models[0]).toMatchObject({ type: 'model', display_name: expect.any(String), created_at: expect.stringMatching(/^\d{4}-/) });
    expect((await client.models.retrieve('gpt')).id).toBe('gpt');
  });

  it('a bad body is a 400 BadRequestError in Anthropic’s shape', async () => {
    const error: any = await client.messages.create({ model: 'gpt', max_tokens: -1, messages: [{ role: 'user', content: 'x' }] } as any).catch((caught) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(error.status).toBe(400);
    expect(error.error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('max_tokens') } });
  });

  it('an unknown model is a NotFoundError; a bad key an AuthenticationError', async () => {
    const missing: any = await client.messages.create({ model: 'nope', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).catch((caught) => caught);
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
    expect(missing.error.error.type).toBe('not_found_error');
    const stranger = new Anthropic({ baseURL: gateway.url, apiKey: 'tg_wrong_key_0123456789abcdef', maxRetries: 0 });
    const denied: any = await stranger.messages.create({ model: 'gpt', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).catch((caught) => caught);
    expect(denied).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(denied.error).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });

  it('hostile input: deep nesting and out-of-range numbers are 400s; GET is a 405 with Allow', async () => {
    let deep: unknown = { type: 'string' };
    for (let level = 0; level < 200; level++) deep = { type: 'object', properties: { x: deep } };
    const nested = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': testKey },
      body: JSON.stringify({ model: 'gpt', max_tokens: 5, messages: [{ role: 'user', content: 'x' }], tools: [{ name: 't', input_schema: deep }] }),
    });
    expect(nested.status).toBe(400);
    expect(await nested.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    const huge = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': testKey },
      body: JSON.stringify({ model: 'gpt', max_tokens: 1e300, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(huge.status).toBe(400);
    const wrongMethod = await fetch(`${gateway.url}/v1/messages`, { headers: { 'x-api-key': testKey } });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    expect(await wrongMethod.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });

  it('an upstream failure mid-stream ends the stream with an error event the SDK raises', async () => {
    anthropicUpstream.answerText('Some words that will not all arrive', { streamError: { afterEvents: 3, type: 'overloaded_error', message: 'Overloaded' } });
    const stream = client.messages.stream({ model: 'sonnet', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] });
    const error: any = await stream.finalMessage().catch((caught) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(String(error.message)).toContain('Overloaded');
  });
});
