/**
 * The exact-match response cache end to end through the real server: the official `openai` SDK →
 * Tollgate → a fake OpenAI. A repeat of the same request (keys in another order, another `user`)
 * is answered from the cache without an upstream call, as a proper stream when it asks for one;
 * a hit is a ledger row with `cache_hit` and no cost; `Cache-Control: no-cache`/`no-store` are
 * honoured; answers are per tenant; `GET /admin/cache` reports the hit ratio per model; gateways
 * sharing Redis share answers.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { chunkStreamReply, fakeOpenAIKey, startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.js';
import { postJson, readSseData } from '../helpers/http.js';
import { ledgerRowFor } from '../helpers/ledger.js';
import { startTestGateway, testAdminKey, testKey, type TestGateway } from '../helpers/start-gateway.js';
import { deleteKeys, requireRedis, testRedisUrl } from '../quotas/redis-availability.js';

const otherTenantKey = 'tg_other_tenant_key_0123456789';

let upstream: FakeOpenAI;
let gateway: TestGateway;

const providers = () => ({ openai: { type: 'openai', baseURL: upstream.baseURL, apiKey: fakeOpenAIKey } });
const models = {
  'gpt-4o-mini': { provider: 'openai', model: 'gpt-4o-mini', price: { input: 1, output: 2 } },
  uncached: { provider: 'openai', model: 'gpt-4o-mini', price: { input: 1, output: 2 }, cache: false },
};

beforeAll(async () => {
  upstream = await startFakeOpenAI();
  gateway = await startTestGateway({
    providers: providers(),
    models,
    tenants: {
      test: { keys: [{ name: 'default', key: testKey }], quotas: { tokensPerMinute: 100_000 } },
      other: { keys: [{ name: 'default', key: otherTenantKey }] },
    },
    storage: { sqlite: ':memory:', ledgerFlushMs: 10 },
    cache: { enabled: true, ttlSeconds: 60 },
  });
});
afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});
beforeEach(() => upstream.reset());

/** A prompt no other test uses, so each test starts with a miss. */
const fresh = () => `Tell me about ${randomUUID()}`;
const url = () => `${gateway.baseURL}/chat/completions`;

