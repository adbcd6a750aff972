/**
 * End to end through the real server: the official `openai` SDK → Tollgate → the fake Anthropic
 * Messages API. Asserts what the client got, the exact request (body and headers) Anthropic
 * received, and that every body, chunk and error conforms to the official OpenAPI document.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeAnthropicKey, startFakeAnthropic, type FakeAnthropic } from '../fakes/fake-anthropic.js';
import { postJson, readSseData } from '../helpers/http.js';
import { expectSpecValid } from '../helpers/openapi.js';
import { startTestGateway, testKey, type TestGateway } from '../helpers/start-gateway.js';
import { conformancePath } from '../helpers/conformance.js';

let upstream: FakeAnthropic;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await startFakeAnthropic();
  gateway = await startTestGateway({
    providers: {
      claude: { type: 'anthropic', baseURL: upstream.url, apiKey: fakeAnthropicKey, headers: { 'x-team': 'search' }, defaultMaxTokens: 2048 },
      wrongkey: { type: 'anthropic', baseURL: upstream.url, apiKey: 'sk-ant-wrong-0123456789' },
    },
    models: {
      sonnet: { provider: 'claude', model: 'claude-opus-4-8' },
      broken: { provider: 'wrongkey', model: 'claude-opus-4-8' },
    },
  });
});
afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});
beforeEach(() => upstream.reset());

const weatherTool = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};
const anthropicWeatherTool = {
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

/** Collects the chunks of a `.stream()` call, validating each against the spec. */
function collectChunks(stream: { on(event: 'chunk', listener: (chunk: unknown) => void): unknown }): unknown[] {
  const chunks: unknown[] = [];
  stream.on('chunk', (chunk) => {
    expectSpecValid('CreateChatCompletionStreamResponse', chunk);
    chunks.push(chunk);
  });
  return chunks;
}

async function errorBody(response: Response): Promise<any> {
  const body: any = await response.json();
  expectSpecValid('ErrorResponse', body);
  return body;
}

describe('Anthropic through the gateway: text', () => {
  it('answers a completion, sending Anthropic the translated body with the SDK’s headers', async () => {
    upstream.answerText('Hello! How can I help?', { usage: { input_tokens: 21, output_tokens: 9 } });
    const completion = await gateway.client.chat.completions.create({
      model: 'sonnet',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello' },
      ],
      temperature: 0.7,
      seed: 7,
      user: 'user-42',
      stop: ['END'],
    });
    expectSpecValid('CreateChatCompletionResponse', completion);
    expect(completion).toMatchObject({
      object: 'chat.completion',
      // The client's own name for the model, not the provider's (see src/server/public-model.ts).
      model: 'sonnet',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello! How can I help?', refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 21, completion_tokens: 9, total_tokens: 30, prompt_tokens_details: { cached_tokens: 0 } },
    });
    expect(completion.id).toMatch(/^msg_/);

    const [received] = upstream.requests;
    expect(received.path).toBe('/v1/messages');
    expect(received.headers.authorization).toBe(`Bearer ${fakeAnthropicKey}`);
    expect(received.headers['x-api-key']).toBeUndefined();
    expect(received.headers['anthropic-version']).toBe('2026-10-21');
    expect(received.headers['x-team']).toBe('search');
    // The client's bearer key is Tollgate's, never forwarded.
    expect(received.rawBody).not.toContain(testKey);
    expect(JSON.stringify(received.headers)).not.toContain(testKey);
    // temperature is dropped (API 2026-10-21 refuses it), seed has no Anthropic counterpart.
    expect(received.body).toEqual({
      model: 'claude-opus-4-8',
      max_tokens: 2048,
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [{ role: 'user', content: 'Hello' }],
      stop_sequences: ['END'],
      metadata: { user_id: 'user-42' },
      stream: false,
    });
  });

  it('streams text: role first, one id for all chunks, finish_reason last', async () => {
    upstream.answerText('Streaming from Claude works fine.', { chunkDelayMs: 5 });
    const stream = gateway.client.chat.completions.stream({ model: 'sonnet', messages: [{ role: 'user', content: 'Hi' }], max_completion_tokens: 64 });
    const chunks = collectChunks(stream) as any[];
    const final = await stream.finalChatCompletion();
    expect(final.choices[0].message.content).toBe('Streaming from Claude works fine.');
    expect(final.choices[0].finish_reason).toBe('stop');
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.at(-1).choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(upstream.lastBody).toEqual({ model: 'claude-opus-4-8', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }], stream: true });
  });

  it('replays the recorded tool_use stream, cut into 7-byte pieces', async () => {
    upstream.answerRecordedStream(readFileSync(conformancePath('anthropic/tool_use_response.txt'), 'utf8'), { pieceBytes: 7 });
    const stream = gateway.client.chat.completions.stream({ model: 'sonnet', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [weatherTool] });
    collectChunks(stream);
    const final = await stream.finalChatCompletion();
    expect(final.choices[0].message.content).toBe("I'll check the current weather in Paris for you.");
    expect(final.choices[0].message.tool_calls?.[0]).toMatchObject({
      id: 'toolu_01NRLabsLyVHZPKxbKvkfSMn',
      type: 'function',
      function: { name: 'get_weather', arguments: '{"location": "Paris"}' },
    });
    expect(final.choices[0].finish_reason).toBe('tool_calls');
  });
});

