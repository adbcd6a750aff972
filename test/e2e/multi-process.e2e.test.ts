/**
 * Two Tollgate processes sharing one Redis and one SQLite file: 200 concurrent requests spread over
 * both, against a tenant whose cost budget fits 50 worst cases. Exactly 50 run, 150 get
 * insufficient_quota, and after both shut down the shared ledger holds exactly 200 rows.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetGatewayYaml, budgetRequest, budgetTenantKey, budgetWorstCaseNano, warmupRequest, warmupTenantKey } from '../helpers/budget-scenario.js';
import { postJson } from '../helpers/http.js';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawn-gateway.js';
import { queryStorage } from '../helpers/test-storage.js';
import { deleteKeys, requireRedis, testRedisUrl } from '../quotas/redis-availability.js';

const tenantKey = budgetTenantKey;
const request = budgetRequest;
const worstCaseNano = budgetWorstCaseNano;
const prefix = `tollgate-test-${process.pid}-${Date.now()}:`;

let runRedis = false;
let dataDir: string;
const gateways: SpawnedGateway[] = [];

beforeAll(async () => {
  runRedis = await requireRedis('two gateways sharing Redis');
  if (!runRedis) return;
  dataDir = mkdtempSync(join(tmpdir(), 'tollgate-multi-'));
  const yaml = budgetGatewayYaml(dataDir, `redis: { url: "${testRedisUrl}", keyPrefix: "${prefix}", commandTimeoutMs: 10000 }`);
  gateways.push(await spawnGateway(join(dataDir, 'a.yaml'), yaml));
  gateways.push(await spawnGateway(join(dataDir, 'b.yaml'), yaml));
}, 120_000);

afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  if (runRedis) await deleteKeys(prefix);
});

describe('two gateways, one Redis', () => {
  it('never spend past the shared budget, and the shared ledger has one row per request', async (context) => {
    if (!runRedis) return context.skip();
    for (const gateway of gateways) {
      expect((await postJson(`${gateway.url}/v1/chat/completions`, warmupRequest, { authorization: `Bearer ${warmupTenantKey}` })).status).toBe(200);
    }
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        postJson(`${gateways[index % 2].url}/v1/chat/completions`, request, { authorization: `Bearer ${tenantKey}` }),
      ),
    );
    const bodies: any[] = await Promise.all(responses.map((response) => response.json()));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(50);
    expect(bodies.filter((body) => body.error?.code === 'insufficient_quota')).toHaveLength(150);
    // Each process saw 100 requests; with a budget of its own, each would have admitted 50.

    const exitCodes = await Promise.all(gateways.map((gateway) => gateway.stop('SIGTERM')));
    expect(exitCodes).toEqual([0, 0]);
    const [summary] = await queryStorage<{ rows: number; ids: number; ok: number; spent: number }>(
      join(dataDir, 'tollgate.db'),
      "select count(*) as rows, count(distinct id) as ids, sum(case when status = 200 then 1 else 0 end) as ok, coalesce(sum(cost_nano_usd), 0) as spent from calls where tenant_id = 'shared'",
    );
    expect(summary).toMatchObject({ rows: 200, ids: 200, ok: 50 });
    expect(summary.spent).toBeLessThanOrEqual(50 * worstCaseNano);
  }, 120_000);
});
