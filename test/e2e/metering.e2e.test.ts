/**
 * Metering end to end: every response carries its exact cost; streamed and non-streamed exchanges
 * cost the same; Anthropic cache reads/writes and Gemini thought tokens are priced at their own
 * rates; unpriced models follow the tenant's policy; quotas answer 429 with OpenAI's headers; and
 * 200 concurrent requests never spend past a budget that fits 50, with one ledger row each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeAnthropicKey, startFakeAnthropic, type FakeAnthropic } from '../fakes/fake-anthropic.js';
import { fakeGeminiKey, startFakeGemini, textTurn, type FakeGemini } from '../fakes/fake-gemini.js';
import { postJson, readSseData } from '../helpers/http.js';
import { expectSpecValid } from '../helpers/openapi.js';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/start-gateway.js';
import { promptTokenUpperBound } from '../../src/metering/index.js';

const acmeKey = 'tg_acme_key_0123456789abcdefg';
const openKey = 'tg_open_key_0123456789abcdefg';
const tightKey = 'tg_tight_key_0123456789abcdef';
const budgetKey = 'tg_budget_key_0123456789abcde';

/** USD per 1M tokens, chosen so each bucket's rate is distinct and easy to check by hand. */
const demoPrice = { input: 1, cachedInput: 0.5, cacheWrite: 2, output: 4, reasoning: 8 };

let gateway: TestGateway;
let anthropic: FakeAnthropic;
let gemini: FakeGemini;

// A one-character prompt: its byte bound and its counted bound agree, so the worst case is the same
// whether the gateway reserves the cheap bound or counts the prompt once the budget runs low.
const budgetRequest = { model: 'slow', max_tokens: 10, messages: [{ role: 'user' as const, content: 'x' }] };
/**
 * Worst case of one budget request in nano-USD: the prompt bound at the dearest input-side rate
 * (cache write, 2) plus max_tokens at the dearest output-side rate (reasoning, 8).
 */
const budgetWorstCaseNano = (promptTokenUpperBound(budgetRequest) * 2 + 10 * 8) * 1_000;

beforeAll(async () => {
  anthropic = await startFakeAnthropic();
  gemini = await startFakeGemini();
  gateway = await startTestGateway({
    providers: {
      demo: { type: 'mock', completionTokens: 6 },
      // Slow enough that all 200 reservations happen before the first call settles and frees budget.
      slowdemo: { type: 'mock', latencyMs: 6000, completionTokens: 3 },
      dribble: { type: 'mock', chunkDelayMs: 100, chunks: 10, completionTokens: 40 },
      anthropic: { type: 'anthropic', baseURL: anthropic.url, apiKey: fakeAnthropicKey },
      gemini: { type: 'gemini', baseURL: gemini.url, apiKey: fakeGeminiKey },
    },
    models: {
      demo: { provider: 'demo', model: 'lorem', price: demoPrice },
      unpriced: { provider: 'demo', model: 'lorem' },
      dribble: { provider: 'dribble', model: 'lorem', price: demoPrice },
      slow: { provider: 'slowdemo', model: 'lorem', price: demoPrice },
      sonnet: { provider: 'anthropic', model: 'claude-sonnet-4-5' },
      flash: { provider: 'gemini', model: 'gemini-2.5-flash', price: demoPrice },
    },
    tenants: {
      acme: { keys: [{ name: 'main', key: acmeKey }], quotas: { costPerMonthUsd: 1000 } },
      open: { keys: [{ name: 'main', key: openKey }] },
      tight: { keys: [{ name: 'main', key: tightKey }], quotas: { requestsPerMinute: 2, tokensPerMinute: 100000 } },
      budget: { keys: [{ name: 'main', key: budgetKey }], quotas: { costPerDayUsd: (50 * budgetWorstCaseNano) / 1e9 } },
    },
    storage: { sqlite: ':memory:', ledgerFlushMs: 10 },
  });
});
afterAll(async () => {
  await gateway?.close();
  await anthropic?.close();
  await gemini?.close();
});

const chat = (key: string, body: Record<string, unknown>) => postJson(`${gateway.baseURL}/chat/completions`, body, { authorization: `Bearer ${key}` });

async function ledger(query: string): Promise<any[]> {
  const rows: any[] = [];
  let cursor: string | null = null;
  do {
    const response = await fetch(`${gateway.url}/admin/calls?limit=500&${query}${cursor ? `&cursor=${cursor}` : ''}`, { headers: { authorization: `Bearer ${testAdminKey}` } });
    const page: any = await response.json();
    rows.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor);
  return rows;
}