describe('the response cache', () => {
  it('answers a repeat (keys reordered, another user) from the cache: no upstream call, a ledger row with cache_hit and no cost', async () => {
    const content = fresh();
    const first = await postJson(url(), `{"model":"gpt-4o-mini","temperature":0,"messages":[{"role":"user","content":${JSON.stringify(content)}}],"user":"alice"}`);
    expect(first.headers.get('x-tollgate-cache')).toBe('miss');
    const firstBody = await first.json();
    const repeat = await postJson(url(), `{"messages":[{"content":${JSON.stringify(content)},"role":"user"}],"user":"bob","temperature":0,"model":"gpt-4o-mini"}`);
    expect(repeat.headers.get('x-tollgate-cache')).toBe('hit');
    expect(repeat.headers.get('x-tollgate-cost-usd')).toBe('0.000000000');
    expect(await repeat.json()).toEqual(firstBody);
    expect(upstream.requests).toHaveLength(1);

    const firstRow = await ledgerRowFor(gateway.url, first.headers.get('x-request-id')!);
    const hitRow = await ledgerRowFor(gateway.url, repeat.headers.get('x-request-id')!);
    expect(firstRow.cache_hit).toBe(false);
    expect(Number(firstRow.cost_nano_usd)).toBeGreaterThan(0);
    expect(hitRow).toMatchObject({ cache_hit: true, status: 200, cost_usd: '0.000000000', input_tokens: 0, output_tokens: 0, model: 'gpt-4o-mini' });
    // No deployment served it: no provider, no target, no attempt.
    expect(hitRow).toMatchObject({ provider: null, upstream_model: null, target: null, attempts: 0 });
    expect(firstRow).toMatchObject({ provider: 'openai', target: 'openai/gpt-4o-mini', attempts: 1 });
  });

  it('answers a streamed request from a cached answer as a proper stream, and costs nothing', async () => {
    const content = fresh();
    const whole = await gateway.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });
    const { data: stream, response } = await gateway.client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], stream: true, stream_options: { include_usage: true } })
      .withResponse();
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('x-tollgate-cache')).toBe('hit');
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(whole.choices[0].message.content);
    expect(chunks.find((chunk) => chunk.choices[0]?.finish_reason)?.choices[0].finish_reason).toBe('stop');
    expect(chunks.every((chunk) => chunk.model === 'gpt-4o-mini')).toBe(true);
    expect(chunks.at(-1)?.usage?.total_tokens).toBe(whole.usage?.total_tokens);
    expect(upstream.requests).toHaveLength(1);
    const row = await ledgerRowFor(gateway.url, response.headers.get('x-request-id')!);
    expect(row).toMatchObject({ cache_hit: true, streamed: true, cost_usd: '0.000000000' });
  });

  it('keeps a streamed answer once it completed and serves it to a plain request too', async () => {
    upstream.enqueue(chunkStreamReply([{ role: 'assistant', content: '' }, { content: 'Streamed ' }, { content: 'once' }], 'stop'));
    const content = fresh();
    const first = await postJson(url(), { model: 'gpt-4o-mini', messages: [{ role: 'user', content }], stream: true });
    const firstEvents = await readSseData(first);
    expect(firstEvents.at(-1)).toBe('[DONE]');
    await expect
      .poll(async () => (await postJson(url(), { model: 'gpt-4o-mini', messages: [{ role: 'user', content }] })).headers.get('x-tollgate-cache'))
      .toBe('hit');
    const plain = await gateway.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });
    expect(plain.choices[0].message.content).toBe('Streamed once');
    expect(upstream.requests).toHaveLength(1);
  });

  it('honours Cache-Control: no-cache (fetch anew, keep the answer) and no-store (neither)', async () => {
    const content = fresh();
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content }] };
    await (await postJson(url(), body)).text();
    const noCache = await postJson(url(), body, { 'cache-control': 'no-cache' });
    expect(noCache.headers.get('x-tollgate-cache')).toBe('bypass');
    await noCache.text();
    expect(upstream.requests).toHaveLength(2);

    const storeless = fresh();
    const noStore = await postJson(url(), { ...body, messages: [{ role: 'user', content: storeless }] }, { 'cache-control': 'no-store' });
    await noStore.text();
    const after = await postJson(url(), { ...body, messages: [{ role: 'user', content: storeless }] });
    expect(after.headers.get('x-tollgate-cache')).toBe('miss');
    await after.text();
    expect(upstream.requests).toHaveLength(4);
  });

  it('keeps answers per tenant, and not at all for a model with cache: false', async () => {
    const content = fresh();
    await gateway.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });
    const other = new OpenAI({ baseURL: gateway.baseURL, apiKey: otherTenantKey, maxRetries: 0 });
    const { response } = await other.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }).withResponse();
    expect(response.headers.get('x-tollgate-cache')).toBe('miss');
    for (let round = 0; round < 2; round++) {
      const uncached = await postJson(url(), { model: 'uncached', messages: [{ role: 'user', content }] });
      expect(uncached.headers.get('x-tollgate-cache')).toBeNull();
      await uncached.text();
    }
    expect(upstream.requests).toHaveLength(4);
  });

  it('reports the hit ratio per model at GET /admin/cache', async () => {
    const content = fresh();
    for (let round = 0; round < 4; round++) await gateway.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });
    const report = (await (await fetch(`${gateway.url}/admin/cache`, { headers: { authorization: `Bearer ${testAdminKey}` } })).json()) as any;
    expect(report).toMatchObject({ backend: 'memory', enabled: true, ttl_seconds: 60, services: [] });
    expect(report.entries).toBeGreaterThan(0);
    const model = report.models.find((row: any) => row.name === 'gpt-4o-mini');
    expect(model.hits).toBeGreaterThanOrEqual(3);
    expect(model.hit_ratio).toBeCloseTo(model.hits / (model.hits + model.misses));
  });
});

describe('the response cache with Redis', () => {
  const prefix = `tollgate-cache-test-${process.pid}:`;
  let gatewayA: TestGateway;
  let gatewayB: TestGateway;
  let redisUp = false;

  beforeAll(async () => {
    redisUp = await requireRedis('response cache with Redis');
    if (!redisUp) return;
    const config = { providers: providers(), models, redis: { url: testRedisUrl, keyPrefix: prefix }, cache: { enabled: true }, storage: { sqlite: ':memory:' } };
    gatewayA = await startTestGateway(config);
    gatewayB = await startTestGateway(config);
  });
  afterAll(async () => {
    await gatewayA?.close();
    await gatewayB?.close();
    if (redisUp) await deleteKeys(prefix);
  });

  it('serves an answer kept by one gateway from the other', async () => {
    if (!redisUp) return;
    const content = fresh();
    await gatewayA.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });
    await expect
      .poll(async () => {
        const { response } = await gatewayB.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }).withResponse();
        return response.headers.get('x-tollgate-cache');
      })
      .toBe('hit');
    const report = (await (await fetch(`${gatewayB.url}/admin/cache`, { headers: { authorization: `Bearer ${testAdminKey}` } })).json()) as any;
    expect(report.backend).toBe('redis');
  });
});
