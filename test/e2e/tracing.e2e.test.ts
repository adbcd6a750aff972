/**
 * OpenTelemetry tracing end to end: a real `tollgate serve` configured only with the standard
 * `OTEL_*` variables sends OTLP over HTTP to a local receiver (a plain HTTP server here, reading
 * what a collector would). The caller's W3C `traceparent` becomes the parent of the call's span;
 * the call has child spans for authentication, the quota reservation, each upstream attempt (with
 * the deployment), the stream and the ledger hand-over, with GenAI attributes; the upstream
 * receives the attempt's `traceparent` and the caller's `tracestate`. With tracing off, the
 * caller's headers still reach the upstream unchanged.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../fakes/fake-upstream.js';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawn-gateway.js';
import { startTestGateway } from '../helpers/start-gateway.js';

interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  status: { code?: number };
}

const key = 'tg_tracing_tenant_key_0123456789';
const inboundTraceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const inboundSpanId = '00f067aa0ba902b7';
const completion = { id: 'c1', object: 'chat.completion', created: 1, model: 'up', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } };

let receiver: Server;
let receiverUrl = '';
const spans: ReceivedSpan[] = [];
const resources: Array<Record<string, unknown>> = [];
let upstream: FakeUpstream;
let gateway: SpawnedGateway;

function attributes(list: Array<{ key: string; value: Record<string, unknown> }> = []): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const { key: name, value } of list) {
    const [kind, raw] = Object.entries(value)[0] ?? [];
    result[name] = kind === 'intValue' ? Number(raw) : kind === 'arrayValue' ? raw : raw;
  }
  return result;
}

async function startReceiver(): Promise<void> {
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (request.url === '/v1/traces') {
        const payload = JSON.parse(body) as { resourceSpans: Array<{ resource: { attributes: never[] }; scopeSpans: Array<{ spans: Array<Record<string, any>> }> }> };
        for (const resourceSpans of payload.resourceSpans) {
          resources.push(attributes(resourceSpans.resource.attributes));
          for (const scope of resourceSpans.scopeSpans) {
            for (const span of scope.spans) spans.push({ ...span, attributes: attributes(span.attributes), status: span.status ?? {} } as ReceivedSpan);
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
}

async function waitFor<T>(read: () => T | undefined, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = read();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`not received within ${ms} ms; spans: ${spans.map((span) => span.name).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const chat = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
    body: JSON.stringify({ model: 'good', messages: [{ role: 'user', content: 'trace me' }], ...body }),
  });

beforeAll(async () => {
  await startReceiver();
  upstream = await startFakeUpstream((request) => {
    if (!request.body?.stream) return { json: completion };
    const chunk = (payload: object) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'up', ...payload })}\n\n`;
    return {
      headers: { 'content-type': 'text/event-stream' },
      chunks: [chunk({ choices: [{ index: 0, delta: { role: 'assistant', content: 'hi' }, finish_reason: null }] }), chunk({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } }), 'data: [DONE]\n\n'],
    };
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-tracing-'));
  gateway = await spawnGateway(
    join(dataDir, 'tollgate.yaml'),
    `
server: { host: 127.0.0.1 }
providers: { up: { type: openai-compatible, baseURL: "${upstream.url}/v1", apiKey: sk-tracing-provider-key-0123456789 } }
models: { good: { provider: up, model: good-upstream, price: { input: 1, output: 2 } } }
tenants: { traced: { keys: [{ name: main, key: ${key} }] } }
storage: { sqlite: ${join(dataDir, 'tollgate.db')} }
logs: { access: { enabled: false } }
`,
    { OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl, OTEL_SERVICE_NAME: 'tollgate-under-test', OTEL_BSP_SCHEDULE_DELAY: '100' },
  );
}, 120_000);
afterAll(async () => {
  await gateway?.stop('SIGKILL');
  await upstream?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('tracing', () => {
  it('continues the caller’s trace: the call, its phases, the upstream attempt and the ledger hand-over, with GenAI attributes', async () => {
    const response = await chat({}, { traceparent: `00-${inboundTraceId}-${inboundSpanId}-01`, tracestate: 'vendor=opaque' });
    expect(response.status).toBe(200);
    await response.text();
    const root = await waitFor(() => spans.find((span) => span.traceId === inboundTraceId && span.kind === 2));
    const children = await waitFor(() => {
      const found = spans.filter((span) => span.traceId === inboundTraceId && span.parentSpanId === root.spanId);
      return found.length >= 4 ? found : undefined;
    });
    expect(root.parentSpanId).toBe(inboundSpanId);
    expect(root.name).toBe('chat good');
    expect(root.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'good',
      'gen_ai.usage.input_tokens': 3,
      'gen_ai.usage.output_tokens': 2,
      'http.response.status_code': 200,
      'tollgate.tenant.id': 'traced',
      'tollgate.attempts': 1,
    });
    expect(children.map((span) => span.name).sort()).toEqual(['chat good-upstream', 'tollgate.auth', 'tollgate.ledger.handover', 'tollgate.quota.reserve']);
    const attempt = children.find((span) => span.name === 'chat good-upstream')!;
    expect(attempt.kind).toBe(3);
    expect(attempt.attributes).toMatchObject({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'good-upstream', 'gen_ai.provider.name': 'openai_compatible', 'tollgate.deployment': 'up/good-upstream', 'tollgate.attempt': 1 });
    // The upstream sees the attempt as the parent, and the caller's tracestate.
    const sent = upstream.requests.at(-1)!;
    expect(sent.headers.traceparent).toBe(`00-${inboundTraceId}-${attempt.spanId}-01`);
    expect(sent.headers.tracestate).toBe('vendor=opaque');
    expect(resources.some((resource) => resource['service.name'] === 'tollgate-under-test')).toBe(true);
  });

  it('adds a stream span to a streamed call, and starts a new trace when the caller sent none', async () => {
    const response = await chat({ stream: true, stream_options: { include_usage: true } });
    await response.text();
    const root = await waitFor(() => spans.find((span) => span.kind === 2 && span.traceId !== inboundTraceId && span.attributes['tollgate.streamed'] === true));
    expect(root.parentSpanId ?? '').toBe('');
    const stream = await waitFor(() => spans.find((span) => span.parentSpanId === root.spanId && span.name === 'tollgate.stream'));
    expect(stream.traceId).toBe(root.traceId);
    expect(upstream.requests.at(-1)!.headers.traceparent).toMatch(new RegExp(`^00-${root.traceId}-[0-9a-f]{16}-01$`));
  });

  it('marks a refused call: the span of a 401 carries its error type', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer tg_nope_not_a_key_0123456789' }, body: '{}' });
    expect(response.status).toBe(401);
    const refused = await waitFor(() => spans.find((span) => span.kind === 2 && span.attributes['http.response.status_code'] === 401));
    expect(refused.attributes['error.type']).toBe('invalid_api_key');
    const auth = await waitFor(() => spans.find((span) => span.parentSpanId === refused.spanId && span.name === 'tollgate.auth'));
    expect(auth.status.code).toBe(2);
  });
});

describe('tracing off', () => {
  it('forwards the caller’s traceparent and tracestate upstream unchanged', async () => {
    const local = await startFakeUpstream(() => ({ json: completion }));
    const offline = await startTestGateway({
      providers: { up: { type: 'openai-compatible', baseURL: `${local.url}/v1` } },
      models: { good: { provider: 'up', model: 'good-upstream' } },
    });
    try {
      const traceparent = `00-${inboundTraceId}-${inboundSpanId}-01`;
      await offline.client.chat.completions.create({ model: 'good', messages: [{ role: 'user', content: 'x' }] }, { headers: { traceparent, tracestate: 'a=b' } });
      expect(local.requests[0].headers.traceparent).toBe(traceparent);
      expect(local.requests[0].headers.tracestate).toBe('a=b');
    } finally {
      await offline.close();
      await local.close();
    }
  });
});
