/**
 * The nastiest requests, written by hand, on the inbound protocols beyond OpenAI chat (issue 9):
 * huge numbers, deep nesting, giant strings, many array items and `$ref` expansion on Anthropic's
 * `/v1/messages` and Google's `/v1beta` routes; multipart uploads with huge and many parts; bodies
 * that are not UTF-8; a Content-Length that does not match the body. Each is answered with a 4xx
 * in the route's own protocol error shape with nothing from inside the gateway in it, the
 * upstream receives nothing it should not, and every refused call has its ledger row.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeGeminiKey, startFakeGemini, type FakeGemini } from '../fakes/fake-gemini.js';
import { fakeOpenAIKey, startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.js';
import { deepObjectJson, doublingSchema } from '../helpers/hostile-input.js';
import { ledgerRowFor } from '../helpers/ledger.js';
import { startTestGateway, testKey, type TestGateway } from '../helpers/start-gateway.js';

const bodyLimitBytes = 256 * 1024;
let gateway: TestGateway;
let gemini: FakeGemini;
let openai: FakeOpenAI;

beforeAll(async () => {
  [gemini, openai] = await Promise.all([startFakeGemini(), startFakeOpenAI()]);
  gateway = await startTestGateway({
    server: { bodyLimitBytes, bodyTimeoutMs: 500 },
    providers: {
      demo: { type: 'mock' },
      gemini: { type: 'gemini', baseURL: gemini.url, apiKey: fakeGeminiKey },
      openai: { type: 'openai', baseURL: openai.baseURL, apiKey: fakeOpenAIKey },
    },
    models: {
      demo: { provider: 'demo', model: 'echo' },
      flash: { provider: 'gemini', model: 'gemini-2.5-flash' },
      whisper: { provider: 'openai', model: 'whisper-1' },
    },
  });
});
afterAll(async () => {
  await gateway?.close();
  await Promise.all([gemini?.close(), openai?.close()]);
});

const internals = /Maximum call stack|RangeError|TypeError|SyntaxError|\bat [\w.<>]+ \(|\.(ts|js|mjs):\d+|\/work\/|node_modules/;

type Shape = 'anthropic' | 'gemini' | 'openai';

/** Checks a refusal: the status, the protocol's error shape, no internals, and its ledger row. */
async function expectRefusal(response: Response, shape: Shape, status = 400): Promise<{ message: string; type?: string; code?: unknown; param?: unknown }> {
  const text = await response.text();
  expect(response.status, text.slice(0, 300)).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = JSON.parse(text);
  if (shape === 'anthropic') expect(body).toEqual({ type: 'error', error: { type: expect.any(String), message: expect.any(String) } });
  else if (shape === 'gemini') expect(body).toEqual({ error: { code: status, message: expect.any(String), status: expect.stringMatching(/^[A-Z_]+$/) } });
  else expect(body.error).toMatchObject({ message: expect.any(String), type: expect.any(String) });
  expect(body.error.message).not.toMatch(internals);
  const row = await ledgerRowFor(gateway.url, response.headers.get('x-request-id')!);
  expect(row.status).toBe(status);
  return body.error;
}

