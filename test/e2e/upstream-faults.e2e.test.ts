/**
 * Hostile upstreams, through the real server, for each provider kind (OpenAI-shaped, Anthropic,
 * Gemini): a redirect, malformed or truncated streams, HTML where JSON or events belong,
 * oversized answers and stalls are each an upstream error to the client — a JSON error, or, once
 * a stream has begun, an SSE error event and no `[DONE]` — and a ledger row that says so, billed
 * only for what was really generated. Secrets configured for a provider never come back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultInjectingUpstream, type Fault, type FaultInjectingUpstream } from '../fakes/fault-injecting-upstream.js';
import type { ProviderKind } from '../fakes/provider-wire.js';
import { postJson, readSseData } from '../helpers/http.js';
import { startTestGateway, testAdminKey, testKey, type TestGateway } from '../helpers/start-gateway.js';

const kinds: ProviderKind[] = ['openai', 'anthropic', 'gemini'];
const secrets = {
  openai: { apiKey: 'sk-fault-openai-key-0001', header: 'proxy-secret-openai-0002' },
  anthropic: { apiKey: 'sk-ant-fault-key-0003', header: 'proxy-secret-anthropic-0004' },
  gemini: { apiKey: 'AIzaFaultGeminiKey0005', header: 'proxy-secret-gemini-0006' },
};
const allSecrets = Object.values(secrets).flatMap(({ apiKey, header }) => [apiKey, header]);
const limits = { maxResponseBytes: 1024 * 1024, maxStreamBytes: 2 * 1024 * 1024, maxEventBytes: 256 * 1024 };

let gateway: TestGateway;
const upstreams = {} as Record<ProviderKind, FaultInjectingUpstream>;
const logged: string[] = [];
const writeStderr = process.stderr.write.bind(process.stderr);

beforeAll(async () => {
  for (const kind of kinds) upstreams[kind] = await startFaultInjectingUpstream(kind);
  // Every log line the gateway writes, to check that no secret reaches one.
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    logged.push(String(chunk));
    return writeStderr(chunk, ...rest);
  }) as typeof process.stderr.write;
  const common = { timeoutMs: 1500 };
  gateway = await startTestGateway({
    providers: {
      openai: { type: 'openai-compatible', baseURL: `${upstreams.openai.url}/v1`, apiKey: secrets.openai.apiKey, headers: { 'x-proxy-secret': secrets.openai.header }, ...common },
      anthropic: { type: 'anthropic', baseURL: upstreams.anthropic.url, apiKey: secrets.anthropic.apiKey, headers: { 'X-Gateway-Token': secrets.anthropic.header }, ...common },
      gemini: { type: 'gemini', baseURL: upstreams.gemini.url, apiKey: secrets.gemini.apiKey, headers: { 'x-proxy-key': secrets.gemini.header }, ...common },
    },
    models: {
      openai: { provider: 'openai', model: 'gpt-4o-mini', price: { input: 1, output: 4 } },
      anthropic: { provider: 'anthropic', model: 'claude-sonnet-4-5', price: { input: 1, output: 4 } },
      gemini: { provider: 'gemini', model: 'gemini-2.5-flash', price: { input: 1, output: 4 } },
      'openai-embed': { provider: 'openai', model: 'text-embedding-3-small', price: { input: 1, output: 0 } },
      'gemini-embed': { provider: 'gemini', model: 'text-embedding-004', price: { input: 1, output: 0 } },
    },
    upstream: limits,
    storage: { sqlite: ':memory:', ledgerFlushMs: 5 },
  });
});
afterAll(async () => {
  process.stderr.write = writeStderr;
  await gateway?.close();
  for (const kind of kinds) await upstreams[kind]?.close();
});

const chat = (model: string, stream: boolean) => postJson(`${gateway.baseURL}/chat/completions`, { model, stream, messages: [{ role: 'user', content: 'Say hello' }] });

async function ledgerRow(response: Response): Promise<any> {
  const id = response.headers.get('x-request-id');
  let row: any;
  await expect
    .poll(async () => {
      const page: any = await (await fetch(`${gateway.url}/admin/calls?limit=50`, { headers: { authorization: `Bearer ${testAdminKey}` } })).json();
      return (row = page.data.find((entry: any) => entry.id === id));
    }, { timeout: 20_000 })
    .toBeDefined();
  return row;
}

function expectNoSecret(text: string): void {
  for (const secret of allSecrets) expect(text).not.toContain(secret);
}

/** A non-streamed call that must fail with `status` and `code`, and its ledger row. */
async function expectJsonError(kind: ProviderKind, fault: Fault, status: number, code: string, model: string = kind, stream = false): Promise<any> {
  upstreams[kind].inject(fault);
  const response = model.endsWith('-embed')
    ? await postJson(`${gateway.baseURL}/embeddings`, { model, input: 'hello' })
    : await chat(model, stream);
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(JSON.parse(text).error).toMatchObject({ code });
  expectNoSecret(text);
  const row = await ledgerRow(response);
  expect(row).toMatchObject({ status, error_code: code, cost_usd: '0.000000000' });
  return { text, row };
}

