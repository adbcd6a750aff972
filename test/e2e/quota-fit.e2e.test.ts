/**
 * Requests near and beyond a whole quota window, through the real server with the official SDK
 * (its retries left on, as applications use it): a prompt whose cheap worst case (a token per
 * byte) is larger than the window but whose counted tokens fit is served; one that can never fit
 * gets a 400 `request_exceeds_limit` the SDK does not retry, without `Retry-After`.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeOpenAIKey, startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.js';
import { postJson } from '../helpers/http.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

const tokensKey = 'tg_fit_tokens_key_0123456789';
const moneyKey = 'tg_fit_money_key_01234567890';
const openaiKey = 'tg_fit_openai_key_0123456789';
let gateway: TestGateway;
let upstream: FakeOpenAI;

beforeAll(async () => {
  upstream = await startFakeOpenAI();
  gateway = await startTestGateway({
    providers: { demo: { type: 'mock' }, openai: { type: 'openai', baseURL: upstream.baseURL, apiKey: fakeOpenAIKey } },
    models: { demo: { provider: 'demo', model: 'echo', price: { input: 1, output: 2 } }, gpt: { provider: 'openai', model: 'gpt-4o-mini' } },
    tenants: {
      tokens: { keys: [{ name: 'main', key: tokensKey }], quotas: { tokensPerMinute: 200_000 } },
      money: { keys: [{ name: 'main', key: moneyKey }], quotas: { costPerDayUsd: '0.001' } },
      openai: { keys: [{ name: 'main', key: openaiKey }], quotas: { tokensPerMinute: 150_000 } },
    },
    storage: { sqlite: ':memory:', ledgerFlushMs: 10 },
  });
});
afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});

const words = (count: number) => Array.from({ length: count }, (_, index) => `word${index % 50}`).join(' ');

async function ledgerRows(tenant: string): Promise<Array<{ status: number; error_code: string | null }>> {
  await new Promise((resolve) => setTimeout(resolve, 100));
  // The ledger's own reader: SQLite or PostgreSQL, whichever this run keeps the ledger in.
  return gateway.services.ledgerReader.all('select status, error_code from calls where tenant_id = ? order by time', [tenant]);
}

describe('a request near a whole window', () => {
  it('serves a 100,000-word prompt under a 200,000 tokens-per-minute limit (its byte bound is ~690,000)', async () => {
    const client = new OpenAI({ baseURL: gateway.baseURL, apiKey: tokensKey });
    const prompt = words(100_000);
    expect(Buffer.byteLength(prompt)).toBeGreaterThan(600_000);
    const { data, response } = await client.chat.completions.create({ model: 'demo', messages: [{ role: 'user', content: prompt }] }).withResponse();
    expect(data.choices[0].message.content).toBe(prompt);
    // What was reserved was a safe bound: the mock's own count (a token per 4 characters) fit in it.
    expect(data.usage!.prompt_tokens).toBeLessThan(200_000);
    expect(Number(response.headers.get('x-ratelimit-remaining-tokens'))).toBeGreaterThan(0);
  }, 60_000);

  it('counts with tiktoken for a real provider: 100,000 tokens of a 600 KB prompt fit 150,000 tokens per minute', async () => {
    const client = new OpenAI({ baseURL: gateway.baseURL, apiKey: openaiKey, maxRetries: 0 });
    const prompt = 'hello '.repeat(100_000);
    const completion = await client.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: prompt }] });
    expect(completion.choices[0].message.content).toBe('Hello from the fake.');
    expect(upstream.requests.at(-1)!.body.messages[0].content).toBe(prompt);
  }, 60_000);

  it('answers a prompt that can never fit with a 400 the SDK does not retry, saying so', async () => {
    const client = new OpenAI({ baseURL: gateway.baseURL, apiKey: tokensKey, maxRetries: 2 });
    const before = (await ledgerRows('tokens')).length;
    const started = Date.now();
    const error = await client.chat.completions.create({ model: 'demo', messages: [{ role: 'user', content: words(400_000) }] }).catch((caught) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.status).toBe(400);
    expect(error.code).toBe('request_exceeds_limit');
    expect(error.param).toBe('messages');
    expect(error.headers.get('retry-after')).toBeNull();
    expect(error.message).toMatch(/This request can never fit: tenant "tokens" has a limit of 200000 tokens per minute, and this request may use up to \d+ tokens/);
    expect(error.message).toContain('Retrying will not help');
    expect(Date.now() - started).toBeLessThan(20_000);
    // One attempt, one ledger row: the SDK did not retry.
    expect((await ledgerRows('tokens')).slice(before)).toEqual([{ status: 400, error_code: 'request_exceeds_limit' }]);
  }, 60_000);

  it('blames max_tokens when the output cap alone is larger than the window', async () => {
    const response = await postJson(`${gateway.baseURL}/chat/completions`, { model: 'demo', max_tokens: 300_000, messages: [{ role: 'user', content: 'hi' }] }, {
      authorization: `Bearer ${tokensKey}`,
    });
    expect(response.status).toBe(400);
    const body: any = await response.json();
    expect(body.error).toMatchObject({ code: 'request_exceeds_limit', param: 'max_tokens' });
  });

  it('treats a worst-case cost above the whole daily budget the same way', async () => {
    const response = await postJson(`${gateway.baseURL}/chat/completions`, { model: 'demo', max_tokens: 1_000, messages: [{ role: 'user', content: 'hi' }] }, {
      authorization: `Bearer ${moneyKey}`,
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('retry-after')).toBeNull();
    const body: any = await response.json();
    expect(body.error.code).toBe('request_exceeds_limit');
    expect(body.error.message).toMatch(/tenant "money" has a spending limit of \$0\.001 per day, and this request may cost up to \$0\.00/);
    // A request that fits the budget is still served.
    const small = await postJson(`${gateway.baseURL}/chat/completions`, { model: 'demo', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }, {
      authorization: `Bearer ${moneyKey}`,
    });
    expect(small.status).toBe(200);
  });
});