const anthropicHeaders = { 'content-type': 'application/json', 'x-api-key': testKey, 'anthropic-version': '2023-06-01' };
const messages = (body: unknown) => fetch(`${gateway.url}/v1/messages`, { method: 'POST', headers: anthropicHeaders, body: typeof body === 'string' ? body : JSON.stringify(body) });
const generate = (model: string, body: unknown, how: 'header' | 'query' = 'header') =>
  fetch(`${gateway.url}/v1beta/models/${model}:generateContent${how === 'query' ? `?key=${testKey}` : ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(how === 'header' ? { 'x-goog-api-key': testKey } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const hello = [{ role: 'user', content: 'hi' }];
const helloContents = [{ role: 'user', parts: [{ text: 'hi' }] }];

describe('huge numbers', () => {
  it('Anthropic: max_tokens, thinking budget and temperature beyond any bound are 400s in Anthropic’s shape', async () => {
    for (const extra of ['"max_tokens":9007199254740991', '"max_tokens":1e400', '"max_tokens":1,"thinking":{"type":"enabled","budget_tokens":9007199254740993}', '"max_tokens":1,"temperature":1e308', '"max_tokens":1,"top_k":2147483648']) {
      const error = await expectRefusal(await messages(`{"model":"demo","messages":[{"role":"user","content":"hi"}],${extra}}`), 'anthropic');
      expect(error.type).toBe('invalid_request_error');
    }
  });

  it('Gemini: maxOutputTokens, candidateCount and topK beyond any bound are 400s in Google’s shape', async () => {
    for (const generationConfig of [{ maxOutputTokens: 2 ** 53 }, { candidateCount: 2 ** 31 }, { topK: 1e300 }]) {
      const error = await expectRefusal(await generate('demo', { contents: helloContents, generationConfig }), 'gemini');
      expect(error.message).toMatch(/generationConfig/);
    }
  });
});

describe('deep nesting', () => {
  const deep = JSON.parse(deepObjectJson(3_000));

  it('is refused before anything walks it, on both protocols', async () => {
    await expectRefusal(await messages({ model: 'demo', max_tokens: 5, messages: hello, tools: [{ name: 'f', input_schema: deep }] }), 'anthropic');
    await expectRefusal(await messages({ model: 'demo', max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'x', content: deep }] }] }), 'anthropic');
    await expectRefusal(await generate('demo', { contents: [{ role: 'user', parts: [{ functionResponse: { name: 'f', response: deep } }] }] }), 'gemini');
    await expectRefusal(await generate('demo', { contents: helloContents, generationConfig: { responseMimeType: 'application/json', responseSchema: deep } }, 'query'), 'gemini');
  });
});

describe('$ref expansion', () => {
  it('refuses a doubling tool schema sent through Anthropic’s API to a Gemini model, and sends Gemini nothing', async () => {
    gemini.reset();
    const error = await expectRefusal(await messages({ model: 'flash', max_tokens: 5, messages: hello, tools: [{ name: 'f', input_schema: doublingSchema(20) }] }), 'anthropic');
    expect(error.message).toMatch(/subschemas/);
    expect(gemini.requests).toHaveLength(0);
  });

  it('refuses a doubling schema in Gemini’s own tools and response schema, and sends Gemini nothing', async () => {
    gemini.reset();
    const tools = [{ functionDeclarations: [{ name: 'f', parameters: doublingSchema(20) }] }];
    expect((await expectRefusal(await generate('flash', { contents: helloContents, tools }), 'gemini')).message).toMatch(/subschemas/);
    const generationConfig = { responseMimeType: 'application/json', responseJsonSchema: doublingSchema(20) };
    expect((await expectRefusal(await generate('flash', { contents: helloContents, generationConfig }), 'gemini')).message).toMatch(/subschemas/);
    expect(gemini.requests).toHaveLength(0);
  });
});

describe('giant strings and many items', () => {
  it('a body over the limit is a 413 in the protocol’s shape; a string just under it is served', async () => {
    await expectRefusal(await messages({ model: 'demo', max_tokens: 5, messages: [{ role: 'user', content: 'a'.repeat(bodyLimitBytes) }] }), 'anthropic', 413);
    await expectRefusal(await generate('demo', { contents: [{ role: 'user', parts: [{ text: '👋'.repeat(bodyLimitBytes / 4) }] }] }), 'gemini', 413);
    const served = await messages({ model: 'demo', max_tokens: 5, messages: [{ role: 'user', content: 'a'.repeat(bodyLimitBytes - 200) }] });
    expect(served.status).toBe(200);
  });

  it('refuses more tools or stop sequences than the protocol bounds (1,024; 64 and 16), and stop sequences too long; many small messages within the body limit are served', async () => {
    const tools = Array.from({ length: 1_100 }, (_, index) => ({ name: `f${index}`, input_schema: { type: 'object' } }));
    expect((await expectRefusal(await messages({ model: 'demo', max_tokens: 5, messages: hello, tools }), 'anthropic')).message).toMatch(/tools/);
    const declarations = [{ functionDeclarations: Array.from({ length: 1_100 }, (_, index) => ({ name: `f${index}` })) }];
    expect((await expectRefusal(await generate('demo', { contents: helloContents, tools: declarations }), 'gemini')).message).toMatch(/tools/);
    const stops = Array.from({ length: 20_000 }, () => 'x');
    expect((await expectRefusal(await messages({ model: 'demo', max_tokens: 5, messages: hello, stop_sequences: stops }), 'anthropic')).message).toMatch(/stop_sequences/);
    expect((await expectRefusal(await generate('demo', { contents: helloContents, generationConfig: { stopSequences: stops } }), 'gemini')).message).toMatch(/stopSequences/);
    const longStop = ['s'.repeat(20_000)];
    expect((await expectRefusal(await messages({ model: 'demo', max_tokens: 5, messages: hello, stop_sequences: longStop }), 'anthropic')).message).toMatch(/stop_sequences/);
    const many = Array.from({ length: 5_000 }, () => ({ role: 'user', content: 'x' }));
    expect((await messages({ model: 'demo', max_tokens: 5, messages: many })).status).toBe(200);
    expect((await generate('demo', { contents: Array.from({ length: 5_000 }, () => ({ role: 'user', parts: [{ text: 'x' }] })) })).status).toBe(200);
  });
});

describe('bodies that are not UTF-8', () => {
  it('are refused in each protocol’s shape', async () => {
    const latin1 = Buffer.concat([Buffer.from('{"model":"demo","max_tokens":5,"messages":[{"role":"user","content":"caf'), Buffer.from([0xe9, 0xff]), Buffer.from('"}]}')]);
    await expectRefusal(await fetch(`${gateway.url}/v1/messages`, { method: 'POST', headers: anthropicHeaders, body: latin1 }), 'anthropic');
    const contents = Buffer.concat([Buffer.from('{"contents":[{"role":"user","parts":[{"text":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}]}]}')]);
    await expectRefusal(await fetch(`${gateway.url}/v1beta/models/demo:generateContent?key=${testKey}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: contents }), 'gemini');
  });
});

