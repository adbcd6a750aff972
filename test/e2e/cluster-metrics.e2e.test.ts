/**
 * `serve --workers 2`: one scrape of `/metrics` returns the whole process group — whichever
 * worker answers it, the request counter is the total of both (the primary aggregates every
 * worker's registry over the cluster's IPC channel) — and so does the separate metrics port,
 * served by the primary.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { postJson } from '../helpers/http.js';
import { scrape, value } from '../helpers/prometheus.js';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawn-gateway.js';

const key = 'tg_cluster_metrics_key_0123456789';
let gateway: SpawnedGateway | undefined;
afterAll(() => gateway?.stop('SIGKILL'));

function yaml(dataDir: string): string {
  return `
server: { host: 127.0.0.1 }
providers: { demo: { type: mock } }
models: { demo: { provider: demo, model: echo, price: { input: 1, output: 2 } } }
tenants: { acme: { keys: [{ name: main, key: ${key} }] } }
storage: { sqlite: ${join(dataDir, 'tollgate.db')} }
logs: { access: { enabled: false } }
`;
}

describe('metrics under serve --workers 2', () => {
  it('answers every scrape with the whole process group', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-cluster-metrics-'));
    gateway = await spawnGateway(join(dataDir, 'tollgate.yaml'), yaml(dataDir), {}, ['--workers', '2']);
    const calls = 40;
    const responses = await Promise.all(
      Array.from({ length: calls }, () => postJson(`${gateway!.url}/v1/chat/completions`, { model: 'demo', messages: [{ role: 'user', content: 'hi' }] }, { authorization: `Bearer ${key}` })),
    );
    expect(responses.every((response) => response.status === 200)).toBe(true);
    // Several scrapes, so that both workers answer some of them.
    for (let attempt = 0; attempt < 4; attempt++) {
      const samples = await scrape(`${gateway.url}/metrics`);
      expect(value(samples, 'tollgate_requests_total', { gen_ai_request_model: 'demo', status_class: '2xx' })).toBe(calls);
      expect(value(samples, 'gen_ai_server_request_duration_seconds_count', { gen_ai_request_model: 'demo' })).toBe(calls);
    }
    expect(await gateway.stop('SIGTERM')).toBe(0);
  }, 120_000);
});
