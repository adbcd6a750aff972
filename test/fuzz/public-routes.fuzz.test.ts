/**
 * Property-based fuzzing of every public route through a real gateway process (issue 9): seeded
 * (`TOLLGATE_FUZZ_SEED` picks another seed), bounded in runs and in time per route family. For
 * every request: the process lives, no client-caused error is a 5xx, every error is in the
 * OpenAI shape with no internals in its message (no stack, no "Maximum call stack", no file
 * path), a stream's error events too. For the whole run: the gateway's event-loop watchdog saw no
 * block over 200 ms, and it logged no unexpected error.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeAnthropicKey, startFakeAnthropic, type FakeAnthropic } from '../fakes/fake-anthropic.js';
import { fakeGeminiKey, startFakeGemini, type FakeGemini } from '../fakes/fake-gemini.js';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawn-gateway.js';
import { routeRequests, type FuzzRequest } from './route-requests.js';

const seed = Number(process.env.TOLLGATE_FUZZ_SEED ?? 20_261_201);
/** Runs, and seconds at most, per route family: 25 s in all on a machine too busy to finish the runs. */
const budgets: Record<string, { runs: number; ms: number }> = {
  chat: { runs: 160, ms: 8_000 },
  embeddings: { runs: 80, ms: 4_000 },
  admin: { runs: 80, ms: 4_000 },
  prompts: { runs: 80, ms: 3_000 },
};
const defaultBudget = { runs: 30, ms: 1_500 };
const maxBlockMs = 200;

const keys = { tenant: 'tg_fuzz_tenant_key_0123456789', publisher: 'tg_fuzz_publisher_key_012345', admin: 'tg_fuzz_admin_key_0123456789' };
const promptsFolder = fileURLToPath(new URL('../../prompts', import.meta.url));

let gateway: SpawnedGateway;
let gemini: FakeGemini;
let anthropic: FakeAnthropic;

beforeAll(async () => {
  gemini = await startFakeGemini();
  anthropic = await startFakeAnthropic();
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-fuzz-'));
  gateway = await spawnGateway(
    join(dataDir, 'tollgate.yaml'),
    `
server: { host: 127.0.0.1, bodyLimitBytes: 1048576, bodyTimeoutMs: 5000 }
providers:
  demo: { type: mock }
  lorem: { type: mock, completionTokens: 24, chunks: 4 }
  gemini: { type: gemini, baseURL: ${gemini.url}, apiKey: ${fakeGeminiKey} }
  anthropic: { type: anthropic, baseURL: ${anthropic.url}, apiKey: ${fakeAnthropicKey} }
models:
  demo: { provider: demo, model: echo, price: { input: 1, output: 2 } }
  lorem: { provider: lorem, model: lorem, price: { input: 1, output: 2 } }
  dear: { provider: demo, model: echo, price: { input: 9000000, output: 9000000 } }
  flash: { provider: gemini, model: gemini-2.5-flash, price: { input: 1, output: 2 } }
  sonnet: { provider: anthropic, model: claude-sonnet-4-5 }
tenants:
  fuzz: { keys: [{ name: main, key: ${keys.tenant} }], quotas: { costPerDayUsd: 100000 } }
  publisher: { keys: [{ name: main, key: ${keys.publisher}, scopes: { permissions: ["prompts:publish"] } }] }
prompts: { folder: ${promptsFolder}, watch: false }
storage: { sqlite: ${join(dataDir, 'tollgate.db')}, ledgerFlushMs: 50 }
`,
    { TOLLGATE_ADMIN_KEY: keys.admin, TOLLGATE_LOG_LEVEL: 'info' },
  );
}, 60_000);

afterAll(async () => {
  await gateway?.stop('SIGKILL');
  await gemini?.close();
  await anthropic?.close();
});

function headersFor(request: FuzzRequest): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...request.headers };
  if (request.auth === 'wrong') headers.authorization = 'Bearer tg_not_a_key_at_all_0123456789';
  else if (request.auth !== 'none') headers.authorization = `Bearer ${keys[request.auth]}`;
  return headers;
}

const internals = /Maximum call stack|RangeError|TypeError|SyntaxError|\bat [\w.<>]+ \(|\.(ts|js|mjs):\d+|\/work\/|node_modules/;

/** The OpenAI error shape, with nothing from inside the gateway in its message. */
function expectCleanError(body: unknown, context: string): void {
  const error = (body as { error?: Record<string, unknown> } | null)?.error;
  expect(error, context).toBeTypeOf('object');
  expect(typeof error!.message, context).toBe('string');
  expect(typeof error!.type, context).toBe('string');
  expect(error!.param === null || typeof error!.param === 'string', context).toBe(true);
  expect(error!.code === null || typeof error!.code === 'string', context).toBe(true);
  expect(error!.message as string, context).not.toMatch(internals);
}

async function send(request: FuzzRequest): Promise<void> {
  const withBody = request.method !== 'GET' && request.method !== 'HEAD';
  const context = `${request.method} ${request.path} (${request.auth}) ${String(request.body ?? '').slice(0, 300)}`;
  const response = await fetch(`${gateway.url}${request.path}`, {
    method: request.method,
    headers: headersFor(request),
    body: withBody ? request.body : undefined,
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  expect(response.status, `${context} → ${text.slice(0, 300)}`).toBeLessThan(500);
  if (request.method === 'HEAD') return;
  if (response.status >= 400) {
    expect(response.headers.get('content-type'), context).toMatch(/^application\/json/);
    expectCleanError(JSON.parse(text), `${context} → ${text.slice(0, 300)}`);
  } else if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
    for (const line of text.split('\n')) {
      if (line.startsWith('data: {"error"')) expectCleanError(JSON.parse(line.slice(6)), `${context} → ${line.slice(0, 300)}`);
    }
  }
}

/** The gateway's JSON log lines so far. */
function logEntries(): Array<Record<string, any>> {
  return gateway
    .log()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
}

describe('fuzzing every public route', () => {
  Object.entries(routeRequests).forEach(([route, arbitrary], index) => {
    it(`${route}: the process lives, errors are client errors in the OpenAI shape, the loop never blocks over ${maxBlockMs} ms`, async () => {
      const budget = budgets[route] ?? defaultBudget;
      await fc.assert(fc.asyncProperty(arbitrary, send), { seed: seed + index, numRuns: budget.runs, interruptAfterTimeLimit: budget.ms, endOnFailure: true });
      expect(gateway.process.exitCode).toBeNull();
      expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
      const blocks = logEntries().filter((entry) => entry.message === 'event loop blocked' && entry.blockedMs > maxBlockMs);
      expect(blocks).toEqual([]);
      expect(logEntries().filter((entry) => entry.level === 'error')).toEqual([]);
    }, 30_000);
  });
});