describe('Anthropic through the gateway: tools', () => {
  it('maps a tool call, not streamed, with tool_choice and parallel_tool_calls', async () => {
    upstream.answerToolUse([{ name: 'get_weather', input: { city: 'Paris' }, id: 'toolu_01A' }]);
    const completion = await gateway.client.chat.completions.create({
      model: 'sonnet',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [weatherTool],
      tool_choice: 'required',
      parallel_tool_calls: false,
    });
    expectSpecValid('CreateChatCompletionResponse', completion);
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    expect(completion.choices[0].message.content).toBeNull();
    expect(completion.choices[0].message.tool_calls).toEqual([{ id: 'toolu_01A', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }]);
    expect(upstream.lastBody.tools).toEqual([anthropicWeatherTool]);
    expect(upstream.lastBody.tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true });
  });

  it('maps a tool call, streamed', async () => {
    upstream.answerToolUse([{ name: 'get_weather', input: { city: 'Rome' }, id: 'toolu_01B' }], { text: 'Checking.' });
    const stream = gateway.client.chat.completions.stream({
      model: 'sonnet',
      messages: [{ role: 'user', content: 'Weather in Rome?' }],
      tools: [weatherTool],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    const chunks = collectChunks(stream) as any[];
    const final = await stream.finalChatCompletion();
    expect(final.choices[0].message.content).toBe('Checking.');
    expect(final.choices[0].message.tool_calls?.[0]).toMatchObject({ id: 'toolu_01B', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } });
    const announcements = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []).filter((call: any) => call.id);
    expect(announcements).toEqual([{ index: 0, id: 'toolu_01B', type: 'function', function: { name: 'get_weather', arguments: '' } }]);
    expect(upstream.lastBody.tool_choice).toEqual({ type: 'tool', name: 'get_weather' });
  });

  it('maps parallel tool calls, streamed and not', async () => {
    const calls = [
      { name: 'get_weather', input: { city: 'Paris' }, id: 'toolu_P' },
      { name: 'get_weather', input: { city: 'Oslo' }, id: 'toolu_O' },
    ];
    upstream.answerToolUse(calls);
    const completion = await gateway.client.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'Paris and Oslo?' }], tools: [weatherTool] });
    expectSpecValid('CreateChatCompletionResponse', completion);
    const expected = [
      { id: 'toolu_P', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { id: 'toolu_O', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
    ];
    expect(completion.choices[0].message.tool_calls).toEqual(expected);

    upstream.answerToolUse(calls);
    const stream = gateway.client.chat.completions.stream({ model: 'sonnet', messages: [{ role: 'user', content: 'Paris and Oslo?' }], tools: [weatherTool] });
    collectChunks(stream);
    const final = await stream.finalChatCompletion();
    expect(final.choices[0].message.tool_calls?.map(({ id, function: { name, arguments: args } }) => ({ id, name, args }))).toEqual([
      { id: 'toolu_P', name: 'get_weather', args: '{"city":"Paris"}' },
      { id: 'toolu_O', name: 'get_weather', args: '{"city":"Oslo"}' },
    ]);
  });

  it('sends all tool results after one assistant turn as one user message of tool_result blocks', async () => {
    upstream.answerText('Paris is mild, Oslo is cold.');
    const completion = await gateway.client.chat.completions.create({
      model: 'sonnet',
      tools: [weatherTool],
      messages: [
        { role: 'system', content: 'You are a weather bot.' },
        { role: 'user', content: 'Paris and Oslo?' },
        {
          role: 'assistant',
          content: 'Let me check both.',
          tool_calls: [
            { id: 'toolu_P', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'toolu_O', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_P', content: '18°C' },
        { role: 'tool', tool_call_id: 'toolu_O', content: [{ type: 'text', text: '2°C' }] },
      ],
    });
    expectSpecValid('CreateChatCompletionResponse', completion);
    expect(completion.choices[0].message.content).toBe('Paris is mild, Oslo is cold.');
    expect(upstream.lastBody).toEqual({
      model: 'claude-opus-4-8',
      max_tokens: 2048,
      system: [{ type: 'text', text: 'You are a weather bot.' }],
      messages: [
        { role: 'user', content: 'Paris and Oslo?' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me check both.' },
            { type: 'tool_use', id: 'toolu_P', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_O', name: 'get_weather', input: { city: 'Oslo' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_P', content: '18°C' },
            { type: 'tool_result', tool_use_id: 'toolu_O', content: [{ type: 'text', text: '2°C' }] },
          ],
        },
      ],
      tools: [anthropicWeatherTool],
      stream: false,
    });
  });

  it('answers 400 naming the param when a tool call’s arguments are not JSON, without calling Anthropic', async () => {
    const response = await postJson(`${gateway.baseURL}/chat/completions`, {
      model: 'sonnet',
      messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{city' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'r' },
      ],
    });
    expect(response.status).toBe(400);
    const body = await errorBody(response);
    expect(body.error.param).toBe('messages[1].tool_calls[0].function.arguments');
    expect(upstream.requests).toHaveLength(0);
  });
});

