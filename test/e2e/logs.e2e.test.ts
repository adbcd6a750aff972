/**
 * Logs end to end, from a real `tollgate serve` process: one JSON access-log line per call on
 * stdout with the documented fields; upstream failures logged with their cause; optional body
 * capture (redaction patterns, a tenant's refusal honoured); and — the point of the file — every
 * byte the gateway printed, stdout and stderr, searched for every secret it was given or shown:
 * provider keys, tenant keys (configured and created at runtime), the admin key, and keys that
 * callers put where they should not (a request id, a URL, a message body).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../fakes/fake-upstream.js';
import { startTestGateway } from '../helpers/start-gateway.js';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawn-gateway.js';

const providerKey = 'sk-logs-provider-secret-0123456789abcdef';
const tenantKey = 'tg_logs_tenant_key_0123456789abcdef';
const privateKey = 'tg_logs_private_key_0123456789abcd';
const adminKey = 'tg_logs_admin_key_0123456789abcdef';
const unknownKey = 'tg_logs_unknown_key_0123456789abcd';
const card = '4111-1111-1111-1111';

let upstream: FakeUpstream;
let gateway: SpawnedGateway;
let createdKey = '';
let output = '';
let accessLines: Array<Record<string, any>> = [];
let callsMade = 0;

const completion = { id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'up', choices: [{ index: 0, message: { role: 'assistant', content: 'fine' }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } };

async function call(path: string, body: unknown, key: string | null, headers: Record<string, string> = {}): Promise<Response> {
  callsMade++;
  const response = await fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    body: JSON.stringify(body),
  });
  await response.text();
  return response;
}

beforeAll(async () => {
  upstream = await startFakeUpstream((request) => {
    if (request.body?.model === 'leaky-upstream') {
      // A careless upstream that puts the credentials it received into its error message.
      return { status: 500, json: { error: { message: `internal error for ${request.headers.authorization}`, type: 'server_error' } } };
    }
    if (request.body?.stream) {
      const chunk = (delta: object, usage?: object) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'up', choices: usage ? [] : [{ index: 0, delta, finish_reason: null }], ...(usage ? { usage } : {}) })}\n\n`;
      return { headers: { 'content-type': 'text/event-stream' }, chunks: [chunk({ role: 'assistant', content: 'hi' }), chunk({}, { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 }), 'data: [DONE]\n\n'] };
    }
    return { json: completion };
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-logs-'));
  gateway = await spawnGateway(
    join(dataDir, 'tollgate.yaml'),
    `
server: { host: 127.0.0.1 }
providers:
  up: { type: openai-compatible, baseURL: "${upstream.url}/v1", apiKey: "${providerKey}" }
models:
  good: { provider: up, model: good-upstream, price: { input: 1, output: 2 } }
  leaky: { provider: up, model: leaky-upstream }
tenants:
  logs: { keys: [{ name: main, key: ${tenantKey} }] }
  private: { keys: [{ name: main, key: ${privateKey} }], allowBodyCapture: false }
storage: { sqlite: ${join(dataDir, 'tollgate.db')}, ledgerFlushMs: 20 }
logs:
  bodyCapture: { enabled: true, tenants: [logs, private], maxBytes: 4096, redact: ["\\\\d{4}-\\\\d{4}-\\\\d{4}-\\\\d{4}"] }
`,
    { TOLLGATE_ADMIN_KEY: adminKey },
  );
  const message = (content: string) => ({ model: 'good', messages: [{ role: 'user', content }] });
  expect((await call('/v1/chat/completions', message(`my card is ${card} and my key is ${tenantKey}`), tenantKey, { 'x-request-id': tenantKey })).status).toBe(200);
  expect((await call('/v1/chat/completions', { ...message('stream please'), stream: true }, tenantKey)).status).toBe(200);
  expect((await call('/v1/chat/completions', { ...message('x'), model: 'leaky' }, tenantKey)).status).toBe(502);
  expect((await call('/v1/chat/completions', message('x'), unknownKey)).status).toBe(401);
  expect((await call('/v1/chat/completions', message('x'), null, { 'x-api-key': adminKey })).status).toBe(401);
  expect((await call('/v1/chat/completions', { ...message('x'), model: 'no-such-model' }, tenantKey)).status).toBe(404);
  expect((await call('/v1/chat/completions', { model: 'good' }, tenantKey)).status).toBe(400);
  expect((await call(`/v1/prompts/${tenantKey}`, {}, tenantKey)).status).toBe(404);
  expect((await call('/v1/chat/completions', message(`private ${card}`), privateKey)).status).toBe(200);
  const created = await fetch(`${gateway.url}/admin/tenants/logs/keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
    body: JSON.stringify({ name: 'runtime' }),
  });
  createdKey = ((await created.json()) as { key: string }).key;
  expect(createdKey).toMatch(/^tg_/);
  expect((await call('/v1/chat/completions', message('with a runtime key'), createdKey)).status).toBe(200);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(await gateway.stop('SIGTERM')).toBe(0);
  output = gateway.stdout() + gateway.log();
  accessLines = gateway
    .stdout()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .filter((line) => line.message === 'call');
}, 120_000);
afterAll(async () => {
  await gateway?.stop('SIGKILL');
  await upstream?.close();
});

describe('logs', () => {
  it('never prints a key: provider, tenant (configured and runtime), admin, or one a caller put in the wrong place', () => {
    expect(output.length).toBeGreaterThan(1000);
    for (const secret of [providerKey, tenantKey, privateKey, adminKey, unknownKey, createdKey]) {
      expect(output.includes(secret), `${secret.slice(0, 12)}... printed`).toBe(false);
    }
    expect(output).not.toMatch(/bearer\s+(?!\[redacted\])[A-Za-z0-9._~+/=-]{8,}/i);
  });

  it('writes one JSON access-log line per call with the documented fields', () => {
    expect(accessLines).toHaveLength(callsMade);
    const ok = accessLines.find((line) => line.status === 200 && line.streamed === false && line.tenant === 'logs')!;
    expect(ok).toMatchObject({ level: 'info', route: 'chat', tenant: 'logs', model: 'good', provider: 'up', upstream_model: 'good-upstream', error_code: null, attempts: 1 });
    expect(ok.key_id).toBe('cfg_logs_main');
    expect(ok.request_id).toMatch(/^req_/);
    expect(ok.tokens).toEqual({ input: 3, cached_input: 0, cache_write: 0, output: 2, reasoning: 0 });
    expect(ok.cost_usd).toBe('0.000007000');
    for (const field of ['latency_ms', 'upstream_ms', 'gateway_ms']) expect(typeof ok[field]).toBe('number');
    const streamed = accessLines.find((line) => line.streamed === true)!;
    expect(typeof streamed.first_byte_ms).toBe('number');
    const failed = accessLines.find((line) => line.status === 502)!;
    expect(failed).toMatchObject({ level: 'error', error_code: 'server_error', attempts: 1 });
    expect(accessLines.filter((line) => line.status === 401).every((line) => line.level === 'warn' && line.tenant === null)).toBe(true);
    expect(accessLines.find((line) => line.status === 404 && line.route === 'chat')).toMatchObject({ error_code: 'model_not_found', tenant: 'logs' });
  });

  it('logs upstream failures with their cause', () => {
    const failure = gateway
      .log()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .find((line) => line.message === 'upstream attempt failed');
    expect(failure).toMatchObject({ provider: 'up', upstream_model: 'leaky-upstream', status: 502, error_code: 'server_error' });
    expect(failure.error).toContain('internal error for Bearer [redacted]');
  });

  it('captures bodies only for listed tenants that allow it, cut and redacted', () => {
    const captures = gateway
      .stdout()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .filter((line) => line.message === 'body capture');
    expect(captures.length).toBeGreaterThan(0);
    expect(captures.every((line) => line.tenant === 'logs')).toBe(true);
    const first = captures.find((line) => String(line.request_body).includes('my card is'))!;
    expect(first.request_body).toContain('my card is [redacted] and my key is [redacted]');
    expect(first.response_body).toContain('"content":"fine"');
    expect(output).not.toContain(card);
  });
});

describe('access log sampling and destination', () => {
  it('writes every failure and no success when successes are sampled at 0, to a file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tollgate-access-')), 'access.log');
    const sampled = await startTestGateway({
      providers: { demo: { type: 'mock' } },
      models: { demo: { provider: 'demo', model: 'echo' } },
      logs: { access: { destination: file, sampleSuccesses: 0 } },
    });
    try {
      await sampled.client.chat.completions.create({ model: 'demo', messages: [{ role: 'user', content: 'hi' }] });
      await sampled.client.chat.completions.create({ model: 'demo', messages: [{ role: 'user', content: 'hi' }] });
      await expect(sampled.client.chat.completions.create({ model: 'missing', messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow();
    } finally {
      await sampled.close();
    }
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
    expect(lines.map((line) => [line.status, line.level])).toEqual([[404, 'warn']]);
  });
});
