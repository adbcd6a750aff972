/**
 * Issue 15's "done when": three Tollgate processes — as on three machines, each with a folder of
 * its own and the same configuration file — share one PostgreSQL ledger and one Redis (a real
 * three-master Redis Cluster, and again a single Redis server). Tenants are declared in the file.
 *
 * - A 300-way budget race spread over the three admits exactly the calls the budget pays for:
 *   every call costs the same fixed amount (the mock reports exactly the tokens the gateway
 *   reserves), so the count admitted does not depend on timing — 50, and 250 refused for the
 *   budget — and the spend is at most the budget.
 * - PostgreSQL holds one ledger row per request sent (refusals are rows too), each once.
 * - Every instance reports the same, the reports agree with the ledger, and the same traffic
 *   replayed against one gateway on SQLite gives byte-identical reports.
 *
 * The gateways run with `redis.commandTimeoutMs: 10000`: on a loaded 2-core machine a reservation
 * can outlast the 500 ms default, and money would then fail closed (README, "When Redis is down").
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promptTokenUpperBound } from '../../src/metering/index.js';
import { postJson } from '../helpers/http.js';
import { freshPostgresDatabase, type FreshPostgres } from '../helpers/postgres.js';
import { hasRedisServer, startRedisCluster, type LocalRedisCluster } from '../helpers/redis-cluster.js';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawn-gateway.js';
import { waitFor } from '../helpers/wait-for.js';
import { deleteKeys, requireRedis, testRedisUrl } from '../quotas/redis-availability.js';

if (!hasRedisServer && process.env.TOLLGATE_SKIP_REDIS !== '1') {
  throw new Error('scale-out e2e: `redis-server`/`redis-cli` are not on PATH; install them or set TOLLGATE_SKIP_REDIS=1 to skip on purpose.');
}

const adminKey = 'tg_scale_out_admin_key_0123456789';
const budgetKey = 'tg_scale_out_budget_key_012345678';
const warmupKey = 'tg_scale_out_warmup_key_01234567';
const raceSize = 300;
const affordable = 50;
const request = { model: 'fixed', max_tokens: 10, messages: [{ role: 'user' as const, content: 'x' }] };
const warmupRequest = { model: 'fixed', max_tokens: 10, messages: [{ role: 'user' as const, content: 'warm up' }] };
const promptTokens = promptTokenUpperBound(request);
/** USD per 1M tokens: input 1, output 4; the mock reports exactly the reserved worst case. */
const callCostNano = (promptTokens * 1 + 10 * 4) * 1_000;
const budgetNano = affordable * callCostNano;

/** The same file for every instance; `./tollgate.db` is each instance's own (relative to its folder). */
function configYaml(shared: string): string {
  return `
server: { host: 127.0.0.1 }
providers:
  fixeddemo: { type: mock, latencyMs: 300, completionTokens: 10, promptTokens: ${promptTokens} }
models:
  fixed: { provider: fixeddemo, model: lorem, price: { input: 1, output: 4 } }
tenants:
  warmup:
    keys: [{ name: main, key: ${warmupKey} }]
    quotas: { requestsPerMinute: 1000 }
  shared:
    keys: [{ name: main, key: ${budgetKey} }]
    quotas: { costPerMonthUsd: "${(budgetNano / 1e9).toFixed(9)}" }   # a month: a race that straddles a UTC midnight keeps its window
${shared}`;
}

/** The reports compared between instances and databases: every level, the daily tenant one included. */
const reportQueries = ['', 'groupBy=tenant', 'groupBy=tenant,key,model', 'groupBy=model,provider,kind', 'groupBy=tenant,key&format=csv'];

async function reports(gateway: SpawnedGateway): Promise<Record<string, string>> {
  const answers: Record<string, string> = {};
  for (const query of reportQueries) {
    const response = await fetch(`${gateway.url}/admin/reports/usage?${query}`, { headers: { authorization: `Bearer ${adminKey}` } });
    expect(response.status, query).toBe(200);
    answers[query] = await response.text();
  }
  return answers;
}

const reportedRequests = async (gateway: SpawnedGateway) => JSON.parse((await reports(gateway))['']).totals.requests as number;

interface RaceOutcome {
  admitted: number;
  refusalCodes: string[];
}

/** One warm-up call per instance (opens its Redis connections), then the race, round-robin. */
async function race(gateways: SpawnedGateway[]): Promise<RaceOutcome> {
  for (const gateway of gateways) {
    expect((await postJson(`${gateway.url}/v1/chat/completions`, warmupRequest, { authorization: `Bearer ${warmupKey}` })).status).toBe(200);
  }
  const responses = await Promise.all(
    Array.from({ length: raceSize }, (_, index) => postJson(`${gateways[index % gateways.length].url}/v1/chat/completions`, request, { authorization: `Bearer ${budgetKey}` })),
  );
  const bodies: any[] = await Promise.all(responses.map((response) => response.json()));
  return {
    admitted: responses.filter((response) => response.status === 200).length,
    refusalCodes: bodies.filter((body) => body.error).map((body) => body.error.code),
  };
}