async function ledgerRowFor(requestId: string): Promise<any> {
  let found: any;
  await expect.poll(async () => (found = (await ledger('tenant=acme')).find((row) => row.id === requestId)), { timeout: 15_000 }).toBeDefined();
  return found;
}

/** Cost in nano-USD from token figures and USD-per-1M rates, computed independently of Tollgate. */
const nano = (figures: Record<string, number>, rates: Record<string, number>) =>
  Object.entries(figures).reduce((sum, [bucket, tokens]) => sum + tokens * rates[bucket] * 1000, 0);

describe('cost', () => {
  it('carries the exact cost in a header, and the same cost in the ledger row', async () => {
    const response = await chat(acmeKey, { model: 'demo', messages: [{ role: 'user', content: 'price me' }] });
    expect(response.status).toBe(200);
    const body: any = await response.json();
    const expected = nano({ input: body.usage.prompt_tokens, output: body.usage.completion_tokens }, demoPrice);
    expect(response.headers.get('x-tollgate-cost-usd')).toBe((expected / 1e9).toFixed(9));
    const row = await ledgerRowFor(response.headers.get('x-request-id')!);
    expect(row).toMatchObject({ tenant_id: 'acme', model: 'demo', status: 200, kind: 'chat', streamed: false, estimated: false, cost_usd: (expected / 1e9).toFixed(9) });
  });

  it('costs the same streamed and not streamed', async () => {
    const request = { model: 'demo', messages: [{ role: 'user', content: 'same exchange' }] };
    const plain = await chat(acmeKey, request);
    const streamed = await chat(acmeKey, { ...request, stream: true });
    const data = await readSseData(streamed);
    expect(data.at(-1)).toBe('[DONE]');
    const plainRow = await ledgerRowFor(plain.headers.get('x-request-id')!);
    const streamedRow = await ledgerRowFor(streamed.headers.get('x-request-id')!);
    expect(streamedRow.streamed).toBe(true);
    expect(streamedRow.cost_usd).toBe(plainRow.cost_usd);
    expect(streamedRow.cost_usd).toBe(plain.headers.get('x-tollgate-cost-usd'));
    expect(streamedRow.ttfb_ms).not.toBeNull();
  });

  it('prices Anthropic cache reads and cache writes at their own rates, never twice', async () => {
    anthropic.answerText('cached answer', { usage: { input_tokens: 100, cache_read_input_tokens: 1000, cache_creation_input_tokens: 200, output_tokens: 50 } });
    const response = await chat(acmeKey, { model: 'sonnet', messages: [{ role: 'user', content: 'use the cache' }] });
    const body: any = await response.json();
    expectSpecValid('CreateChatCompletionResponse', body);
    expect(body.usage).toMatchObject({ prompt_tokens: 1300, completion_tokens: 50, prompt_tokens_details: { cached_tokens: 1000, cache_write_tokens: 200 } });
    // claude-sonnet-4-5 from the built-in catalogue: input 3, cache read 0.3, cache write 3.75, output 15 (USD per 1M).
    const expected = nano({ input: 100, cachedInput: 1000, cacheWrite: 200, output: 50 }, { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 });
    expect(response.headers.get('x-tollgate-cost-usd')).toBe((expected / 1e9).toFixed(9));

    anthropic.answerText('cached answer', { usage: { input_tokens: 100, cache_read_input_tokens: 1000, cache_creation_input_tokens: 200, output_tokens: 50 } });
    const streamed = await chat(acmeKey, { model: 'sonnet', stream: true, messages: [{ role: 'user', content: 'use the cache' }] });
    await readSseData(streamed);
    expect((await ledgerRowFor(streamed.headers.get('x-request-id')!)).cost_usd).toBe((expected / 1e9).toFixed(9));
  });

  it('prices Gemini thought tokens at the reasoning rate, separately from output', async () => {
    gemini.script(textTurn('thoughtful', { usage: { promptTokenCount: 40, candidatesTokenCount: 10, thoughtsTokenCount: 30 } }));
    const response = await chat(acmeKey, { model: 'flash', messages: [{ role: 'user', content: 'think' }] });
    const body: any = await response.json();
    expect(body.usage).toMatchObject({ prompt_tokens: 40, completion_tokens: 40, completion_tokens_details: { reasoning_tokens: 30 } });
    const expected = nano({ input: 40, output: 10, reasoning: 30 }, demoPrice);
    expect(response.headers.get('x-tollgate-cost-usd')).toBe((expected / 1e9).toFixed(9));
    const row = await ledgerRowFor(response.headers.get('x-request-id')!);
    expect(row).toMatchObject({ input_tokens: 40, output_tokens: 10, reasoning_tokens: 30 });
  });

  it('bills a stream the client abandoned for what was generated, counted with tiktoken and flagged as estimated', async () => {
    const controller = new AbortController();
    const response = await fetch(`${gateway.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${acmeKey}` },
      body: JSON.stringify({ model: 'dribble', stream: true, messages: [{ role: 'user', content: 'talk slowly' }] }),
      signal: controller.signal,
    });
    const requestId = response.headers.get('x-request-id')!;
    const reader = response.body!.getReader();
    for (let chunk = 0; chunk < 3; chunk++) await reader.read();
    controller.abort();
    const row = await ledgerRowFor(requestId);
    expect(row).toMatchObject({ status: 499, error_code: 'client_closed_request', estimated: true, streamed: true });
    expect(row.output_tokens).toBeGreaterThan(0);
    expect(row.output_tokens).toBeLessThan(40);
    expect(row.input_tokens).toBeGreaterThan(0);
    expect(Number(row.cost_nano_usd)).toBe(row.input_tokens * 1000 + row.output_tokens * 4000);
  });

  it('rejects an unpriced model for a tenant with a cost quota, and allows it flagged as unknown otherwise', async () => {
    const refused = await chat(acmeKey, { model: 'unpriced', messages: [{ role: 'user', content: 'x' }] });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as any).error.code).toBe('model_not_priced');
    const allowed = await chat(openKey, { model: 'unpriced', messages: [{ role: 'user', content: 'x' }] });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('x-tollgate-cost-usd')).toBe('unknown');
    const requestId = allowed.headers.get('x-request-id')!;
    await expect.poll(async () => (await ledger('tenant=open')).find((row) => row.id === requestId), { timeout: 3000 }).toMatchObject({ cost_usd: null, cost_unknown: true });
  });
});

