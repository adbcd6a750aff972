/**
 * Two Tollgate processes on a real three-master Redis Cluster (started for this file, torn down
 * after): the budget race — 200 concurrent requests against a daily budget that fits 50 worst
 * cases — admits exactly 50 and refuses the rest, because every counter of the tenant lies in one
 * slot and one script reserves them atomically; a key revoked on one gateway reaches the other as a change notice
 * through the cluster; and a once-per-cluster job runs on one of the two.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetGatewayYaml, budgetRequest, budgetTenantKey, warmupRequest, warmupTenantKey } from '../helpers/budget-scenario.js';
import { postJson } from '../helpers/http.js';
import { hasRedisServer, startRedisCluster, type LocalRedisCluster } from '../helpers/redis-cluster.js';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawn-gateway.js';
import { waitFor } from '../helpers/wait-for.js';

if (!hasRedisServer && process.env.TOLLGATE_SKIP_REDIS !== '1') {
  throw new Error('Redis Cluster e2e: `redis-server`/`redis-cli` are not on PATH; install them or set TOLLGATE_SKIP_REDIS=1 to skip on purpose.');
}
const adminKey = 'tg_cluster_admin_key_0123456789';
let cluster: LocalRedisCluster | undefined;
const gateways: SpawnedGateway[] = [];

beforeAll(async () => {
  if (!hasRedisServer) return;
  cluster = await startRedisCluster();
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-redis-cluster-'));
  const seeds = cluster.urls.map((url) => `"${url}"`).join(', ');
  // A generous command timeout: on a loaded 2-core machine a reservation can outlast the 500 ms
  // default, and money then fails closed (a 503) instead of being counted.
  const yaml = budgetGatewayYaml(dataDir, `redis: { cluster: [${seeds}], jobLeaseMs: 4000, commandTimeoutMs: 10000 }`);
  for (const name of ['a', 'b']) gateways.push(await spawnGateway(join(dataDir, `${name}.yaml`), yaml, { TOLLGATE_ADMIN_KEY: adminKey }));
}, 180_000);

afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.stop('SIGKILL')));
  cluster?.stop();
});

const logLines = (gateway: SpawnedGateway) =>
  gateway
    .log()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { message: string; [field: string]: unknown });

describe.runIf(hasRedisServer)('two gateways on a Redis Cluster', () => {
  it('never spend past the shared budget', async () => {
    for (const gateway of gateways) {
      expect((await postJson(`${gateway.url}/v1/chat/completions`, warmupRequest, { authorization: `Bearer ${warmupTenantKey}` })).status).toBe(200);
    }
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, index) => postJson(`${gateways[index % 2].url}/v1/chat/completions`, budgetRequest, { authorization: `Bearer ${budgetTenantKey}` })),
    );
    const bodies: any[] = await Promise.all(responses.map((response) => response.json()));
    expect(responses.filter((response) => response.status === 200)).toHaveLength(50);
    // The rest are refused for the budget.
    const refusals = bodies.filter((body) => body.error).map((body) => body.error.code);
    expect(refusals).toEqual(Array.from({ length: 150 }, () => 'insufficient_quota'));
  }, 120_000);

  it('carry change notices and job leases through the cluster', async () => {
    const [a, b] = gateways;
    const admin = (path: string, body?: unknown) =>
      postJson(`${a.url}/admin${path}`, body ?? {}, { authorization: `Bearer ${adminKey}` }).then((response) => response.json() as Promise<any>);
    await admin('/tenants', { id: 'clustered' });
    const created = await admin('/tenants/clustered/keys', { name: 'app' });
    await admin(`/keys/${created.id}/revoke`);
    await waitFor(() => logLines(b).filter((line) => line.message === 'change notice received' && line.kind === 'keys').length, (count) => count > 0);

    const holders = (job: string) => gateways.filter((gateway) => logLines(gateway).some((line) => line.message === 'cluster job started on this instance' && line.job === job));
    await waitFor(() => holders('alerts').length, (count) => count === 1);
  }, 60_000);
});