describe('Anthropic through the gateway: images, structured output, usage', () => {
  it('sends a data URL image as a base64 source and an https image as a url source', async () => {
    upstream.answerText('A red pixel and a cat.');
    const completion = await gateway.client.chat.completions.create({
      model: 'sonnet',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Describe these.' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'low' } },
          ],
        },
      ],
    });
    expectSpecValid('CreateChatCompletionResponse', completion);
    expect(upstream.lastBody.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Describe these.' },
          {
            type: 'image',
            source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==' },
          },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
        ],
      },
    ]);
  });

  it('refuses an image type Anthropic cannot read with a clear 400', async () => {
    const response = await postJson(`${gateway.baseURL}/chat/completions`, {
      model: 'sonnet',
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/tiff;base64,SUkqAA==' } }] }],
    });
    expect(response.status).toBe(400);
    const body = await errorBody(response);
    expect(body.error).toMatchObject({ param: 'messages[0].content[0].image_url.url', code: 'unsupported_image_type' });
    expect(body.error.message).toContain('image/tiff');
  });

  it('asks for native structured output for json_schema and returns the JSON as content, streamed and not', async () => {
    const schema = { type: 'object', properties: { label: { type: 'string' }, score: { type: 'number' } }, required: ['label', 'score'], additionalProperties: false };
    const responseFormat = { type: 'json_schema' as const, json_schema: { name: 'sentiment', schema, strict: true } };
    upstream.answerText('{"label":"positive","score":0.9}');
    const completion = await gateway.client.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'I love it' }], response_format: responseFormat });
    expectSpecValid('CreateChatCompletionResponse', completion);
    expect(JSON.parse(completion.choices[0].message.content!)).toEqual({ label: 'positive', score: 0.9 });
    expect(completion.choices[0].finish_reason).toBe('stop');
    expect(upstream.lastBody.output_config).toEqual({ format: { type: 'json_schema', schema } });

    upstream.answerText('{"label": "negative", "score": 0.2}');
    const stream = gateway.client.chat.completions.stream({ model: 'sonnet', messages: [{ role: 'user', content: 'I hate it' }], response_format: responseFormat });
    collectChunks(stream);
    const final = await stream.finalChatCompletion();
    expect(JSON.parse(final.choices[0].message.content!)).toEqual({ label: 'negative', score: 0.2 });
  });

  it('reports cache reads and writes separately, streamed and not', async () => {
    const usage = { input_tokens: 50, cache_read_input_tokens: 3000, cache_creation_input_tokens: 400, output_tokens: 25 };
    const expected = {
      prompt_tokens: 3450,
      completion_tokens: 25,
      total_tokens: 3475,
      prompt_tokens_details: { cached_tokens: 3000, cache_write_tokens: 400 },
      completion_tokens_details: { reasoning_tokens: 0 },
    };
    upstream.answerText('cached', { usage });
    const completion = await gateway.client.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'x' }] });
    expectSpecValid('CreateChatCompletionResponse', completion);
    expect(completion.usage).toEqual(expected);

    upstream.answerText('cached', { usage });
    const response = await postJson(`${gateway.baseURL}/chat/completions`, {
      model: 'sonnet',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'x' }],
    });
    const data = await readSseData(response);
    expect(data.at(-1)).toBe('[DONE]');
    for (const line of data.slice(0, -1)) expectSpecValid('CreateChatCompletionStreamResponse', JSON.parse(line));
    const usageChunk = JSON.parse(data.at(-2)!);
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toEqual(expected);
    expect(usageChunk.id).toBe(JSON.parse(data[0]).id);
  });
});

