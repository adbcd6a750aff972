/**
 * A REST service's own quota beside its tenants' quotas on a real three-master Redis Cluster,
 * through a real gateway process: the service's counters (tag `{s:<service>}`) and each tenant's
 * (`{t:<tenant>}`) lie in different slots, so a reservation is split by slot (src/quotas/
 * slot-groups.ts) instead of one script naming both — which Redis refuses (CROSSSLOT), leaving the
 * service unmetered under the default fail-open policy. Two tenants hit a service that allows 4
 * calls at once: exactly 4 reach it, the rest are refused with 429, and once they finish their
 * slots are free in every slot's counters.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../fakes/fake-upstream.js';
import { hasRedisServer, startRedisCluster, type LocalRedisCluster } from '../helpers/redis-cluster.js';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawn-gateway.js';
import { waitFor } from '../helpers/wait-for.js';

if (!hasRedisServer && process.env.TOLLGATE_SKIP_REDIS !== '1') {
  throw new Error('Redis Cluster e2e: `redis-server`/`redis-cli` are not on PATH; install them or set TOLLGATE_SKIP_REDIS=1 to skip on purpose.');
}
const keys = ['tg_cluster_svc_a_0123456789abcd', 'tg_cluster_svc_b_0123456789abcd'];
let cluster: LocalRedisCluster | undefined;
let gateway: SpawnedGateway;
let service: FakeUpstream;
let open: () => void = () => undefined;

beforeAll(async () => {
  if (!hasRedisServer) return;
  cluster = await startRedisCluster();
  let gate = Promise.resolve();
  service = await startFakeUpstream(async (request) => {
    // The mount is forwarded as is (no stripPrefix): the target sees /proxy/billing/held.
    if (request.path.endsWith('/held')) await gate;
    return { json: { path: request.path } };
  });
  gate = new Promise<void>((resolve) => (open = resolve));
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-cluster-services-'));
  // A generous command timeout: on a loaded machine a late answer would otherwise fail open (rate limits) and blur the count.
  const tenant = (name: string, key: string) => `  ${name}: { keys: [{ name: main, key: ${key} }], quotas: { requestsPerMinute: 1000, concurrentRequests: 50 } }`;
  gateway = await spawnGateway(
    join(dataDir, 'tollgate.yaml'),
    `
server: { host: 127.0.0.1 }
providers: { demo: { type: mock } }
models: { demo: { provider: demo, model: echo } }
tenants:
${tenant('alpha', keys[0])}
${tenant('beta', keys[1])}
services:
  billing: { mount: /proxy/billing, targets: [{ url: "${service.url}" }], quotas: { concurrentRequests: 4, requestsPerMinute: 10000 } }
storage: { sqlite: ${join(dataDir, 'tollgate.db')}, ledgerFlushMs: 50 }
redis: { cluster: [${cluster.urls.map((url) => `"${url}"`).join(', ')}], commandTimeoutMs: 10000 }
`,
  );
}, 180_000);

afterAll(async () => {
  open();
  await gateway?.stop('SIGKILL');
  await service?.close();
  cluster?.stop();
});

const call = (index: number, path: string) => fetch(`${gateway.url}/proxy/billing${path}`, { headers: { authorization: `Bearer ${keys[index % 2]}` } });

describe.runIf(hasRedisServer)('a REST service quota on a Redis Cluster', () => {
  it('admits exactly the service\'s concurrent calls across tenants, refuses the rest, then frees every slot', async () => {
    const answered: Array<{ status: number; code?: string }> = [];
    const calls = Array.from({ length: 10 }, (_, index) =>
      call(index, '/held').then(async (response) => {
        const body = (await response.json()) as any;
        answered.push({ status: response.status, code: body.error?.code });
        return response.status;
      }),
    );
    // Every call either reached the service (held there) or was answered.
    await waitFor(() => service.requests.length + answered.length, (count) => count === 10, 60_000);
    expect(service.requests.length).toBe(4);
    expect(answered).toHaveLength(6);
    for (const refusal of answered) expect(refusal).toEqual({ status: 429, code: 'rate_limit_exceeded' });
    open();
    expect((await Promise.all(calls)).filter((status) => status === 200)).toHaveLength(4);
    // Settled in both slots: the service's four slots and each tenant's are free again.
    for (let index = 0; index < 8; index++) expect((await call(index, '/after')).status).toBe(200);
  }, 120_000);
});
