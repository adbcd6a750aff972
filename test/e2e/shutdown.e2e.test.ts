/**
 * Graceful shutdown under load: SIGTERM while 100 calls (half of them streams) are in flight. The
 * process stops accepting, lets every accepted call finish, flushes the ledger and exits 0 — and
 * the ledger then holds exactly one row per accepted call. Also: callers that hang up just before
 * the signal still get their rows (the streams among them are billed from a token estimate that is
 * still being counted when their connections are already gone).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chunkStreamReply, textCompletion } from '../fakes/fake-openai.js';
import { startFakeUpstream, type FakeUpstream } from '../fakes/fake-upstream.js';
import { postJson } from '../helpers/http.js';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawn-gateway.js';
import { queryStorage } from '../helpers/test-storage.js';

const tenantKey = 'tg_shutdown_key_0123456789abcd';
let gateway: SpawnedGateway | undefined;
let upstream: FakeUpstream | undefined;
afterAll(async () => {
  await gateway?.stop('SIGKILL');
  await upstream?.close();
});

describe('graceful shutdown', () => {
  it('loses no accepted call and no ledger row', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-shutdown-'));
    // A slow upstream in this process: once it has seen all 100 requests, all 100 are in flight.
    const streamReply = chunkStreamReply(Array.from({ length: 10 }, (_, index) => (index === 0 ? { role: 'assistant', content: '' } : { content: `word${index} ` })), 'stop');
    upstream = await startFakeUpstream((received) =>
      received.body?.stream ? { ...streamReply, delayMs: 300, chunkDelayMs: 40 } : { json: textCompletion('done'), delayMs: 600 },
    );
    const slow = upstream;
    gateway = await spawnGateway(
      join(dataDir, 'tollgate.yaml'),
      `
server: { host: 127.0.0.1, shutdownGraceMs: 10000 }
providers:
  slow: { type: openai-compatible, baseURL: ${slow.url}/v1 }
models:
  demo: { provider: slow, model: gpt-4o-mini, price: { input: 1, output: 4 } }
tenants:
  load: { keys: [{ name: main, key: ${tenantKey} }] }
storage: { sqlite: ${join(dataDir, 'tollgate.db')}, ledgerFlushMs: 5000 }
`,
    );
    const url = gateway.url;
    const calls = Array.from({ length: 100 }, (_, index) =>
      postJson(`${url}/v1/chat/completions`, { model: 'demo', stream: index % 2 === 0, messages: [{ role: 'user', content: `call ${index}` }] }, { authorization: `Bearer ${tenantKey}` })
        .then(async (response) => ({ status: response.status, text: await response.text() }))
        .catch((error) => ({ status: 0, text: String(error.cause ?? error) })),
    );
    await expect.poll(() => slow.requests.length, { timeout: 10_000 }).toBe(100);
    const exitCode = gateway.stop('SIGTERM');
    const results = await Promise.all(calls);
    expect(await exitCode).toBe(0);

    const completed = results.filter((result) => result.status === 200);
    expect(completed).toHaveLength(100);
    for (const [index, result] of results.entries()) {
      if (index % 2 === 0) expect(result.text.endsWith('data: [DONE]\n\n')).toBe(true);
      else expect(JSON.parse(result.text).choices[0].message.content).toBe('done');
    }
    // The ledger flushes every 5 s, so these rows were written by the shutdown flush.
    const rows = await queryStorage(join(dataDir, 'tollgate.db'), "select count(*) as count, sum(case when status = 200 then 1 else 0 end) as ok from calls where tenant_id = 'load'");
    expect(rows).toEqual([{ count: 100, ok: 100 }]);
    expect(gateway.log()).toContain('"message":"stopped"');
  }, 60_000);

  it('keeps the rows of calls whose callers hung up just before the signal', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-shutdown-'));
    const streamReply = chunkStreamReply(Array.from({ length: 40 }, (_, index) => (index === 0 ? { role: 'assistant', content: '' } : { content: `word${index} ` })), 'stop');
    const dribbling = await startFakeUpstream(() => ({ ...streamReply, chunkDelayMs: 50 }));
    const leaving = await spawnGateway(
      join(dataDir, 'tollgate.yaml'),
      `
server: { host: 127.0.0.1, shutdownGraceMs: 10000 }
providers:
  slow: { type: openai-compatible, baseURL: ${dribbling.url}/v1 }
models:
  demo: { provider: slow, model: gpt-4o-mini, price: { input: 1, output: 4 } }
tenants:
  load: { keys: [{ name: main, key: ${tenantKey} }] }
storage: { sqlite: ${join(dataDir, 'tollgate.db')}, ledgerFlushMs: 5000 }
`,
    );
    try {
      const leavers = await Promise.all(
        Array.from({ length: 10 }, async (_, index) => {
          const controller = new AbortController();
          const response = await fetch(`${leaving.url}/v1/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${tenantKey}` },
            body: JSON.stringify({ model: 'demo', stream: true, messages: [{ role: 'user', content: `leaver ${index}` }] }),
            signal: controller.signal,
          });
          await response.body!.getReader().read();
          return controller;
        }),
      );
      for (const controller of leavers) controller.abort();
      expect(await leaving.stop('SIGTERM')).toBe(0);
      const rows = await queryStorage(
        join(dataDir, 'tollgate.db'),
        "select count(*) as count, sum(case when status = 499 then 1 else 0 end) as abandoned, sum(case when estimated then 1 else 0 end) as estimated from calls where tenant_id = 'load'",
      );
      expect(rows).toEqual([{ count: 10, abandoned: 10, estimated: 10 }]);
    } finally {
      await leaving.stop('SIGKILL');
      await dribbling.close();
    }
  }, 60_000);
});