/** The same traffic (three warm-up calls, then the race) on one gateway with its ledger in SQLite. */
let sqliteRun: Promise<{ outcome: RaceOutcome; reports: Record<string, string> }> | undefined;
function replayOnSqlite(): Promise<{ outcome: RaceOutcome; reports: Record<string, string> }> {
  sqliteRun ??= (async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tollgate-scale-out-sqlite-'));
    const gateway = await spawnGateway(join(folder, 'tollgate.yaml'), configYaml('storage: { sqlite: ./tollgate.db, ledgerFlushMs: 50 }'), { TOLLGATE_ADMIN_KEY: adminKey });
    try {
      const outcome = await race([gateway, gateway, gateway]);
      await waitFor(() => reportedRequests(gateway), (count) => count === raceSize + 3, 60_000);
      return { outcome, reports: await reports(gateway) };
    } finally {
      await gateway.stop('SIGTERM');
      rmSync(folder, { recursive: true, force: true });
    }
  })();
  return sqliteRun;
}

interface Variant {
  name: string;
  /** Starts the Redis the three share; returns its `redis:` configuration and a teardown. */
  start(): Promise<{ redisYaml: string; stop(): Promise<void> } | undefined>;
}

const variants: Variant[] = [
  {
    name: 'a three-master Redis Cluster',
    async start() {
      if (!hasRedisServer) return undefined;
      const cluster: LocalRedisCluster = await startRedisCluster();
      const seeds = cluster.urls.map((url) => `"${url}"`).join(', ');
      return { redisYaml: `redis: { cluster: [${seeds}], commandTimeoutMs: 10000 }`, stop: async () => cluster.stop() };
    },
  },
  {
    name: 'one Redis server',
    async start() {
      if (!(await requireRedis('scale-out on one Redis server'))) return undefined;
      const prefix = `tollgate-scale-out-${process.pid}-${Date.now()}:`;
      return { redisYaml: `redis: { url: "${testRedisUrl}", keyPrefix: "${prefix}", commandTimeoutMs: 10000 }`, stop: async () => void (await deleteKeys(prefix)) };
    },
  },
];

describe.each(variants)('three gateways on PostgreSQL and $name', (variant) => {
  let redis: { redisYaml: string; stop(): Promise<void> } | undefined;
  let database: FreshPostgres;
  let folder: string;
  const gateways: SpawnedGateway[] = [];
  let outcome: RaceOutcome;

  beforeAll(async () => {
    redis = await variant.start();
    if (!redis) return;
    database = await freshPostgresDatabase();
    folder = mkdtempSync(join(tmpdir(), 'tollgate-scale-out-'));
    const yaml = configYaml(`storage: { sqlite: ./tollgate.db, postgres: "${database.url}", ledgerFlushMs: 50 }\n${redis.redisYaml}`);
    for (const name of ['a', 'b', 'c']) {
      mkdirSync(join(folder, name));
      gateways.push(await spawnGateway(join(folder, name, 'tollgate.yaml'), yaml, { TOLLGATE_ADMIN_KEY: adminKey }));
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.stop('SIGKILL')));
    await redis?.stop();
    await database?.drop();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  const ledger = async <T,>(sql: string): Promise<T> => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      return (await client.query(sql)).rows[0] as T;
    } finally {
      await client.end();
    }
  };

  it('admit exactly what the shared budget pays for in a 300-way race across the three', async (context) => {
    if (!redis) return context.skip();
    outcome = await race(gateways);
    expect(outcome.admitted).toBe(affordable);
    // Each instance saw 100 requests; with a budget of its own each would have admitted 50.
    expect(outcome.refusalCodes).toEqual(Array.from({ length: raceSize - affordable }, () => 'insufficient_quota'));
  }, 180_000);

  it('keep one PostgreSQL ledger row per request sent, refusals included, and spend no more than the budget', async (context) => {
    if (!redis || !outcome) return context.skip();
    const count = () => ledger<{ rows: number }>('SELECT count(*)::int AS rows FROM calls');
    await waitFor(count, (value) => value.rows >= raceSize + 3, 60_000);
    const shared = await ledger<{ rows: number; ids: number; admitted: number; spent: string }>(
      "SELECT count(*)::int AS rows, count(DISTINCT id)::int AS ids, count(*) FILTER (WHERE status = 200)::int AS admitted, coalesce(sum(cost_nano_usd), 0)::text AS spent FROM calls WHERE tenant_id = 'shared'",
    );
    expect(shared).toEqual({ rows: raceSize, ids: raceSize, admitted: affordable, spent: String(budgetNano) });
    expect(BigInt(shared.spent)).toBeLessThanOrEqual(BigInt(budgetNano));
    expect(await count()).toEqual({ rows: raceSize + 3 });
  }, 120_000);

  it('report the same on every instance, in agreement with the ledger and with the same traffic on SQLite', async (context) => {
    if (!redis || !outcome) return context.skip();
    const [first, ...others] = await Promise.all(gateways.map(reports));
    for (const other of others) expect(other).toEqual(first);
    const totals = JSON.parse(first['']).totals;
    const ledgerTotals = await ledger<{ requests: number; cost: string }>('SELECT count(*)::int AS requests, coalesce(sum(cost_nano_usd), 0)::text AS cost FROM calls');
    expect(totals).toMatchObject({ requests: ledgerTotals.requests, cost_nano_usd: ledgerTotals.cost });
    expect(JSON.parse(first['groupBy=tenant']).rollup).toBe('usage_daily_tenant');

    const sqlite = await replayOnSqlite();
    expect(sqlite.outcome).toEqual(outcome);
    expect(first).toEqual(sqlite.reports);
  }, 180_000);
});