describe('quotas', () => {
  it('answers the request over a rate limit with 429, Retry-After and x-ratelimit headers', async () => {
    // Request windows are fixed UTC minutes: three calls straddling a minute's end would see two windows.
    const msIntoMinute = Date.now() % 60_000;
    if (msIntoMinute > 55_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - msIntoMinute + 50));
    const first = await chat(tightKey, { model: 'demo', messages: [{ role: 'user', content: 'x' }] });
    expect(first.headers.get('x-ratelimit-limit-requests')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    expect(first.headers.get('x-ratelimit-reset-requests')).toMatch(/^\d+(ms|s)|^\d+m/);
    expect(first.headers.get('x-ratelimit-limit-tokens')).toBe('100000');
    await chat(tightKey, { model: 'demo', messages: [{ role: 'user', content: 'x' }] });
    const third = await chat(tightKey, { model: 'demo', messages: [{ role: 'user', content: 'x' }] });
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(third.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    const body: any = await third.json();
    expectSpecValid('ErrorResponse', body);
    expect(body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
  });

  it('holds 200 concurrent requests to a budget that fits 50: the rest get insufficient_quota, one ledger row each', async () => {
    const responses = await Promise.all(Array.from({ length: 200 }, () => chat(budgetKey, budgetRequest)));
    const statuses = responses.map((response) => response.status);
    const admitted = statuses.filter((status) => status === 200).length;
    expect(admitted).toBe(50);
    expect(statuses.filter((status) => status === 429)).toHaveLength(150);
    const bodies: any[] = await Promise.all(responses.map((response) => response.json()));
    expect(bodies.filter((body) => body.error?.code === 'insufficient_quota')).toHaveLength(150);

    await expect.poll(async () => (await ledger('tenant=budget')).length, { timeout: 5000 }).toBe(200);
    const rows = await ledger('tenant=budget');
    expect(new Set(rows.map((row) => row.id)).size).toBe(200);
    const spentNano = rows.reduce((sum, row) => sum + Number(row.cost_nano_usd ?? 0), 0);
    expect(spentNano).toBeGreaterThan(0);
    expect(spentNano).toBeLessThanOrEqual(50 * budgetWorstCaseNano);
    expect(rows.filter((row) => row.status === 429)).toHaveLength(150);
  });
});