/** A streamed call that must end in an SSE error event with `code` (no [DONE]), and its ledger row. */
async function expectStreamError(kind: ProviderKind, fault: Fault, status: number, code: string): Promise<{ data: string[]; row: any }> {
  upstreams[kind].inject(fault);
  const response = await chat(kind, true);
  expect(response.status).toBe(200);
  const data = await readSseData(response);
  expect(data).not.toContain('[DONE]');
  for (const event of data) expect(() => JSON.parse(event), event).not.toThrow();
  expect(JSON.parse(data.at(-1)!).error).toMatchObject({ code });
  expectNoSecret(data.join('\n'));
  const row = await ledgerRow(response);
  expect(row).toMatchObject({ status, error_code: code });
  return { data, row };
}

const text = (data: string[]) =>
  data
    .slice(0, -1)
    .map((event) => JSON.parse(event).choices?.[0]?.delta?.content ?? '')
    .join('');

describe.each(kinds)('%s upstream faults', (kind) => {
  it('answers correctly when nothing is injected', async () => {
    const response = await chat(kind, true);
    const data = await readSseData(response);
    expect(data.at(-1)).toBe('[DONE]');
    expect((await ledgerRow(response)).status).toBe(200);
  });

  it('a redirect is a 502, never followed, its body (echoing the key) never shown: non-streamed and streamed', async () => {
    const { text: body } = await expectJsonError(kind, 'redirect', 502, 'upstream_redirect');
    expect(body).not.toContain('redirected');
    await expectJsonError(kind, 'redirect', 502, 'upstream_redirect', kind, true);
    // The official SDK sees an error, not an empty success.
    upstreams[kind].inject('redirect');
    await expect(gateway.client.chat.completions.create({ model: kind, messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 502 });
    expect(upstreams[kind].requests.filter((request) => request.path.includes('elsewhere'))).toEqual([]);
  });

  it('a malformed event ends the stream with an error event, never forwarded', async () => {
    const { data, row } = await expectStreamError(kind, 'malformed-sse', 502, 'upstream_invalid_response');
    expect(data.join('\n')).not.toContain('this is not json');
    expect(text(data)).toBe('Hello');
    expect(row.cost_usd).not.toBe('0.000000000');
  });

  it('an HTML page served as a stream, or an empty stream, is an error that costs nothing', async () => {
    for (const fault of ['html-as-sse', 'empty-stream'] as const) {
      const { data, row } = await expectStreamError(kind, fault, 502, 'upstream_invalid_response');
      expect(data).toHaveLength(1);
      expect(row).toMatchObject({ cost_usd: '0.000000000', output_tokens: 0 });
    }
  });

  it('a stream that closes without its terminal event is incomplete, billed for what came', async () => {
    const { data, row } = await expectStreamError(kind, 'no-terminal-event', 502, 'upstream_stream_incomplete');
    expect(text(data)).toBe('Hello there');
    expect(row.output_tokens).toBeGreaterThan(0);
  });

  it('truncated JSON and an HTML page are invalid answers', async () => {
    await expectJsonError(kind, 'truncated-json', 502, 'upstream_invalid_response');
    await expectJsonError(kind, 'html', 502, 'upstream_invalid_response');
  });

  it('an oversized answer is refused as it passes the limit, without holding it', async () => {
    const before = process.memoryUsage();
    const started = Date.now();
    await expectJsonError(kind, 'oversize-json', 502, 'upstream_response_too_large');
    const after = process.memoryUsage();
    expect(after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers).toBeLessThan(24 * 1024 * 1024);
    expect(Date.now() - started).toBeLessThan(5_000);
    await expectStreamError(kind, 'oversize-stream', 502, 'upstream_response_too_large');
    await expectStreamError(kind, 'oversize-event', 502, 'upstream_response_too_large');
  });

  it('stalls time out: before the headers, in the middle of a body, in the middle of a stream', async () => {
    await expectJsonError(kind, 'stall-before-headers', 504, 'upstream_timeout');
    await expectJsonError(kind, 'stall-before-headers', 504, 'upstream_timeout', kind, true);
    await expectJsonError(kind, 'stall-mid-body', 504, 'upstream_timeout');
    const { data } = await expectStreamError(kind, 'stall-mid-stream', 504, 'upstream_timeout');
    expect(text(data)).toBe('Hello');
  });

  it('usage that is no token count is counted instead, and the call keeps its ledger row', async () => {
    upstreams[kind].inject('bogus-usage');
    const response = await chat(kind, false);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-tollgate-cost-usd')).toMatch(/^\d+\.\d{9}$/);
    const row = await ledgerRow(response);
    expect(row).toMatchObject({ status: 200, estimated: true });
    expect(row.input_tokens).toBeGreaterThan(0);
    expect(row.output_tokens).toBeLessThan(1000);
  });

  it('JSON nested 100,000 levels deep is an upstream error where it must be translated, never a crash', async () => {
    if (kind === 'openai') {
      // Passed through untouched: nothing to translate, nothing to overflow.
      upstreams[kind].inject('deep-json');
      expect((await chat(kind, false)).status).toBe(200);
      upstreams[kind].inject('deep-json');
      expect((await readSseData(await chat(kind, true))).at(-1)).toBe('[DONE]');
      return;
    }
    await expectJsonError(kind, 'deep-json', 502, 'upstream_invalid_response');
    await expectStreamError(kind, 'deep-json', 502, 'upstream_invalid_response');
  });

  it('an error that echoes the request (key, configured headers) reaches the client and the log redacted', async () => {
    upstreams[kind].inject('echo-request-error');
    const response = await chat(kind, false);
    const body = await response.text();
    expect(response.status).toBe(400);
    expect(body).toContain('[redacted]');
    expectNoSecret(body);
    expectNoSecret(logged.join(''));
  });
});

describe.each(['openai', 'gemini'] as const)('%s embeddings faults', (kind) => {
  it('a redirect, truncated JSON, an HTML page and an oversized answer are upstream errors', async () => {
    const model = `${kind}-embed`;
    await expectJsonError(kind, 'redirect', 502, 'upstream_redirect', model);
    await expectJsonError(kind, 'truncated-json', 502, 'upstream_invalid_response', model);
    await expectJsonError(kind, 'html', 502, 'upstream_invalid_response', model);
    await expectJsonError(kind, 'oversize-json', 502, 'upstream_response_too_large', model);
    const ok = await postJson(`${gateway.baseURL}/embeddings`, { model, input: 'hello' });
    expect(ok.status).toBe(200);
  });
});

describe('a JSON prompt whose model answers JSON nested 100,000 levels deep', () => {
  it('is invalid model output (502 after the repair attempt), not a crash', async () => {
    const published = await fetch(`${gateway.url}/admin/prompts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${testAdminKey}` },
      body: JSON.stringify({
        name: 'deep-answer',
        model: 'openai',
        input: { type: 'object', properties: { item: { type: 'string' } }, required: ['item'] },
        output: { type: 'json', schema: { type: 'object' } },
        messages: [{ role: 'user', content: 'Describe {{item}}' }],
      }),
    });
    expect(published.status).toBe(201);
    upstreams.openai.inject('deep-json');
    upstreams.openai.inject('deep-json');
    const response = await postJson(`${gateway.baseURL}/prompts/deep-answer`, { item: 'a tree' });
    const body: any = await response.json();
    expect(response.status).toBe(502);
    expect(body.error.code).toBe('invalid_model_output');
    expect(body.error.message).toMatch(/nests deeper than 64 levels/);
    expect(body.error.message.length).toBeLessThan(3_000);
    expect(await ledgerRow(response)).toMatchObject({ status: 502, error_code: 'invalid_model_output' });
  });
});

describe('limits per provider', () => {
  it('a provider setting wins over the gateway-wide one', async () => {
    const local = await startFaultInjectingUpstream('openai');
    const tight = await startTestGateway({
      providers: { tight: { type: 'openai-compatible', baseURL: `${local.url}/v1`, maxResponseBytes: 100 } },
      models: { tight: { provider: 'tight', model: 'gpt-4o-mini' } },
      upstream: { maxResponseBytes: 10_000_000 },
    });
    try {
      const response = await postJson(`${tight.baseURL}/chat/completions`, { model: 'tight', messages: [{ role: 'user', content: 'hi' }] }, { authorization: `Bearer ${testKey}` });
      expect(response.status).toBe(502);
      expect(((await response.json()) as any).error.code).toBe('upstream_response_too_large');
    } finally {
      await tight.close();
      await local.close();
    }
  });
});

