/**
 * `GET /metrics` end to end: calls through the real server with the official SDK and raw HTTP,
 * then one scrape, read the way Prometheus reads it. Per-call series by route, model, provider,
 * tenant and status class; tokens, cost, time to first token; quota refusals by window; security
 * events by reason; label values bounded by the configuration (a caller naming new models or
 * tenants creates no series); internals and Node's own metrics; and a separate metrics port.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matching, scrape, value, type Sample } from '../helpers/prometheus.js';
import { startTestGateway, testKey, type TestGateway } from '../helpers/start-gateway.js';

const acmeKey = 'tg_acme_metrics_key_0123456789';
const scopedKey = 'tg_scoped_metrics_key_01234567';
const price = { input: 1, output: 2 };

let gateway: TestGateway;
let samples: Sample[];

const post = (path: string, body: unknown, key: string | null = testKey) =>
  fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  gateway = await startTestGateway({
    providers: { demo: { type: 'mock' }, openish: { type: 'mock', directModels: true } },
    models: { demo: { provider: 'demo', model: 'echo', price }, lorem: { provider: 'demo', model: 'lorem', price } },
    tenants: {
      test: { keys: [{ name: 'default', key: testKey }] },
      acme: { keys: [{ name: 'ci', key: acmeKey }], quotas: { requestsPerMinute: 1 } },
      scoped: { keys: [{ name: 'one', key: scopedKey }], models: ['lorem'] },
    },
    metrics: { tenantLabel: ['acme'] },
  });
  const { client } = gateway;
  await client.chat.completions.create({ model: 'demo', messages: [{ role: 'user', content: 'hello metrics' }] });
  const stream = await client.chat.completions.create({
    model: 'demo',
    messages: [{ role: 'user', content: 'a streamed hello' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  for await (const chunk of stream) void chunk;
  await client.embeddings.create({ model: 'demo', input: 'embed me' });
  expect((await post('/v1/chat/completions', { model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] })).status).toBe(404);
  expect((await post('/v1/chat/completions', { model: 'demo' })).status).toBe(400);
  for (const model of ['openish/anything-1', 'openish/anything-2']) {
    expect((await post('/v1/chat/completions', { model, messages: [{ role: 'user', content: 'x' }] })).status).toBe(200);
  }
  expect((await post('/v1/chat/completions', {}, 'tg_not_a_real_key_000000000000')).status).toBe(401);
  expect((await post('/v1/chat/completions', {}, null)).status).toBe(401);
  expect((await post('/v1/chat/completions', { model: 'demo', messages: [{ role: 'user', content: 'x' }] }, acmeKey)).status).toBe(200);
  expect((await post('/v1/chat/completions', { model: 'demo', messages: [{ role: 'user', content: 'x' }] }, acmeKey)).status).toBe(429);
  expect((await post('/v1/chat/completions', { model: 'demo', messages: [{ role: 'user', content: 'x' }] }, scopedKey)).status).toBe(403);
  samples = await scrape(`${gateway.url}/metrics`);
});
afterAll(() => gateway?.close());

describe('GET /metrics', () => {
  it('counts calls per route, model, provider, tenant and status class, with latency histograms', () => {
    const chat = { route: 'chat', gen_ai_operation_name: 'chat', gen_ai_request_model: 'demo', provider: 'demo', gen_ai_provider_name: 'tollgate.mock' };
    expect(value(samples, 'tollgate_requests_total', { ...chat, tenant: 'other', status_class: '2xx' })).toBe(2);
    expect(value(samples, 'gen_ai_server_request_duration_seconds_count', { ...chat, tenant: 'other', status_class: '2xx' })).toBe(2);
    expect(value(samples, 'gen_ai_server_request_duration_seconds_bucket', { ...chat, tenant: 'other', status_class: '2xx', le: '+Inf' })).toBe(2);
    expect(value(samples, 'gen_ai_server_request_duration_seconds_sum', { ...chat, tenant: 'other' })).toBeGreaterThan(0);
    expect(value(samples, 'tollgate_upstream_duration_seconds_count', { ...chat, tenant: 'other', status_class: '2xx' })).toBe(2);
    expect(value(samples, 'tollgate_gateway_duration_seconds_count', { ...chat, tenant: 'other', status_class: '2xx' })).toBe(2);
    // Refused by the model scope after the model was resolved.
    expect(value(samples, 'tollgate_requests_total', { ...chat, tenant: 'other', status_class: '4xx' })).toBe(1);
    expect(value(samples, 'tollgate_requests_total', { route: 'embeddings', gen_ai_operation_name: 'embeddings', gen_ai_request_model: 'demo' })).toBe(1);
    // The acme tenant is labelled (configured); the others share `other`.
    expect(value(samples, 'tollgate_requests_total', { tenant: 'acme', status_class: '2xx' })).toBe(1);
    expect(value(samples, 'tollgate_requests_total', { tenant: 'acme', status_class: '4xx' })).toBe(1);
    expect(matching(samples, 'tollgate_requests_total').every((sample) => ['acme', 'other', ''].includes(sample.labels.tenant))).toBe(true);
  });

  it('measures time to first token for streams, tokens by kind and cost', () => {
    expect(value(samples, 'gen_ai_server_time_to_first_token_seconds_count', { gen_ai_request_model: 'demo' })).toBe(1);
    expect(value(samples, 'gen_ai_client_token_usage_sum', { gen_ai_request_model: 'demo', gen_ai_token_type: 'input' })).toBeGreaterThan(0);
    expect(value(samples, 'gen_ai_client_token_usage_sum', { gen_ai_request_model: 'demo', gen_ai_token_type: 'output', route: 'chat' })).toBeGreaterThan(0);
    expect(value(samples, 'tollgate_cost_usd_total', { gen_ai_request_model: 'demo' })).toBeGreaterThan(0);
    expect(value(samples, 'tollgate_requests_in_flight')).toBe(0);
  });

  it('keeps label values to the configuration: direct model names collapse to provider/*', () => {
    expect(value(samples, 'tollgate_requests_total', { gen_ai_request_model: 'openish/*', status_class: '2xx' })).toBe(2);
    expect(samples.some((sample) => Object.values(sample.labels).some((label) => label.includes('anything') || label.includes('no-such-model')))).toBe(false);
    // Refused before a model was resolved (404, 400, two 401s): counted with an empty model label.
    expect(value(samples, 'tollgate_requests_total', { route: 'chat', gen_ai_request_model: '', status_class: '4xx' })).toBe(4);
  });

  it('counts quota refusals by limit and window, and security events by reason', () => {
    expect(value(samples, 'tollgate_quota_refusals_total', { tenant: 'acme', scope: 'tenant', limit: 'requests_per_minute', window: 'minute' })).toBe(1);
    expect(value(samples, 'tollgate_auth_failures_total', { reason: 'invalid_api_key' })).toBe(1);
    expect(value(samples, 'tollgate_auth_failures_total', { reason: 'missing_api_key' })).toBe(1);
    expect(value(samples, 'tollgate_authorization_refusals_total', { reason: 'model_not_allowed' })).toBe(1);
  });

  it("exposes the gateway's internals and Node's own metrics", () => {
    for (const name of ['tollgate_ledger_spool_rows', 'tollgate_ledger_dropped_rows', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes', 'process_resident_memory_bytes']) {
      expect(matching(samples, name).length, name).toBeGreaterThan(0);
    }
    expect(matching(samples, 'tollgate_ledger_backlog_rows').map((sample) => sample.labels.stage).sort()).toEqual(['handover', 'writer']);
  });

  it('writes a ledger row for authenticated calls that failed validation, visible in /admin/calls', async () => {
    await new Promise((resolve) => setTimeout(resolve, 400));
    const response = await fetch(`${gateway.url}/admin/calls?tenant=test&status=4xx`, { headers: { authorization: 'Bearer tg_test_admin_key_0123456789' } });
    const { data } = (await response.json()) as { data: Array<{ status: number; error_code: string | null; kind: string }> };
    expect(data.map((call) => [call.status, call.error_code]).sort()).toEqual([
      [400, 'invalid_request_body'],
      [404, 'model_not_found'],
    ]);
  });
});

describe('metrics on a port of their own', () => {
  it('serves them there and not on the gateway port', async () => {
    const separate = await startTestGateway({ providers: { demo: { type: 'mock' } }, models: { demo: { provider: 'demo', model: 'echo' } }, metrics: { port: 0 } });
    try {
      await separate.client.chat.completions.create({ model: 'demo', messages: [{ role: 'user', content: 'hi' }] });
      expect(separate.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const own = await scrape(separate.metricsUrl!);
      expect(value(own, 'tollgate_requests_total', { status_class: '2xx' })).toBe(1);
      expect((await fetch(`${separate.url}/metrics`)).status).toBe(404);
    } finally {
      await separate.close();
    }
  });
});
