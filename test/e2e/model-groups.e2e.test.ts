/**
 * Model groups end to end through the real server: the official `openai` SDK → Tollgate → fake
 * upstreams on real ports, each with one behaviour (answers, 500s, 429s, a stream that dies after
 * its first chunk, a context-length 400, a plain 400). Deployments are weighted so the failing one
 * is always picked first. Asserts what the client saw (one clean answer, the `x-tollgate-*`
 * headers), what each upstream received, and the ledger row (serving deployment, attempts, price).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { chunkStreamReply, fakeOpenAIKey, openAIError, startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.js';
import { startFakeUpstream, type FakeReply, type FakeUpstream } from '../fakes/fake-upstream.js';
import { postJson, readSseData } from '../helpers/http.js';
import { ledgerRowFor } from '../helpers/ledger.js';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/start-gateway.js';

let good: FakeOpenAI;
const failing: Record<string, FakeUpstream> = {};
let gateway: TestGateway;

const behaviours: Record<string, () => FakeReply> = {
  failing: () => openAIError(500, 'The server had an error while processing your request.', 'server_error', null),
  limited: () => openAIError(429, 'Rate limit reached for requests', 'requests', 'rate_limit_exceeded', { 'retry-after': '0' }),
  broken: () => {
    const reply = chunkStreamReply([{ role: 'assistant', content: '' }, { content: 'Half an answer' }], 'stop');
    return { headers: reply.headers, chunks: (reply.chunks as string[]).slice(0, 2), chunkDelayMs: 30, destroyAfterChunks: true };
  },
  tooLong: () => openAIError(400, "This model's maximum context length is 128000 tokens. However, your messages resulted in 200000 tokens.", 'invalid_request_error', 'context_length_exceeded'),
  invalid: () => openAIError(400, "Invalid value for 'temperature': must be at most 2.", 'invalid_request_error', 'invalid_value'),
};

const first = (provider: string) => ({ provider, model: 'gpt-4o-mini', weight: 1000 });
const backup = { provider: 'good', model: 'gpt-4o-mini', weight: 1 };

beforeAll(async () => {
  good = await startFakeOpenAI();
  for (const [name, reply] of Object.entries(behaviours)) failing[name] = await startFakeUpstream(reply);
  const providers: Record<string, unknown> = { good: { type: 'openai', baseURL: good.baseURL, apiKey: fakeOpenAIKey } };
  for (const [name, fake] of Object.entries(failing)) providers[name] = { type: 'openai', baseURL: `${fake.url}/v1`, apiKey: fakeOpenAIKey };
  gateway = await startTestGateway({
    providers,
    models: {
      'after-500': { deployments: [{ ...first('failing'), price: { input: 1, output: 1 } }, { ...backup, price: { input: 100, output: 100 } }] },
      'after-429': { deployments: [first('limited'), backup] },
      'stream-breaks': { deployments: [first('broken'), backup] },
      'short-context': { provider: 'tooLong', model: 'gpt-4o-mini', contextFallback: 'long-context', fallbacks: ['plain'] },
      'long-context': { provider: 'good', model: 'gpt-4.1' },
      'client-error': { deployments: [first('invalid'), backup], fallbacks: ['plain'] },
      'all-down': { provider: 'failing', model: 'gpt-4o-mini', fallbacks: ['plain'] },
      plain: { provider: 'good', model: 'gpt-4o-mini' },
    },
    storage: { sqlite: ':memory:', ledgerFlushMs: 10 },
  });
});
afterAll(async () => {
  await gateway?.close();
  await good?.close();
  for (const fake of Object.values(failing)) await fake.close();
});

const ask = (model: string) => gateway.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hello' }] }).withResponse();

describe('a model group', () => {
  it('fails over from a deployment answering 500: one clean answer, headers and ledger name the serving deployment, priced as it', async () => {
    good.reset();
    const { data, response } = await ask('after-500');
    expect(data.choices[0].message.content).toBe('Hello from the fake.');
    expect(data.model).toBe('after-500');
    expect(response.headers.get('x-tollgate-provider')).toBe('good');
    expect(response.headers.get('x-tollgate-model')).toBe('gpt-4o-mini');
    expect(response.headers.get('x-tollgate-attempts')).toBe('2');
    expect(failing.failing.requests.length).toBeGreaterThanOrEqual(1);
    expect(good.requests).toHaveLength(1);
    const row = await ledgerRowFor(gateway.url, response.headers.get('x-request-id')!);
    expect(row).toMatchObject({ model: 'after-500', provider: 'good', upstream_model: 'gpt-4o-mini', target: 'good/gpt-4o-mini', attempts: 2, status: 200 });
    // 12 prompt and 5 completion tokens at the serving deployment's 100 USD per million each.
    expect(row.cost_usd).toBe('0.001700000');
  });

  it('fails over from a deployment answering 429', async () => {
    const { data, response } = await ask('after-429');
    expect(data.choices[0].message.content).toBe('Hello from the fake.');
    expect(response.headers.get('x-tollgate-attempts')).toBe('2');
    expect(failing.limited.requests.length).toBeGreaterThanOrEqual(1);
  });

  it('never retries a stream that failed after its first byte reached the client', async () => {
    good.reset();
    const before = failing.broken.requests.length;
    const response = await postJson(`${gateway.baseURL}/chat/completions`, { model: 'stream-breaks', stream: true, messages: [{ role: 'user', content: 'Hello' }] });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-tollgate-provider')).toBe('broken');
    const events = await readSseData(response);
    expect(events.some((event) => event.includes('Half an answer'))).toBe(true);
    expect(JSON.parse(events.at(-1)!).error).toBeDefined();
    expect(failing.broken.requests.length).toBe(before + 1);
    expect(good.requests).toHaveLength(0);
    const row = await ledgerRowFor(gateway.url, response.headers.get('x-request-id')!);
    expect(row).toMatchObject({ provider: 'broken', attempts: 1 });
    expect(row.status).toBeGreaterThanOrEqual(500);
  });

  it('sends a prompt too long for the model to its contextFallback, not to its fallbacks', async () => {
    good.reset();
    const { data, response } = await ask('short-context');
    expect(data.model).toBe('short-context');
    expect(response.headers.get('x-tollgate-provider')).toBe('good');
    expect(response.headers.get('x-tollgate-model')).toBe('gpt-4.1');
    expect(response.headers.get('x-tollgate-attempts')).toBe('2');
    expect(good.requests.map((request) => request.body.model)).toEqual(['gpt-4.1']);
  });

  it('answers a 400 at once: no other deployment, no fallback', async () => {
    good.reset();
    const refusal = await ask('client-error').catch((error) => error);
    expect(refusal).toBeInstanceOf(OpenAI.BadRequestError);
    expect(refusal.message).toContain('temperature');
    expect(refusal.headers.get('x-tollgate-attempts')).toBe('1');
    expect(good.requests).toHaveLength(0);
  });

  it('falls back to the next public model when every deployment failed', async () => {
    good.reset();
    const { data, response } = await ask('all-down');
    expect(data.model).toBe('all-down');
    expect(response.headers.get('x-tollgate-provider')).toBe('good');
    expect(response.headers.get('x-tollgate-attempts')).toBe('2');
    const row = await ledgerRowFor(gateway.url, response.headers.get('x-request-id')!);
    expect(row).toMatchObject({ model: 'all-down', provider: 'good', target: 'good/gpt-4o-mini', attempts: 2 });
  });

  it('routes embeddings through the group too: a 500 fails over, the answer says who served and is priced as it', async () => {
    good.reset();
    const { data, response } = await gateway.client.embeddings.create({ model: 'after-500', input: 'Hello' }).withResponse();
    expect(data.data[0].embedding.length).toBeGreaterThan(0);
    expect(response.headers.get('x-tollgate-provider')).toBe('good');
    expect(response.headers.get('x-tollgate-attempts')).toBe('2');
    expect(good.requests.map((request) => request.path)).toEqual(['/v1/embeddings']);
    const row = await ledgerRowFor(gateway.url, response.headers.get('x-request-id')!);
    expect(row).toMatchObject({ kind: 'embeddings', model: 'after-500', provider: 'good', target: 'good/gpt-4o-mini', attempts: 2, status: 200 });
    // The serving deployment's 100 USD per million input tokens, not the failed one's 1.
    expect(row.input_tokens).toBeGreaterThan(0);
    expect(Number(row.cost_usd)).toBe(row.input_tokens * 100 / 1e6);
  });

  it('shows each group\'s deployments at /admin/targets, beside the REST services', async () => {
    const response = await fetch(`${gateway.url}/admin/targets`, { headers: { authorization: `Bearer ${testAdminKey}` } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: unknown[]; models: Array<{ model: string; balance: string; targets: Array<{ id: string; requests: number; failures: number; breaker: string }> }> };
    expect(body.data).toEqual([]);
    const group = body.models.find((model) => model.model === 'after-500')!;
    expect(group.balance).toBe('weighted');
    expect(group.targets.map((target) => target.id)).toEqual(['failing/gpt-4o-mini', 'good/gpt-4o-mini']);
    const [failed, served] = group.targets;
    expect(failed.failures).toBeGreaterThanOrEqual(1);
    expect(served).toMatchObject({ breaker: 'closed', failures: 0 });
    expect(served.requests).toBeGreaterThanOrEqual(1);
    expect(body.models.map((model) => model.model)).toContain('plain');
  });

  it('keeps a plain { provider, model } working as a group of one', async () => {
    const { data, response } = await ask('plain');
    expect(data.choices[0].message.content).toBe('Hello from the fake.');
    expect(response.headers.get('x-tollgate-attempts')).toBe('1');
    expect(response.headers.get('x-tollgate-provider')).toBe('good');
  });
});