describe('multipart uploads', () => {
  const boundary = 'hostileboundary';
  const form = (...parts: Buffer[]) => Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]);
  const field = (name: string, value: string | Buffer, headers = '') => Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n${headers}\r\n`), Buffer.from(value), Buffer.from('\r\n')]);
  const file = (name: string, size: number) => Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: audio/mpeg\r\n\r\n`), Buffer.alloc(size, 0x41), Buffer.from('\r\n')]);
  const transcribe = (body: Buffer) => fetch(`${gateway.url}/v1/audio/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${testKey}`, 'content-type': `multipart/form-data; boundary=${boundary}` }, body });

  it('refuses a part whose headers are too long with a 400 the client, still sending, reads', async () => {
    openai.reset();
    const error = await expectRefusal(await transcribe(form(field('model', 'whisper'), field('prompt', 'x', `X-Pad: ${'p'.repeat(20_000)}\r\n`), file('a.mp3', 200_000))), 'openai');
    expect(error.code).toBe('invalid_multipart');
    expect(openai.requests).toHaveLength(0);
  });

  it('refuses too many fields, too many files and a field too long', async () => {
    const fields = Array.from({ length: 100 }, (_, index) => field(`f${index}`, 'x'));
    expect((await expectRefusal(await transcribe(form(field('model', 'whisper'), ...fields, file('a.mp3', 10))), 'openai')).message).toMatch(/form fields/);
    const files = Array.from({ length: 10 }, (_, index) => file(`${index}.mp3`, 10));
    expect((await expectRefusal(await transcribe(form(field('model', 'whisper'), ...files)), 'openai')).message).toMatch(/files/);
    expect((await expectRefusal(await transcribe(form(field('model', 'whisper'), field('prompt', 'p'.repeat(100_000)), file('a.mp3', 10))), 'openai')).message).toMatch(/longer than/);
  });

  it('answers a part larger than the body limit with 413 before the connection closes', async () => {
    const body = form(field('model', 'whisper'), file('a.mp3', bodyLimitBytes * 2));
    const raw = await rawExchange(
      Buffer.concat([
        Buffer.from(`POST /v1/audio/transcriptions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${testKey}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nTransfer-Encoding: chunked\r\n\r\n`),
        Buffer.from(`${body.length.toString(16)}\r\n`),
        body,
        Buffer.from('\r\n0\r\n\r\n'),
      ]),
    );
    expect(raw).toMatch(/^HTTP\/1\.1 413 /);
    expect(raw).toMatch(/"code":"request_too_large"/);
  });
});

/** Opens a raw connection, writes `bytes`, and resolves with everything the server sent before closing (or within 5 s). */
function rawExchange(bytes: Buffer | string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(gateway.port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => socket.destroy(), 5_000);
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.on('error', () => undefined);
    socket.write(bytes);
  });
}

describe('Content-Length that does not match the body', () => {
  const head = (path: string, length: number, auth: string) => `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}Content-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
  const body = '{"model":"demo","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}';

  it('more declared than sent: a 408 after the body timeout, in the protocol’s shape', async () => {
    const anthropic = await rawExchange(head('/v1/messages', body.length + 50, `x-api-key: ${testKey}\r\n`) + body);
    expect(anthropic).toMatch(/^HTTP\/1\.1 408 /);
    expect(JSON.parse(anthropic.slice(anthropic.indexOf('\r\n\r\n') + 4))).toMatchObject({ type: 'error', error: { type: expect.any(String) } });
    const google = await rawExchange(head(`/v1beta/models/demo:generateContent?key=${testKey}`, 200, '') + '{"contents":[]}');
    expect(google).toMatch(/^HTTP\/1\.1 408 /);
    expect(JSON.parse(google.slice(google.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: { code: 408, status: expect.any(String) } });
  });

  it('less declared than sent: the truncated body is a 400 and the rest is not read as a request', async () => {
    const raw = await rawExchange(head('/v1/messages', 20, `x-api-key: ${testKey}\r\n`) + body);
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).not.toMatch(/HTTP\/1\.1 200 /);
  });
});

describe('afterwards', () => {
  it('still serves every protocol', async () => {
    expect((await messages({ model: 'demo', max_tokens: 5, messages: hello })).status).toBe(200);
    expect((await generate('demo', { contents: helloContents })).status).toBe(200);
  });
});
