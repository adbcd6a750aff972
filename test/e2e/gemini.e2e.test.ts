/**
 * End to end through the real server: the official `openai` SDK → Tollgate → the fake Gemini API.
 * Asserts what the client got, the exact request Gemini received (path, `x-goog-api-key`, body),
 * and that every body, chunk and error conforms to the official OpenAPI document.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  droppedConnectionTurn,
  errorTurn,
  fakeEmbedding,
  fakeGeminiKey,
  functionCallTurn,
  midStreamErrorTurn,
  promptBlockedTurn,
  safetyStopTurn,
  startFakeGemini,
  textTurn,
  type FakeGemini,
} from '../fakes/fake-gemini.js';
import { postJson, readSseData } from '../helpers/http.js';
import { expectSpecValid } from '../helpers/openapi.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { conformancePath } from '../helpers/conformance.js';

const wrongKey = 'AIzaSyWRONG-gateway-key-0123456789';
const recordedSignature: string = JSON.parse(
  readFileSync(
    conformancePath('gemini/vertexai-sdk-test-data/unary-success-thinking-function-call-thought-summary-signature.json'),
    'utf8',
  ),
).candidates[0].content.parts[1].thoughtSignature;

let upstream: FakeGemini;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await startFakeGemini();
  gateway = await startTestGateway({
    providers: {
      google: { type: 'gemini', baseURL: upstream.url, apiKey: fakeGeminiKey, headers: { 'x-team': 'search' } },
      wrongkey: { type: 'gemini', baseURL: upstream.url, apiKey: wrongKey },
    },
    models: {
      flash: { provider: 'google', model: 'gemini-2.5-flash' },
      pro3: { provider: 'google', model: 'gemini-3-pro-preview' },
      ghost: { provider: 'google', model: 'gemini-5.0-flash' },
      embed: { provider: 'google', model: 'text-embedding-004' },
      broken: { provider: 'wrongkey', model: 'gemini-2.5-flash' },
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
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: {
        city: { type: 'string', description: 'City name' },
        unit: { $ref: '#/$defs/unit' },
        days: { type: ['integer', 'null'], default: 1 },
      },
      required: ['city'],
      additionalProperties: false,
      $defs: { unit: { type: 'string', enum: ['c', 'f'] } },
    },
  },
};
const geminiWeatherDeclaration = {
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: {
    type: 'OBJECT',
    properties: {
      city: { type: 'STRING', description: 'City name' },
      unit: { type: 'STRING', enum: ['c', 'f'] },
      days: { type: 'INTEGER', nullable: true },
    },
    required: ['city'],
  },
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

async function expectErrorResponse(response: Response, status: number): Promise<{ error: { message: string; type: string; code: string | null } }> {
  expect(response.status).toBe(status);
  const body: any = await response.json();
  expectSpecValid('ErrorResponse', body);
  return body;
}

describe('Gemini through the gateway', () => {
  it('answers a text completion, sending Gemini the translated body with its key in x-goog-api-key', async () => {
    upstream.script(textTurn(['Hello', ' there!'], { responseId: 'resp-1', usage: { promptTokenCount: 12, candidatesTokenCount: 3 } }));
    const completion = await gateway.client.chat.completions.create({
      model: 'flash',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      temperature: 0.2,
      max_completion_tokens: 64,
      stop: ['END'],
      user: 'ignored',
    });
    expectSpecValid('CreateChatCompletionResponse', completion);
    expect(completion).toMatchObject({
      id: 'chatcmpl-resp-1',
      object: 'chat.completion',
      model: 'flash',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there!', refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
    });
    expect(upstream.requests).toHaveLength(1);
    const received = upstream.requests[0]!;
    expect(received.method).toBe('POST');
    expect(received.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(received.query.toString()).toBe('');
    expect(received.headers['x-goog-api-key']).toBe(fakeGeminiKey);
    expect(received.headers['x-team']).toBe('search');
    expect(received.headers['content-type']).toBe('application/json');
    expect(received.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      generationConfig: { stopSequences: ['END'], maxOutputTokens: 64, temperature: 0.2 },
    });
  });

  it('streams text: role first, one id for all chunks, finish_reason last, usage only when asked', async () => {
    upstream.script(textTurn(['The sky', ' is blue', ' because of Rayleigh scattering.'], { responseId: 'stream-1' }));
    const stream = gateway.client.chat.completions.stream({ model: 'flash', messages: [{ role: 'user', content: 'Why is the sky blue?' }] });
    const chunks = collectChunks(stream) as Array<{ id: string; choices: Array<{ delta: { role?: string }; finish_reason: string | null }> }>;
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]!.message.content).toBe('The sky is blue because of Rayleigh scattering.');
    expect(final.choices[0]!.finish_reason).toBe('stop');
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(new Set(chunks.map((chunk) => chunk.id))).toEqual(new Set(['chatcmpl-stream-1']));
    expect(chunks.map((chunk) => chunk.choices[0]!.finish_reason)).toEqual([null, null, null, 'stop']);
    const received = upstream.requests[0]!;
    expect(received.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent');
    expect(received.query.get('alt')).toBe('sse');
    expect(received.headers['x-goog-api-key']).toBe(fakeGeminiKey);
    expect(received.body).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Why is the sky blue?' }] }] });

    upstream.script(textTurn(['a', 'b'], { usage: { promptTokenCount: 5, candidatesTokenCount: 2, thoughtsTokenCount: 30 } }));
    const response = await postJson(`${gateway.baseURL}/chat/completions`, {
      model: 'flash',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'x' }],
    });
    const data = await readSseData(response);
    expect(data.at(-1)).toBe('[DONE]');
    for (const line of data.slice(0, -1)) expectSpecValid('CreateChatCompletionStreamResponse', JSON.parse(line));
    const usageChunk = JSON.parse(data.at(-2)!);
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 32, total_tokens: 37, completion_tokens_details: { reasoning_tokens: 30 } });
  });

  it('maps a tool call, not streamed: sanitised schema, tool_choice, synthesised id', async () => {
    upstream.script(functionCallTurn([{ name: 'get_weather', args: { city: 'Paris', unit: 'c' } }]));
    const completion = await gateway.client.chat.completions.create({
      model: 'flash',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [weatherTool],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    expectSpecValid('CreateChatCompletionResponse', completion);
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toEqual([
      { id: expect.stringMatching(/^call_[A-Za-z0-9]{24}$/), type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"c"}' } },
    ]);
    expect(upstream.requests[0]!.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Weather in Paris?' }] }],
      tools: [{ functionDeclarations: [geminiWeatherDeclaration] }],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } },
    });
  });

  it('maps tool calls, streamed, keeping Gemini ids when it sends them', async () => {
    upstream.script(
      functionCallTurn(
        [
          { name: 'get_weather', args: { city: 'Paris' }, id: 'gemini-call-1' },
          { name: 'get_weather', args: { city: 'Rome' } },
        ],
        { text: 'Checking both.' },
      ),
    );
    const stream = gateway.client.chat.completions.stream({ model: 'flash', messages: [{ role: 'user', content: 'Paris and Rome?' }], tools: [weatherTool] });
    collectChunks(stream);
    const final = await stream.finalChatCompletion();
    const message = final.choices[0]!.message;
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    expect(message.content).toBe('Checking both.');
    expect(message.tool_calls!.map((call) => [call.id.startsWith('call_') ? 'synthesised' : call.id, call.function.arguments])).toEqual([
      ['gemini-call-1', '{"city":"Paris"}'],
      ['synthesised', '{"city":"Rome"}'],
    ]);
    expect(upstream.requests[0]!.body.tools).toEqual([{ functionDeclarations: [geminiWeatherDeclaration] }]);
  });

  it('carries a thought signature through the tool-call id and sends it back with the function call (Gemini 3)', async () => {
    upstream.script(
      functionCallTurn([{ name: 'get_weather', args: { city: 'Paris' }, thoughtSignature: recordedSignature }], {
        thoughts: '**Planning** I need the weather tool.',
        usage: { promptTokenCount: 38, candidatesTokenCount: 8, thoughtsTokenCount: 501 },
      }),
      textTurn('It is 21 °C in Paris.'),
    );
    const messages: Parameters<typeof gateway.client.chat.completions.create>[0]['messages'] = [
      { role: 'system', content: 'You are a weather bot.' },
      { role: 'user', content: 'Weather in Paris?' },
    ];
    const first = await gateway.client.chat.completions.create({ model: 'pro3', messages, tools: [weatherTool] });
    expectSpecValid('CreateChatCompletionResponse', first);
    expect(first.usage).toMatchObject({ completion_tokens: 509, completion_tokens_details: { reasoning_tokens: 501 } });
    const toolCall = first.choices[0]!.message.tool_calls![0]!;
    expect(toolCall.id).toMatch(/^call_[A-Za-z0-9]{24}__thoughtsig__[A-Za-z0-9_-]+$/);
    expect(JSON.stringify(first)).not.toContain('Planning');

    const second = await gateway.client.chat.completions.create({
      model: 'pro3',
      tools: [weatherTool],
      messages: [...messages, first.choices[0]!.message, { role: 'tool', tool_call_id: toolCall.id, content: '{"temperature":21,"unit":"c"}' }],
    });
    expectSpecValid('CreateChatCompletionResponse', second);
    expect(second.choices[0]!.message.content).toBe('It is 21 °C in Paris.');
    expect(upstream.requests[1]!.path).toBe('/v1beta/models/gemini-3-pro-preview:generateContent');
    expect(upstream.requests[1]!.body).toEqual({
      systemInstruction: { parts: [{ text: 'You are a weather bot.' }] },
      contents: [
        { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
        { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: recordedSignature }] },
        { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temperature: 21, unit: 'c' } } }] },
      ],
      tools: [{ functionDeclarations: [geminiWeatherDeclaration] }],
    });

    // Without the signature (a history from elsewhere), Gemini 3 refuses, and the client sees why.
    const response = await postJson(`${gateway.baseURL}/chat/completions`, {
      model: 'pro3',
      messages: [
        ...messages,
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_plain', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_plain', content: 'sunny' },
      ],
    });
    const body = await expectErrorResponse(response, 400);
    expect(body.error.message).toMatch(/missing a `thought_signature`/);
  });

  it('sends a data URL image inline and an https image as fileData, without fetching it', async () => {
    const completion = await gateway.client.chat.completions.create({
      model: 'flash',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVQImWNwav0CAALIAbzDqqRyAAAAAElFTkSuQmCC' } },
            { type: 'image_url', image_url: { url: 'https://images.example.com/cat.webp', detail: 'low' } },
          ],
        },
      ],
    });
    expectSpecValid('CreateChatCompletionResponse', completion);
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.requests[0]!.body.contents).toEqual([
      {
        role: 'user',
        parts: [
          { text: 'What is in these?' },
          { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVQImWNwav0CAALIAbzDqqRyAAAAAElFTkSuQmCC' } },
          { fileData: { mimeType: 'image/webp', fileUri: 'https://images.example.com/cat.webp' } },
        ],
      },
    ]);
  });

  it('asks for JSON with a converted responseSchema and returns the JSON as content', async () => {
    upstream.script(textTurn(['{"name":"Ada",', '"age":36}']));
    const completion = await gateway.client.chat.completions.create({
      model: 'flash',
      messages: [{ role: 'user', content: 'Who wrote the first program?' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'person',
          strict: true,
          schema: {
            type: 'object',
            properties: { name: { type: 'string' }, age: { anyOf: [{ type: 'integer' }, { type: 'null' }] } },
            required: ['name', 'age'],
            additionalProperties: false,
          },
        },
      },
    });
    expectSpecValid('CreateChatCompletionResponse', completion);
    expect(JSON.parse(completion.choices[0]!.message.content!)).toEqual({ name: 'Ada', age: 36 });
    expect(upstream.requests[0]!.body.generationConfig).toEqual({
      responseMimeType: 'application/json',
      responseSchema: {
        type: 'OBJECT',
        properties: { name: { type: 'STRING' }, age: { type: 'INTEGER', nullable: true } },
        required: ['name', 'age'],
        propertyOrdering: ['name', 'age'],
      },
    });
  });

  it('maps n to candidateCount and candidates to choices', async () => {
    const completion = await gateway.client.chat.completions.create({ model: 'flash', n: 2, messages: [{ role: 'user', content: 'Hi' }] });
    expectSpecValid('CreateChatCompletionResponse', completion);
    expect(completion.choices.map((choice) => [choice.index, choice.message.content])).toEqual([
      [0, 'Hello from Gemini.'],
      [1, 'Hello (1) from (1) Gemini. (1)'],
    ]);
    expect(upstream.requests[0]!.body.generationConfig).toEqual({ candidateCount: 2 });
  });

  it('answers a blocked prompt and a safety stop with content_filter, streamed and not', async () => {
    upstream.script(promptBlockedTurn(), safetyStopTurn(), promptBlockedTurn());
    const blocked = await gateway.client.chat.completions.create({ model: 'flash', messages: [{ role: 'user', content: 'something bad' }] });
    expectSpecValid('CreateChatCompletionResponse', blocked);
    expect(blocked.choices[0]).toMatchObject({ message: { content: null }, finish_reason: 'content_filter' });
    const stopped = await gateway.client.chat.completions.create({ model: 'flash', messages: [{ role: 'user', content: 'x' }] });
    expect(stopped.choices[0]!.finish_reason).toBe('content_filter');
    const stream = gateway.client.chat.completions.stream({ model: 'flash', messages: [{ role: 'user', content: 'something bad' }] });
    collectChunks(stream);
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]).toMatchObject({ finish_reason: 'content_filter', message: { content: null } });
  });

  it('returns embeddings, float and base64, from batchEmbedContents', async () => {
    const floats = await gateway.client.embeddings.create({ model: 'embed', input: ['hello', 'world!'], encoding_format: 'float', dimensions: 8 });
    expectSpecValid('CreateEmbeddingResponse', floats);
    expect(floats).toMatchObject({ object: 'list', model: 'embed', usage: { prompt_tokens: 4, total_tokens: 4 } });
    expect(floats.data.map((item) => item.embedding)).toEqual([fakeEmbedding('hello', 8), fakeEmbedding('world!', 8)]);
    const received = upstream.requests[0]!;
    expect(received.path).toBe('/v1beta/models/text-embedding-004:batchEmbedContents');
    expect(received.headers['x-goog-api-key']).toBe(fakeGeminiKey);
    expect(received.body).toEqual({
      requests: [
        { model: 'models/text-embedding-004', content: { parts: [{ text: 'hello' }] }, outputDimensionality: 8 },
        { model: 'models/text-embedding-004', content: { parts: [{ text: 'world!' }] }, outputDimensionality: 8 },
      ],
    });

    const response = await postJson(`${gateway.baseURL}/embeddings`, { model: 'embed', input: 'hello', encoding_format: 'base64', dimensions: 4 });
    expect(response.status).toBe(200);
    const body: any = await response.json();
    expect(body).toMatchObject({ object: 'list', data: [{ object: 'embedding', index: 0 }], usage: { prompt_tokens: 2, total_tokens: 2 } });
    const decoded = new Float32Array(new Uint8Array(Buffer.from(body.data[0].embedding, 'base64')).buffer);
    expect([...decoded]).toEqual(fakeEmbedding('hello', 4).map(Math.fround));

    // The SDK asks for base64 by default and decodes it itself.
    const viaSdk = await gateway.client.embeddings.create({ model: 'embed', input: 'hello', dimensions: 4 });
    expect(viaSdk.data[0]!.embedding).toEqual(fakeEmbedding('hello', 4).map(Math.fround));
  });

  it('refuses token-id embeddings input with a 400, without calling Gemini', async () => {
    const response = await postJson(`${gateway.baseURL}/embeddings`, { model: 'embed', input: [1, 2, 3] });
    const body = await expectErrorResponse(response, 400);
    expect(body.error.code).toBe('unsupported_parameter');
    expect(upstream.requests).toHaveLength(0);
  });

  it('keeps a 429 a 429 with a Retry-After derived from RetryInfo, streamed and not', async () => {
    upstream.script(errorTurn(429, { retryDelay: '37s' }), errorTurn(429, { retryDelay: '2.5s' }));
    const response = await postJson(`${gateway.baseURL}/chat/completions`, { model: 'flash', messages: [{ role: 'user', content: 'x' }] });
    expect(response.headers.get('retry-after')).toBe('37');
    const body = await expectErrorResponse(response, 429);
    expect(body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    const streamed = await postJson(`${gateway.baseURL}/chat/completions`, { model: 'flash', stream: true, messages: [{ role: 'user', content: 'x' }] });
    expect(streamed.headers.get('retry-after')).toBe('3');
    await expectErrorResponse(streamed, 429);
  });

  it('keeps an unknown model a 404 with Google\'s message', async () => {
    await expect(gateway.client.chat.completions.create({ model: 'ghost', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
    });
    const response = await postJson(`${gateway.baseURL}/chat/completions`, { model: 'ghost', stream: true, messages: [{ role: 'user', content: 'x' }] });
    const body = await expectErrorResponse(response, 404);
    expect(body.error.message).toContain('models/gemini-5.0-flash is not found for API version v1beta');
    expect(upstream.requests[1]!.path).toBe('/v1beta/models/gemini-5.0-flash:streamGenerateContent');
  });

  it('maps 500 to 502 and 503 to 503', async () => {
    upstream.script(errorTurn(500), errorTurn(503));
    const internal = await postJson(`${gateway.baseURL}/chat/completions`, { model: 'flash', messages: [{ role: 'user', content: 'x' }] });
    expect((await expectErrorResponse(internal, 502)).error.type).toBe('upstream_error');
    const overloaded = await postJson(`${gateway.baseURL}/chat/completions`, { model: 'flash', messages: [{ role: 'user', content: 'x' }] });
    expect((await expectErrorResponse(overloaded, 503)).error.message).toContain('overloaded');
  });

  it('answers 502 when Gemini rejects the gateway key (400 API_KEY_INVALID), never echoing the key', async () => {
    const response = await postJson(`${gateway.baseURL}/chat/completions`, { model: 'broken', messages: [{ role: 'user', content: 'x' }] });
    const text = await response.clone().text();
    const body = await expectErrorResponse(response, 502);
    expect(body.error.code).toBe('upstream_authentication_failed');
    expect(text).not.toContain(wrongKey);
    expect(upstream.requests[0]!.headers['x-goog-api-key']).toBe(wrongKey);
  });

  it('turns an error event in the middle of a stream into an error the SDK throws', async () => {
    upstream.script(midStreamErrorTurn(textTurn(['partial ', 'answer']), 503));
    const response = await postJson(`${gateway.baseURL}/chat/completions`, { model: 'flash', stream: true, messages: [{ role: 'user', content: 'x' }] });
    expect(response.status).toBe(200);
    const data = await readSseData(response);
    const last = JSON.parse(data.at(-1)!);
    expectSpecValid('ErrorResponse', last);
    expect(last.error.message).toContain('overloaded');
    for (const line of data.slice(0, -1)) expectSpecValid('CreateChatCompletionStreamResponse', JSON.parse(line));

    upstream.script(midStreamErrorTurn(textTurn(['partial ', 'answer']), 500));
    await expect(gateway.client.chat.completions.stream({ model: 'flash', messages: [{ role: 'user', content: 'x' }] }).finalChatCompletion()).rejects.toThrow(
      /internal error/,
    );
  });

  it('ends a stream with an error event when the Gemini connection dies mid-stream', async () => {
    upstream.script(droppedConnectionTurn(textTurn(['one ', 'two ', 'three']), 2));
    const response = await postJson(`${gateway.baseURL}/chat/completions`, { model: 'flash', stream: true, messages: [{ role: 'user', content: 'x' }] });
    const data = await readSseData(response);
    const last = JSON.parse(data.at(-1)!);
    expectSpecValid('ErrorResponse', last);
    expect(last.error.code).toBe('upstream_unreachable');
    expect(data.slice(0, -1).map((line) => JSON.parse(line).choices[0].delta.content)).toEqual(['one ', 'two ']);
  });
});
