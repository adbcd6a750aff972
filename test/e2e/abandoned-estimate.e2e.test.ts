/**
 * Issue 9, item 3: a stream abandoned before its usage arrived, with 1.2 MB of one unbroken token
 * in the prompt, is still settled — counted within seconds, one ledger row (estimated), its
 * concurrency slot and reservation released, no unhandled rejection — and SIGTERM right after it
 * exits promptly with the row written.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawn-gateway.js';
import { queryStorage } from '../helpers/test-storage.js';
import { startTestGateway, testAdminKey, testKey, type TestGateway } from '../helpers/start-gateway.js';

const prompt = 'a'.repeat(1_200_000);
const dripConfig = { type: 'mock', chunkDelayMs: 150, chunks: 20, completionTokens: 40, promptTokens: 10 } as const;

/** Starts a stream, reads its first events, and leaves; resolves with the request id. */
async function abandonStream(url: string): Promise<string> {
  const controller = new AbortController();
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${testKey}` },
    body: JSON.stringify({ model: 'drip', stream: true, messages: [{ role: 'user', content: prompt }] }),
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  for (let read = 0; read < 3; read++) await reader.read();
  controller.abort();
  return response.headers.get('x-request-id')!;
}

describe('a stream abandoned with a long unbroken token in the prompt', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({
      providers: { drip: dripConfig },
      models: { drip: { provider: 'drip', model: 'lorem', price: { input: 1, output: 4 } } },
      tenants: { test: { keys: [{ name: 'default', key: testKey }], quotas: { concurrentRequests: 1, costPerDayUsd: 100 } } },
      storage: { sqlite: ':memory:', ledgerFlushMs: 10 },
    });
  });
  afterAll(() => gateway?.close());

  it('is billed from a bounded estimate, and its concurrency slot is released', async () => {
    const requestId = await abandonStream(gateway.url);
    let row: any;
    await expect
      .poll(
        async () => {
          const page: any = await (await fetch(`${gateway.url}/admin/calls?tenant=test`, { headers: { authorization: `Bearer ${testAdminKey}` } })).json();
          return (row = page.data.find((call: any) => call.id === requestId));
        },
        { timeout: 15_000, interval: 100 },
      )
      .toBeDefined();
    expect(row).toMatchObject({ status: 499, error_code: 'client_closed_request', estimated: true });
    // tiktoken gives a run of letters about one token per 8 (the bounded count a little more), never a token per byte.
    expect(row.input_tokens).toBeGreaterThanOrEqual(prompt.length / 8);
    expect(row.input_tokens).toBeLessThan(prompt.length / 4);
    // concurrentRequests is 1: this call is admitted only if the abandoned one gave its slot back.
    const next = await gateway.client.chat.completions.create({ model: 'drip', messages: [{ role: 'user', content: 'next' }] });
    expect(next.choices[0].message.content).toBeTruthy();
  });
});

describe('SIGTERM right after such a stream', () => {
  let spawned: SpawnedGateway | undefined;
  afterAll(async () => {
    await spawned?.stop('SIGKILL');
  });

  it('exits promptly, with the abandoned call in the ledger', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-abandoned-'));
    spawned = await spawnGateway(
      join(dataDir, 'tollgate.yaml'),
      `
server: { host: 127.0.0.1, shutdownGraceMs: 25000 }
providers:
  drip: { type: mock, chunkDelayMs: 150, chunks: 20, completionTokens: 40, promptTokens: 10 }
models:
  drip: { provider: drip, model: lorem, price: { input: 1, output: 4 } }
tenants:
  test: { keys: [{ name: main, key: ${testKey} }] }
storage: { sqlite: ${join(dataDir, 'tollgate.db')} }
`,
    );
    const requestId = await abandonStream(spawned.url);
    const started = performance.now();
    expect(await spawned.stop('SIGTERM')).toBe(0);
    expect(performance.now() - started).toBeLessThan(15_000);
    const [row] = await queryStorage<any>(
      join(dataDir, 'tollgate.db'),
      'select status, case when estimated then 1 else 0 end as estimated, input_tokens from calls where id = ?',
      [requestId],
    );
    expect(row).toMatchObject({ status: 499, estimated: 1 });
    expect(row.input_tokens).toBeGreaterThan(0);
  });
});
