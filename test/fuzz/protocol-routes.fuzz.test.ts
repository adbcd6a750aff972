/**
 * Property-based fuzzing of every inbound protocol route beyond OpenAI chat and embeddings (issue
 * 9), through a real gateway process with fake Anthropic, Gemini and OpenAI upstreams: seeded
 * (`TOLLGATE_FUZZ_SEED`), bounded in runs and time per family. For every request: no client input
 * gets a 5xx; every error is in the route's own protocol shape (Anthropic's
 * `{type:'error',error:{type,message}}` on `/v1/messages`, Google's `{error:{code,message,status}}`
 * on `/v1beta`, OpenAI's elsewhere) with no internals in its message, stream error events too; a
 * `/healthz` sent alongside answers. Per family: the process lives, the event-loop watchdog saw no
 * block over 200 ms, nothing was logged as an unexpected error, every call refused with a valid
 * key has its ledger row, and the process's peak memory stays bounded.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeKindOf } from '../../src/observability/route-kinds.js';
import { fakeAnthropicKey, startFakeAnthropic, type FakeAnthropic } from '../fakes/fake-anthropic.js';
import { fakeGeminiKey, startFakeGemini, type FakeGemini } from '../fakes/fake-gemini.js';
import { fakeOpenAIKey, startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.js';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawn-gateway.js';
import { protocolRequests, type ProtocolRequest } from './protocol-requests.js';

const seed = Number(process.env.TOLLGATE_FUZZ_SEED ?? 20_261_201);
/** Runs, and milliseconds at most, per family: about 45 s in all on a busy machine. */
const budgets: Record<string, { runs: number; ms: number }> = {
  anthropic: { runs: 80, ms: 6_000 },
  responses: { runs: 60, ms: 5_000 },
  gemini: { runs: 80, ms: 6_000 },
  transcriptions: { runs: 50, ms: 5_000 },
};
const defaultBudget = { runs: 60, ms: 3_500 };
const maxBlockMs = 200;
const bodyLimitBytes = 1_048_576;
/** Peak resident memory of the gateway process: a 1 MB body limit and bounded expansions keep it far below this. */
const maxPeakRssMb = 1_024;

const keys = { tenant: 'tg_fuzz_tenant_key_0123456789', admin: 'tg_fuzz_admin_key_0123456789', wrong: 'tg_not_a_key_at_all_0123456789' };

let gateway: SpawnedGateway;
let gemini: FakeGemini;
let anthropic: FakeAnthropic;
let openai: FakeOpenAI;
let databasePath: string;

beforeAll(async () => {
  [gemini, anthropic, openai] = await Promise.all([startFakeGemini(), startFakeAnthropic(), startFakeOpenAI()]);
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-fuzz-protocols-'));
  databasePath = join(dataDir, 'tollgate.db');
  gateway = await spawnGateway(
    join(dataDir, 'tollgate.yaml'),
    `
server: { host: 127.0.0.1, bodyLimitBytes: ${bodyLimitBytes}, bodyTimeoutMs: 5000 }
providers:
  demo: { type: mock }
  lorem: { type: mock, completionTokens: 24, chunks: 4 }
  gemini: { type: gemini, baseURL: ${gemini.url}, apiKey: ${fakeGeminiKey} }
  anthropic: { type: anthropic, baseURL: ${anthropic.url}, apiKey: ${fakeAnthropicKey} }
  openai: { type: openai, baseURL: ${openai.baseURL}, apiKey: ${fakeOpenAIKey} }
models:
  demo: { provider: demo, model: echo, price: { input: 1, output: 2 } }
  lorem: { provider: lorem, model: lorem, price: { input: 1, output: 2 } }
  flash: { provider: gemini, model: gemini-2.5-flash, price: { input: 1, output: 2 } }
  sonnet: { provider: anthropic, model: claude-sonnet-4-5 }
  gpt: { provider: openai, model: gpt-4o-mini }
  image-model: { provider: openai, model: dall-e-3 }
  whisper: { provider: openai, model: whisper-1 }
  voice: { provider: openai, model: tts-1 }
  moderation: { provider: openai, model: omni-moderation-latest }
tenants:
  fuzz: { keys: [{ name: main, key: ${keys.tenant} }], quotas: { costPerDayUsd: 100000 } }
storage: { sqlite: ${databasePath}, ledgerFlushMs: 50 }
`,
    { TOLLGATE_ADMIN_KEY: keys.admin, TOLLGATE_LOG_LEVEL: 'info' },
  );
}, 60_000);

afterAll(async () => {
  await gateway?.stop('SIGKILL');
  await Promise.all([gemini?.close(), anthropic?.close(), openai?.close()]);
});

function urlAndHeaders(request: ProtocolRequest): { url: string; headers: Record<string, string> } {
  const headers: Record<string, string> = { 'content-type': request.contentType ?? 'application/json' };
  if (request.path.startsWith('/v1/messages')) headers['anthropic-version'] = '2023-06-01';
  let path = request.path;
  const key = request.auth === 'none' ? undefined : request.auth === 'wrong' ? keys.wrong : keys[request.auth];
  if (key && request.keyIn === 'bearer') headers.authorization = `Bearer ${key}`;
  else if (key && request.keyIn === 'query') path += `${path.includes('?') ? '&' : '?'}key=${key}`;
  else if (key) headers[request.keyIn] = key;
  return { url: `${gateway.url}${path}`, headers };
}

