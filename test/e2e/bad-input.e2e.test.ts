/**
 * Every kind of bad input gets the right 4xx and the OpenAI error shape (validated against the
 * official spec), and upstream failures below HTTP get 502/504 — through the real server.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, textCompletion, type FakeOpenAI } from '../fakes/fake-openai.js';
import { postJson } from '../helpers/http.js';
import { expectSpecValid } from '../helpers/openapi.js';
import { startTestGateway, testKey, type TestGateway } from '../helpers/start-gateway.js';

let gateway: TestGateway;
let slowUpstream: FakeOpenAI;

/** A port with nothing listening on it: connections are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  slowUpstream = await startFakeOpenAI();
  gateway = await startTestGateway({
    server: { bodyLimitBytes: 4096 },
    providers: {
      demo: { type: 'mock' },
      dead: { type: 'openai-compatible', baseURL: `http://127.0.0.1:${await closedPort()}/v1` },
      slow: { type: 'openai-compatible', baseURL: slowUpstream.baseURL, timeoutMs: 300 },
    },
    models: { demo: { provider: 'demo', model: 'echo' }, dead: { provider: 'dead', model: 'm' }, slow: { provider: 'slow', model: 'm' } },
  });
});
afterAll(async () => {
  await gateway?.close();
  await slowUpstream?.close();
});

const user = [{ role: 'user', content: 'hi' }];

const cases: Array<{ name: string; body: unknown; status: number; param?: string; code?: string; path?: string }> = [
  { name: 'malformed JSON', body: '{"model": "demo", ', status: 400, code: 'invalid_json' },
  { name: 'an empty body', body: '', status: 400, code: 'invalid_json' },
  { name: 'a JSON array', body: [1, 2], status: 400, code: 'invalid_request_body' },
  { name: 'no model', body: { messages: user }, status: 400, param: 'model' },
  { name: 'no messages', body: { model: 'demo' }, status: 400, param: 'messages' },
  { name: 'an empty messages array', body: { model: 'demo', messages: [] }, status: 400, param: 'messages' },
  { name: 'an unknown role', body: { model: 'demo', messages: [{ role: 'wizard', content: 'x' }] }, status: 400, param: 'messages[0].role' },
  { name: 'temperature out of range', body: { model: 'demo', messages: user, temperature: 3 }, status: 400, param: 'temperature' },
  { name: 'n of zero', body: { model: 'demo', messages: user, n: 0 }, status: 400, param: 'n' },
  { name: 'stream as a string', body: { model: 'demo', messages: user, stream: 'yes' }, status: 400, param: 'stream' },
  { name: 'a tool without a name', body: { model: 'demo', messages: user, tools: [{ type: 'function', function: {} }] }, status: 400, param: 'tools[0].function.name' },
  { name: 'a tool message without tool_call_id', body: { model: 'demo', messages: [{ role: 'tool', content: 'x' }] }, status: 400, param: 'messages[0].tool_call_id' },
  { name: 'an unknown content part', body: { model: 'demo', messages: [{ role: 'user', content: [{ type: 'video', url: 'x' }] }] }, status: 400, param: 'messages[0].content[0].type' },
  { name: 'five stop sequences', body: { model: 'demo', messages: user, stop: ['a', 'b', 'c', 'd', 'e'] }, status: 400, param: 'stop' },
  { name: 'an unknown model', body: { model: 'gpt-nope', messages: user }, status: 404, param: 'model', code: 'model_not_found' },
  { name: 'a body over the size limit', body: { model: 'demo', messages: [{ role: 'user', content: 'x'.repeat(5000) }] }, status: 413, code: 'request_too_large' },
  { name: 'embeddings without input', body: { model: 'demo' }, status: 400, param: 'input', path: '/v1/embeddings' },
];

describe('bad input', () => {
  for (const testCase of cases) {
    it(`answers ${testCase.name} with ${testCase.status}`, async () => {
      const response = await postJson(`${gateway.url}${testCase.path ?? '/v1/chat/completions'}`, testCase.body);
      expect(response.status).toBe(testCase.status);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const body: any = await response.json();
      expectSpecValid('ErrorResponse', body);
      if (testCase.param) expect(body.error.param).toBe(testCase.param);
      if (testCase.code) expect(body.error.code).toBe(testCase.code);
      expect(body.error.message.length).toBeGreaterThan(10);
    });
  }

  it('answers a chunked body (no content-length) over the size limit with 413', async () => {
    const piece = new TextEncoder().encode('x'.repeat(1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(piece);
        else controller.close();
      },
    });
    const response = await fetch(`${gateway.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${testKey}` },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expectSpecValid('ErrorResponse', await response.json());
  });

  it('answers a body that is not valid UTF-8 with 400, and accepts one that starts with a byte-order mark', async () => {
    const send = (bytes: Uint8Array) =>
      fetch(`${gateway.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${testKey}` },
        body: bytes,
      });
    const json = JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: 'café' }] });
    // "café" with its é cut to a lone lead byte.
    const broken = Buffer.from(json.replace('é', '\u0000'));
    broken[broken.indexOf(0)] = 0xc3;
    const refused = await send(broken);
    expect(refused.status).toBe(400);
    const error: any = await refused.json();
    expectSpecValid('ErrorResponse', error);
    expect(error.error).toMatchObject({ code: 'invalid_json', message: expect.stringContaining('UTF-8') });
    const withMark = await send(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)]));
    expect(withMark.status).toBe(200);
    const answer: any = await withMark.json();
    expect(answer.choices[0].message.content).toContain('café');
  });

  it('answers an unknown URL with 404 in the error shape', async () => {
    const response = await fetch(`${gateway.url}/v1/nothing-here`, { headers: { authorization: `Bearer ${testKey}` } });
    expect(response.status).toBe(404);
    expectSpecValid('ErrorResponse', await response.json());
  });

  it('the SDK raises its typed errors for gateway failures', async () => {
    await expect(gateway.client.chat.completions.create({ model: 'demo', messages: [], temperature: 1 })).rejects.toMatchObject({ status: 400, param: 'messages' });
    await expect(gateway.client.chat.completions.create({ model: 'missing', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 404 });
  });
});

describe('upstream failures below HTTP', () => {
  it('answers 502 when the upstream refuses the connection', async () => {
    const response = await postJson(`${gateway.baseURL}/chat/completions`, { model: 'dead', messages: user });
    expect(response.status).toBe(502);
    const body: any = await response.json();
    expectSpecValid('ErrorResponse', body);
    expect(body.error.code).toBe('upstream_unreachable');
  });

  it('answers 504 when the upstream is slower than the provider timeout', async () => {
    slowUpstream.enqueue({ delayMs: 1500, json: textCompletion('late') });
    const response = await postJson(`${gateway.baseURL}/chat/completions`, { model: 'slow', messages: user });
    expect(response.status).toBe(504);
    const body: any = await response.json();
    expectSpecValid('ErrorResponse', body);
    expect(body.error.code).toBe('upstream_timeout');
  });

  it('keeps serving after all of the above', async () => {
    const completion = await gateway.client.chat.completions.create({ model: 'demo', messages: [{ role: 'user', content: 'still here' }] });
    expect(completion.choices[0].message.content).toBe('still here');
  });
});
