/**
 * `tollgate serve --workers 2` without Redis: the workers share one port, and quota counters held
 * by the primary (over IPC) stay exact — 200 concurrent requests against a budget that fits 50
 * admit exactly 50 — and SIGTERM stops every worker with its ledger flushed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { budgetGatewayYaml, budgetRequest, budgetTenantKey } from '../helpers/budget-scenario.js';
import { postJson } from '../helpers/http.js';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawn-gateway.js';
import { queryStorage } from '../helpers/test-storage.js';

const tenantKey = budgetTenantKey;
const request = budgetRequest;

let gateway: SpawnedGateway | undefined;
afterAll(() => gateway?.stop('SIGKILL'));

describe('cluster mode', () => {
  it('keeps quotas exact across workers and loses no ledger row on shutdown', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-cluster-'));
    gateway = await spawnGateway(
      join(dataDir, 'tollgate.yaml'),
      budgetGatewayYaml(dataDir),
      {},
      ['--workers', '2'],
    );
    expect(gateway.log()).toContain('"workers":2');
    const responses = await Promise.all(
      Array.from({ length: 200 }, () => postJson(`${gateway!.url}/v1/chat/completions`, request, { authorization: `Bearer ${tenantKey}` })),
    );
    const bodies: any[] = await Promise.all(responses.map((response) => response.json()));
    expect(responses.filter((response) => response.status === 200)).toHaveLength(50);
    expect(bodies.filter((body) => body.error?.code === 'insufficient_quota')).toHaveLength(150);

    expect(await gateway.stop('SIGTERM')).toBe(0);
    const rows = await queryStorage(join(dataDir, 'tollgate.db'), "select count(*) as count, sum(case when status = 200 then 1 else 0 end) as ok from calls where tenant_id = 'shared'");
    expect(rows).toEqual([{ count: 200, ok: 50 }]);
  }, 120_000);
});