type Shape = 'openai' | 'anthropic' | 'gemini';
const shapeOf = (path: string): Shape => (path.startsWith('/v1/messages') ? 'anthropic' : path.startsWith('/v1beta/') ? 'gemini' : 'openai');
const internals = /Maximum call stack|RangeError|TypeError|SyntaxError|\bat [\w.<>]+ \(|\.(ts|js|mjs):\d+|\/work\/|node_modules/;

/** The route's own protocol error shape, with nothing from inside the gateway in its message. */
function expectProtocolError(shape: Shape, body: any, context: string): void {
  if (shape === 'anthropic') {
    expect(body?.type, context).toBe('error');
    expect(typeof body?.error?.type, context).toBe('string');
  } else if (shape === 'gemini') {
    expect(Number.isInteger(body?.error?.code), context).toBe(true);
    expect(body?.error?.status, context).toMatch(/^[A-Z_]+$/);
  } else {
    expect(typeof body?.error?.type, context).toBe('string');
    expect(body.error.param === null || typeof body.error.param === 'string', context).toBe(true);
    expect(body.error.code === null || typeof body.error.code === 'string', context).toBe(true);
  }
  expect(typeof body.error.message, context).toBe('string');
  expect(body.error.message, context).not.toMatch(internals);
}

/** Request ids of calls refused with the tenant's valid key: each must have its ledger row. */
let refusedWithValidKey: string[] = [];

async function send(request: ProtocolRequest): Promise<void> {
  const { url, headers } = urlAndHeaders(request);
  const withBody = request.method !== 'GET' && request.method !== 'HEAD' && request.body !== undefined;
  const context = `${request.method} ${request.path.slice(0, 200)} (${request.auth} in ${request.keyIn}) ${String(request.body ?? '').slice(0, 300)}`;
  const health = fetch(`${gateway.url}/healthz`, { signal: AbortSignal.timeout(10_000) });
  const sent = fetch(url, { method: request.method, headers, body: withBody ? request.body : undefined, signal: AbortSignal.timeout(20_000) });
  // Past the body limit the gateway answers 413 and closes the connection at once rather than
  // read the rest; fetch, still writing, may see only the close (hostile-protocol-requests.e2e
  // reads the 413 off a raw socket).
  const oversize = withBody && (typeof request.body === 'string' ? Buffer.byteLength(request.body) : request.body!.byteLength) > bodyLimitBytes;
  const response = oversize ? await sent.catch((error: Error) => (String(error.cause).includes('other side closed') ? undefined : Promise.reject(error))) : await sent;
  if (!response) return;
  const text = await response.text();
  expect((await health).status, `a /healthz sent alongside ${context}`).toBe(200);
  expect(response.status, `${context} → ${text.slice(0, 300)}`).toBeLessThan(500);
  const shape = shapeOf(request.path);
  if (response.status >= 400) {
    expect(response.headers.get('content-type'), context).toMatch(/^application\/json/);
    expectProtocolError(shape, JSON.parse(text), `${context} → ${text.slice(0, 300)}`);
    const kind = routeKindOf(request.method, new URL(url).pathname);
    if (kind && request.auth === 'tenant') refusedWithValidKey.push(response.headers.get('x-request-id')!);
  } else if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
    for (const line of text.split('\n')) {
      if (line.startsWith('data: {') && /"error"\s*:\s*\{/.test(line.slice(0, 40))) expectProtocolError(shape, JSON.parse(line.slice(6)), `${context} → ${line.slice(0, 300)}`);
    }
  }
}

/** The gateway's JSON log lines after the first `from` characters of its log. */
function logEntries(from = 0): Array<Record<string, any>> {
  return gateway
    .log()
    .slice(from)
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
}

/** The ids among `ids` with no ledger row, once the gateway has written what it holds. */
async function withoutLedgerRow(ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  await fetch(`${gateway.url}/admin/calls?limit=1`, { headers: { authorization: `Bearer ${keys.admin}` } });
  const database = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    const found = database.prepare('SELECT id FROM calls WHERE id = ?').pluck();
    return ids.filter((id) => found.get(id) === undefined);
  } finally {
    database.close();
  }
}

function peakRssMb(): number {
  const status = readFileSync(`/proc/${gateway.process.pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

describe('fuzzing every inbound protocol route', () => {
  Object.entries(protocolRequests).forEach(([route, arbitrary], index) => {
    it(`${route}: no 5xx, errors in the route's protocol shape, refusals in the ledger, the loop never blocks over ${maxBlockMs} ms`, async () => {
      const budget = budgets[route] ?? defaultBudget;
      refusedWithValidKey = [];
      const logStart = gateway.log().length;
      await fc.assert(fc.asyncProperty(arbitrary, send), { seed: seed + 100 + index, numRuns: budget.runs, interruptAfterTimeLimit: budget.ms, endOnFailure: true });
      expect(gateway.process.exitCode).toBeNull();
      expect(await withoutLedgerRow(refusedWithValidKey)).toEqual([]);
      const blocks = logEntries(logStart).filter((entry) => entry.message === 'event loop blocked' && entry.blockedMs > maxBlockMs);
      expect(blocks).toEqual([]);
      expect(logEntries(logStart).filter((entry) => entry.level === 'error')).toEqual([]);
      expect(peakRssMb()).toBeLessThan(maxPeakRssMb);
    }, 40_000);
  });
});
