/**
 * Small requests that used to stall, crash or fool the gateway (issue 9), through the real server:
 * each gets a quick 4xx in the OpenAI error shape with no internals in it, the fake upstream sees
 * nothing it should not, and the gateway keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeGeminiKey, startFakeGemini, type FakeGemini } from '../fakes/fake-gemini.js';
import { fakeOpenAIKey, startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.js';
import { postJson } from '../helpers/http.js';
import { deepObjectJson, doublingSchema, nestedArraysSchema } from '../helpers/hostile-input.js';
import { expectSpecValid } from '../helpers/openapi.js';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/start-gateway.js';

const budgetKey = 'tg_budget_key_0123456789abcdef';
let gateway: TestGateway;
let openai: FakeOpenAI;
let gemini: FakeGemini;

beforeAll(async () => {
  openai = await startFakeOpenAI();
  gemini = await startFakeGemini();
  gateway = await startTestGateway({
    providers: {
      demo: { type: 'mock' },
      openai: { type: 'openai', baseURL: openai.baseURL, apiKey: fakeOpenAIKey },
      gemini: { type: 'gemini', baseURL: gemini.url, apiKey: fakeGeminiKey },
    },
    models: {
      demo: { provider: 'demo', model: 'echo' },
      'gpt-4o': { provider: 'openai', model: 'gpt-4o' },
      'gpt-4o-mini': { provider: 'openai', model: 'gpt-4o-mini' },
      flash: { provider: 'gemini', model: 'gemini-2.5-flash' },
      // 9 USD a token: a worst case of 128 choices of a million tokens is beyond what a number holds exactly.
      dear: { provider: 'demo', model: 'echo', price: { input: 9_000_000, output: 9_000_000 } },
    },
    tenants: {
      test: { keys: [{ name: 'default', key: 'tg_test_key_0123456789abcdef', scopes: { models: ['demo', 'gpt-4o-mini', 'flash'] } }] },
      budget: { keys: [{ name: 'default', key: budgetKey }], quotas: { costPerDayUsd: 100 } },
    },
  });
});
afterAll(async () => {
  await gateway?.close();
  await openai?.close();
  await gemini?.close();
});

const user = [{ role: 'user', content: 'hi' }];

/** Posts, and checks the answer is a quick client error in the OpenAI shape that reveals nothing inside. */
async function expectClientError(path: string, body: unknown, status = 400, headers: Record<string, string> = {}): Promise<any> {
  const started = performance.now();
  const response = await postJson(`${gateway.url}${path}`, body, headers);
  const error: any = await response.json();
  expect(response.status, JSON.stringify(error)).toBe(status);
  expect(performance.now() - started).toBeLessThan(2_000);
  expectSpecValid('ErrorResponse', error);
  expect(error.error.message).not.toMatch(/Maximum call stack|RangeError|at .*\.(ts|js):\d+|\/work\//);
  return error.error;
}

describe('numbers', () => {
  it('refuses embeddings dimensions of 2147483648 and 20000000 at once (the 52-byte crash)', async () => {
    const body = '{"model":"demo","input":"x","dimensions":2147483648}';
    expect(Buffer.byteLength(body)).toBe(52);
    expect(await expectClientError('/v1/embeddings', body)).toMatchObject({ param: 'dimensions', code: 'invalid_request_body' });
    expect(await expectClientError('/v1/embeddings', { model: 'demo', input: 'x', dimensions: 20_000_000 })).toMatchObject({ param: 'dimensions' });
  });

  it('has the mock refuse more embedding values than it builds in one answer', async () => {
    const error = await expectClientError('/v1/embeddings', { model: 'demo', input: Array.from({ length: 2048 }, () => 'x'), dimensions: 16_384 });
    expect(error.message).toMatch(/at most 131072 embedding values/);
    const fine = await postJson(`${gateway.baseURL}/embeddings`, { model: 'demo', input: 'x', dimensions: 3072 });
    expect(((await fine.json()) as any).data[0].embedding).toHaveLength(3072);
  });

  it('answers max_tokens 9007199254740991 with 400, not a 500, and bounds the other numbers', async () => {
    for (const field of ['max_tokens', 'max_completion_tokens']) {
      expect(await expectClientError('/v1/chat/completions', { model: 'demo', messages: user, [field]: 9007199254740991 })).toMatchObject({ param: field });
    }
    expect(await expectClientError('/v1/chat/completions', { model: 'demo', messages: user, seed: 1e20 })).toMatchObject({ param: 'seed' });
    expect(await expectClientError('/v1/chat/completions', { model: 'demo', messages: user, n: 129 })).toMatchObject({ param: 'n' });
    // Written as text: JSON.stringify would turn the Infinity that 1e400 parses to into null.
    const overflowing = '{"model":"demo","messages":[{"role":"user","content":"hi"}],"temperature":1e400,"top_p":-1e400}';
    expect(await expectClientError('/v1/chat/completions', overflowing)).toMatchObject({ param: 'temperature' });
  });

  it('refuses a worst case beyond exact arithmetic as a request that can never fit, with its refusal row in the ledger', async () => {
    const response = await postJson(`${gateway.baseURL}/chat/completions`, { model: 'dear', messages: user, max_tokens: 1_000_000, n: 128 }, { authorization: `Bearer ${budgetKey}` });
    const error: any = await response.json();
    expect(response.status, JSON.stringify(error)).toBe(400);
    expect(error.error.code).toBe('request_exceeds_limit');
    const requestId = response.headers.get('x-request-id');
    await expect
      .poll(async () => {
        const page: any = await (await fetch(`${gateway.url}/admin/calls?tenant=budget`, { headers: { authorization: `Bearer ${testAdminKey}` } })).json();
        return page.data.find((row: any) => row.id === requestId);
      })
      .toMatchObject({ status: 400, error_code: 'request_exceeds_limit', cost_nano_usd: '0' });
  });

  it('refuses a json_schema that asks the mock for four nested arrays of 60 items, quickly and small', async () => {
    const schema = nestedArraysSchema(4, 60);
    const error = await expectClientError('/v1/chat/completions', {
      model: 'demo',
      messages: user,
      response_format: { type: 'json_schema', json_schema: { name: 'rows', schema } },
    });
    expect(error.message).toMatch(/mock provider cannot sample/);
  });
});

describe('expansion', () => {
  it('refuses a 2 KB tool schema that doubles 20 times when inlined for Gemini, and sends Gemini nothing', async () => {
    gemini.reset();
    const parameters = doublingSchema(20);
    expect(JSON.stringify(parameters).length).toBeLessThan(3000);
    const error = await expectClientError('/v1/chat/completions', { model: 'flash', messages: user, tools: [{ type: 'function', function: { name: 'f', parameters } }] });
    expect(error).toMatchObject({ code: 'invalid_request_body', param: 'tools[0].function.parameters' });
    expect(error.message).toMatch(/subschemas/);
    expect(gemini.requests).toHaveLength(0);
  });
});

describe('depth', () => {
  const deep = JSON.parse(deepObjectJson(3000));

  it('refuses 3,000 levels in tools, response_format and message content with 400 naming the place', async () => {
    const tools = await expectClientError('/v1/chat/completions', { model: 'demo', messages: user, tools: [{ type: 'function', function: { name: 'f', parameters: deep } }] });
    expect(tools).toMatchObject({ code: 'invalid_request_body', param: expect.stringMatching(/^tools\[0\]\.function\.parameters\.a/) });
    const format = await expectClientError('/v1/chat/completions', { model: 'demo', messages: user, response_format: { type: 'json_schema', json_schema: { name: 'x', schema: deep } } });
    expect(format.message).toMatch(/deeper than 64 levels/);
    await expectClientError('/v1/chat/completions', { model: 'demo', messages: [{ role: 'user', content: [{ type: 'text', text: 'x', extra: deep }] }] });
  });

  it('refuses 3,000 levels in a prompt call and in a prompt being published', async () => {
    await expectClientError('/v1/prompts/sentiment', { text: 'fine', extra: deep });
    const published = await expectClientError(
      '/admin/prompts',
      { name: 'deep', model: 'demo', input: { type: 'object', properties: { x: deep } }, messages: [{ role: 'user', content: 'hi' }] },
      400,
      { authorization: `Bearer ${testAdminKey}` },
    );
    expect(published.message).toMatch(/deeper than 64 levels/);
  });

  it('refuses tool-call arguments nested deeper than 256 levels before sending them to Gemini', async () => {
    gemini.reset();
    const messages = [
      { role: 'user', content: 'call it' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: deepObjectJson(3000) } }] },
      { role: 'tool', tool_call_id: 'call_1', content: deepObjectJson(3000) },
    ];
    await expectClientError('/v1/chat/completions', { model: 'flash', messages });
    expect(gemini.requests).toHaveLength(0);
  });
});