describe('Anthropic through the gateway: errors', () => {
  it('keeps a 429 a 429 with its Retry-After, streamed and not', async () => {
    for (const stream of [false, true]) {
      upstream.answerError(429, { retryAfter: '30' });
      const response = await postJson(`${gateway.baseURL}/chat/completions`, { model: 'sonnet', stream, messages: [{ role: 'user', content: 'x' }] });
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('30');
      const body = await errorBody(response);
      expect(body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_error' });
      expect(body.error.message).toContain('rate limit');
    }
    upstream.answerError(429, { retryAfter: '30' });
    await expect(gateway.client.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 429 });
  });

  it('maps 529 overloaded to 503 and 500 to 502', async () => {
    upstream.answerError(529);
    const overloaded = await postJson(`${gateway.baseURL}/chat/completions`, { model: 'sonnet', stream: true, messages: [{ role: 'user', content: 'x' }] });
    expect(overloaded.status).toBe(503);
    expect((await errorBody(overloaded)).error.message).toContain('Overloaded');
    upstream.answerError(500);
    const broken = await postJson(`${gateway.baseURL}/chat/completions`, { model: 'sonnet', messages: [{ role: 'user', content: 'x' }] });
    expect(broken.status).toBe(502);
    await errorBody(broken);
  });

  it('passes a 400 through with Anthropic’s message', async () => {
    upstream.answerError(400, { message: 'messages.0.content: prompt is too long: 250000 tokens > 200000 maximum' });
    const response = await postJson(`${gateway.baseURL}/chat/completions`, { model: 'sonnet', messages: [{ role: 'user', content: 'x' }] });
    expect(response.status).toBe(400);
    const body = await errorBody(response);
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_request_error' });
    expect(body.error.message).toContain('prompt is too long');
  });

  it('answers 502 when Anthropic rejects the gateway’s key, without echoing it', async () => {
    const response = await postJson(`${gateway.baseURL}/chat/completions`, { model: 'broken', messages: [{ role: 'user', content: 'x' }] });
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(text).not.toContain('sk-ant-wrong-0123456789');
    expect(JSON.parse(text).error.code).toBe('upstream_authentication_failed');
    expectSpecValid('ErrorResponse', JSON.parse(text));
    expect(upstream.requests[0].headers.authorization).toBe('Bearer sk-ant-wrong-0123456789');
  });

  it('turns an error event in the middle of a stream into an error the SDK throws', async () => {
    upstream.answerText('This answer will break off', { streamError: { afterEvents: 5, type: 'overloaded_error', message: 'Overloaded' } });
    const response = await postJson(`${gateway.baseURL}/chat/completions`, { model: 'sonnet', stream: true, messages: [{ role: 'user', content: 'x' }] });
    expect(response.status).toBe(200);
    const data = await readSseData(response);
    const last = JSON.parse(data.at(-1)!);
    expectSpecValid('ErrorResponse', last);
    expect(last.error.message).toContain('Overloaded');
    for (const line of data.slice(0, -1)) expectSpecValid('CreateChatCompletionStreamResponse', JSON.parse(line));

    upstream.answerText('This answer will break off', { streamError: { afterEvents: 5, type: 'overloaded_error', message: 'Overloaded' } });
    await expect(gateway.client.chat.completions.stream({ model: 'sonnet', messages: [{ role: 'user', content: 'x' }] }).finalChatCompletion()).rejects.toThrow(/Overloaded/);
  });

  it('refuses n: 2 with a 400 and never calls Anthropic', async () => {
    const response = await postJson(`${gateway.baseURL}/chat/completions`, { model: 'sonnet', n: 2, messages: [{ role: 'user', content: 'x' }] });
    expect(response.status).toBe(400);
    const body = await errorBody(response);
    expect(body.error).toMatchObject({ param: 'n', code: 'unsupported_parameter' });
    expect(upstream.requests).toHaveLength(0);
    await expect(gateway.client.chat.completions.create({ model: 'sonnet', n: 2, messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 400 });
  });

  it('aborts the Anthropic request when the client goes away mid-stream', async () => {
    upstream.answerText('one two three four five six seven eight nine ten', { chunkDelayMs: 150 });
    // A raw socket, destroyed after the first bytes: fetch's abort may leave the connection pooled.
    await new Promise<void>((resolve, reject) => {
      const outgoing = httpRequest(
        `${gateway.baseURL}/chat/completions`,
        { method: 'POST', agent: false, headers: { 'content-type': 'application/json', authorization: `Bearer ${testKey}` } },
        (incoming) => {
          incoming.once('data', () => {
            outgoing.destroy();
            resolve();
          });
        },
      );
      outgoing.once('error', reject);
      outgoing.end(JSON.stringify({ model: 'sonnet', stream: true, messages: [{ role: 'user', content: 'x' }] }));
    });
    await expect.poll(() => upstream.abortedRequests, { timeout: 3_000 }).toBe(1);
  });
});
