/**
 * `Idempotency-Key` end to end through the real server: the official `openai` SDK (and plain
 * fetch where exact bytes matter) → Tollgate → a fake OpenAI. A repeat gets the first answer
 * without a second upstream call, ledger row or quota charge; a streamed first answer replays as
 * a stream; a repeat during the first waits for it; a different body is a 422 in the protocol's
 * own error shape; failed first requests free their key; keys are per tenant; two gateways sharing
 * Redis share keys.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { chunkStreamReply, fakeOpenAIKey, openAIError, startFakeOpenAI, textCompletion, type FakeOpenAI } from '../fakes/fake-openai.js';
import { postJson, readSseData } from '../helpers/http.js';
import { ledgerRowFor, ledgerRows } from '../helpers/ledger.js';
import { startTestGateway, testKey, type TestGateway } from '../helpers/start-gateway.js';
import { deleteKeys, requireRedis, testRedisUrl } from '../quotas/redis-availability.js';

const otherTenantKey = 'tg_other_tenant_key_0123456789';

let upstream: FakeOpenAI;
let gateway: TestGateway;

const providers = () => ({ openai: { type: 'openai', baseURL: upstream.baseURL, apiKey: fakeOpenAIKey }, demo: { type: 'mock' } });
const models = { 'gpt-4o-mini': { provider: 'openai', model: 'gpt-4o-mini', price: { input: 1, output: 2 } }, demo: { provider: 'demo', model: 'echo' } };

beforeAll(async () => {
  upstream = await startFakeOpenAI();
  gateway = await startTestGateway({
    providers: providers(),
    models,
    tenants: {
      test: { keys: [{ name: 'default', key: testKey }], quotas: { requestsPerMinute: 1000 } },
      other: { keys: [{ name: 'default', key: otherTenantKey }] },
    },
    storage: { sqlite: ':memory:', ledgerFlushMs: 10 },
    idempotency: { maxAnswerBytes: 4096 },
  });
});
afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});
beforeEach(() => upstream.reset());

const chat = (content: string, extra: Record<string, unknown> = {}) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content }], ...extra });
const withKey = (key: string) => ({ headers: { 'Idempotency-Key': key } });
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const remainingRequests = (response: Response) => Number(response.headers.get('x-ratelimit-remaining-requests'));

describe('a repeated Idempotency-Key', () => {
  it('gets the first answer again: no second upstream call, ledger row or quota charge', async () => {
    const key = randomUUID();
    const first = await postJson(`${gateway.baseURL}/chat/completions`, chat('Once only'), { 'idempotency-key': key });
    const firstBody = await first.text();
    expect(first.status).toBe(200);
    const firstId = first.headers.get('x-request-id')!;
    const remainingAfterFirst = remainingRequests(first);

    const repeat = await postJson(`${gateway.baseURL}/chat/completions`, chat('Once only'), { 'idempotency-key': key });
    expect(repeat.status).toBe(200);
    expect(await repeat.text()).toBe(firstBody);
    expect(repeat.headers.get('idempotent-replayed')).toBe('true');
    expect(repeat.headers.get('x-tollgate-replay-of')).toBe(firstId);
    expect(repeat.headers.get('content-type')).toBe(first.headers.get('content-type'));
    expect(repeat.headers.get('x-tollgate-cost-usd')).toBe(first.headers.get('x-tollgate-cost-usd'));
    expect(repeat.headers.get('x-request-id')).not.toBe(firstId);
    expect(upstream.requests).toHaveLength(1);

    // The next new call is the second one charged to the minute's requests; the replay was not.
    const next = await postJson(`${gateway.baseURL}/chat/completions`, chat('Another'));
    expect(remainingRequests(next)).toBe(remainingAfterFirst - 1);
    await ledgerRowFor(gateway.url, next.headers.get('x-request-id')!);
    const rows = (await ledgerRows(gateway.url, 'tenant=test')).filter((row) => row.id === firstId || row.id === repeat.headers.get('x-request-id'));
    expect(rows.map((row) => row.id)).toEqual([firstId]);
    expect(rows[0].cost_usd).not.toBeNull();
  });

  it('replays a streamed first answer as a stream the SDK reads like the first', async () => {
    upstream.enqueue(chunkStreamReply([{ role: 'assistant', content: '' }, { content: 'Hello' }, { content: ' again' }], 'stop'));
    const key = randomUUID();
    const read = async () => {
      const stream = await gateway.client.chat.completions.create({ ...chat('Stream it'), stream: true, stream_options: { include_usage: true } }, withKey(key));
      const chunks = [];
      for await (const chunk of stream) chunks.push(chunk);
      return chunks;
    };
    const first = await read();
    const repeat = await read();
    expect(repeat).toEqual(first);
    expect(first.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Hello again');
    expect(first.at(-1)?.usage?.total_tokens).toBe(28);
    expect(upstream.requests).toHaveLength(1);
    const raw = await postJson(`${gateway.baseURL}/chat/completions`, chat('Stream it', { stream: true, stream_options: { include_usage: true } }), { 'idempotency-key': key });
    expect(raw.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect((await readSseData(raw)).at(-1)).toBe('[DONE]');
  });

  it('waits for a first request still running, then gets its answer', async () => {
    upstream.enqueue({ delayMs: 400, json: textCompletion('Slow but once') });
    const key = randomUUID();
    const [first, repeat] = await Promise.all([
      gateway.client.chat.completions.create(chat('Slow'), withKey(key)),
      delay(100).then(() => gateway.client.chat.completions.create(chat('Slow'), withKey(key))),
    ]);
    expect(repeat).toEqual(first);
    expect(first.choices[0].message.content).toBe('Slow but once');
    expect(upstream.requests).toHaveLength(1);
  });

  it('refuses a different request under a used key with 422, in the OpenAI and the Anthropic error shapes', async () => {
    const key = randomUUID();
    await gateway.client.chat.completions.create(chat('First body'), withKey(key));
    const refusal = await gateway.client.chat.completions.create(chat('Second body'), withKey(key)).catch((error) => error);
    expect(refusal).toBeInstanceOf(OpenAI.UnprocessableEntityError);
    expect(refusal.error).toMatchObject({ code: 'idempotency_key_reused', param: 'Idempotency-Key', type: 'invalid_request_error' });
    expect(upstream.requests).toHaveLength(1);

    const messages = (content: string) =>
      fetch(`${gateway.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': testKey, 'anthropic-version': '2023-06-01', 'idempotency-key': `anthropic-${key}` },
        body: JSON.stringify({ model: 'demo', max_tokens: 20, messages: [{ role: 'user', content }] }),
      });
    const firstMessage = await messages('one');
    expect(firstMessage.status).toBe(200);
    const replayedMessage = await messages('one');
    expect(await replayedMessage.json()).toEqual(await firstMessage.json());
    const anthropicRefusal = await messages('two');
    expect(anthropicRefusal.status).toBe(422);
    expect(await anthropicRefusal.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });

  it('frees the key when the first request failed, so a retry runs and is then kept', async () => {
    upstream.enqueue(openAIError(500, 'The server had an error while processing your request.', 'server_error', null));
    const key = randomUUID();
    const failed = await gateway.client.chat.completions.create(chat('Retry me'), withKey(key)).catch((error) => error);
    expect(failed.status).toBeGreaterThanOrEqual(500);
    const retried = await gateway.client.chat.completions.create(chat('Retry me'), withKey(key));
    expect(retried.choices[0].message.content).toBe('Hello from the fake.');
    const replayed = await gateway.client.chat.completions.create(chat('Retry me'), withKey(key));
    expect(replayed).toEqual(retried);
    expect(upstream.requests).toHaveLength(2);
  });

  it('frees the key when a stream failed after its first byte', async () => {
    const reply = chunkStreamReply([{ role: 'assistant', content: '' }, { content: 'Half' }], 'stop');
    upstream.enqueue({ headers: reply.headers, chunks: (reply.chunks as string[]).slice(0, 2), chunkDelayMs: 50, destroyAfterChunks: true });
    const key = randomUUID();
    const broken = await postJson(`${gateway.baseURL}/chat/completions`, chat('Break', { stream: true }), { 'idempotency-key': key });
    const events = await readSseData(broken);
    expect(events.at(-1)).toContain('"error"');
    await expect.poll(async () => {
      const again = await postJson(`${gateway.baseURL}/chat/completions`, chat('Break', { stream: true }), { 'idempotency-key': key });
      const replayed = again.headers.get('idempotent-replayed');
      await again.text();
      return replayed;
    }).toBeNull();
    expect(upstream.requests).toHaveLength(2);
  });

  it('keeps keys per tenant', async () => {
    const key = randomUUID();
    await gateway.client.chat.completions.create(chat('Tenant one'), withKey(key));
    const other = new OpenAI({ baseURL: gateway.baseURL, apiKey: otherTenantKey, maxRetries: 0 });
    const response = await other.chat.completions.create(chat('Tenant two'), withKey(key)).withResponse();
    expect(response.response.headers.get('idempotent-replayed')).toBeNull();
    expect(upstream.requests).toHaveLength(2);
  });

  it('replays a prompt API answer', async () => {
    const key = randomUUID();
    const call = () => postJson(`${gateway.url}/v1/prompts/sentiment`, { text: 'I love it' }, { 'idempotency-key': key });
    const first = await call();
    expect(first.status).toBe(200);
    const firstBody = await first.json();
    const repeat = await call();
    expect(repeat.headers.get('idempotent-replayed')).toBe('true');
    expect(await repeat.json()).toEqual(firstBody);
    await ledgerRowFor(gateway.url, first.headers.get('x-request-id')!);
    expect((await ledgerRows(gateway.url)).some((row) => row.id === repeat.headers.get('x-request-id'))).toBe(false);
  });

  it('bounds the key and the kept answer', async () => {
    const tooLong = await postJson(`${gateway.baseURL}/chat/completions`, chat('x'), { 'idempotency-key': 'k'.repeat(256) });
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as { error: { code: string } }).error.code).toBe('invalid_idempotency_key');
    expect(upstream.requests).toHaveLength(0);

    // A first answer over idempotency.maxAnswerBytes (4096 here) ran once and is not run again.
    upstream.enqueue({ json: textCompletion('long '.repeat(2000)) });
    const key = randomUUID();
    const first = await postJson(`${gateway.baseURL}/chat/completions`, chat('Big'), { 'idempotency-key': key });
    expect(first.status).toBe(200);
    await first.text();
    await expect.poll(async () => (await postJson(`${gateway.baseURL}/chat/completions`, chat('Big'), { 'idempotency-key': key })).status).toBe(409);
    expect(upstream.requests).toHaveLength(1);
  });
});

describe('Idempotency-Key with Redis', () => {
  const prefix = `tollgate-idem-test-${process.pid}:`;
  let gatewayA: TestGateway;
  let gatewayB: TestGateway;
  let redisUp = false;

  beforeAll(async () => {
    redisUp = await requireRedis('idempotency with Redis');
    if (!redisUp) return;
    const config = { providers: providers(), models, redis: { url: testRedisUrl, keyPrefix: prefix }, storage: { sqlite: ':memory:', ledgerFlushMs: 10 } };
    gatewayA = await startTestGateway(config);
    gatewayB = await startTestGateway(config);
  });
  afterAll(async () => {
    await gatewayA?.close();
    await gatewayB?.close();
    if (redisUp) await deleteKeys(prefix);
  });

  it('shares keys between gateways: a repeat on the second waits for and replays the first one\'s answer', async () => {
    if (!redisUp) return;
    upstream.enqueue({ delayMs: 400, json: textCompletion('Shared once') });
    const key = randomUUID();
    const [first, repeat] = await Promise.all([
      gatewayA.client.chat.completions.create(chat('Shared'), withKey(key)),
      delay(100).then(() => gatewayB.client.chat.completions.create(chat('Shared'), withKey(key))),
    ]);
    expect(repeat).toEqual(first);
    expect(first.choices[0].message.content).toBe('Shared once');
    expect(upstream.requests).toHaveLength(1);
    const conflict = await postJson(`${gatewayB.baseURL}/chat/completions`, chat('Not shared'), { 'idempotency-key': key });
    expect(conflict.status).toBe(422);
  });
});