describe('prompt definitions', () => {
  const admin = { authorization: `Bearer ${testAdminKey}` };
  const publish = (input: Record<string, unknown>) =>
    expectClientError('/admin/prompts', { name: 'risky', model: 'demo', input: { type: 'object', properties: input }, messages: [{ role: 'user', content: 'hi' }] }, 400, admin);

  it('refuses a pattern that backtracks exponentially, before any caller can send it a near-miss', async () => {
    const error = await publish({ code: { type: 'string', pattern: '^(a+)+$' } });
    expect(error).toMatchObject({ code: 'invalid_prompt' });
    expect(error.message).toMatch(/repeats a repetition/);
  });

  it('refuses uniqueItems without a small maxItems, and schemas too large to compile quickly', async () => {
    expect((await publish({ tags: { type: 'array', uniqueItems: true } })).message).toMatch(/needs a maxItems/);
    const wide = Object.fromEntries(Array.from({ length: 600 }, (_, index) => [`p${index}`, { type: 'string' }]));
    expect((await publish(wide)).message).toMatch(/more than 500 subschemas/);
  });
});

describe('repeated keys', () => {
  it('refuses a body that names the model twice: the upstream never gets a model the key may not use', async () => {
    openai.reset();
    const smuggled = '{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"model":"gpt-4o-mini"}';
    expect(await expectClientError('/v1/chat/completions', smuggled)).toMatchObject({ code: 'invalid_request_body', param: 'model' });
    const escaped = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"mod\\u0065l":"gpt-4o"}';
    await expectClientError('/v1/chat/completions', escaped);
    const nested = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"a","content":"b"}]}';
    expect(await expectClientError('/v1/chat/completions', nested)).toMatchObject({ param: 'messages[0].content' });
    expect(openai.requests).toHaveLength(0);
  });

  it('forwards an ordinary body byte for byte, so what was checked is what the upstream reads', async () => {
    openai.reset();
    const body = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"max_tokens":7}';
    const response = await postJson(`${gateway.baseURL}/chat/completions`, body);
    expect(response.status).toBe(200);
    expect(openai.requests[0].rawBody).toBe(body);
  });
});

describe('afterwards', () => {
  it('still serves', async () => {
    const completion = await gateway.client.chat.completions.create({ model: 'demo', messages: [{ role: 'user', content: 'still here' }] });
    expect(completion.choices[0].message.content).toBe('still here');
  });
});
