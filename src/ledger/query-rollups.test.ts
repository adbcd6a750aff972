import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.js';
import { openDatabase, type TollgateDatabase } from '../storage/database.js';
import { sqliteReader } from '../storage/sql-reader.js';
import { buildDailyUsageQuery, queryDailyUsage, type DailyUsageQuery } from './query-rollups.js';

type Rollup = [day: string, tenant: string, key: string, model: string, prompt: string, kind: string, requests: number, cost: bigint];

const big = 2n ** 53n; // 9,007,199.254740992 USD: beyond what a JS number holds exactly

const rollups: Rollup[] = [
  ['2026-07-01', 'acme', 'key_a', 'gpt-4o', '', 'chat', 10, big + 1n],
  ['2026-07-01', 'acme', 'key_a', 'gpt-4o', 'summary@2', 'prompt', 2, big + 2n],
  ['2026-07-01', 'acme', 'key_b', 'claude', '', 'chat', 5, 500n],
  ['2026-07-02', 'acme', 'key_a', 'gpt-4o', '', 'chat', 7, 700n],
  ['2026-07-02', 'globex', 'key_g', 'gpt-4o', '', 'embeddings', 3, 30n],
  ['2026-07-03', '', '', '', '', 'proxy', 1, 0n],
];

describe('queryDailyUsage', () => {
  let db: TollgateDatabase;

  beforeAll(() => {
    db = openDatabase(':memory:');
    const insert = db.$client.prepare(
      `INSERT INTO daily_rollups (day, tenant_id, key_id, model, prompt, kind, requests, errors, input_tokens,
         cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_nano_usd, unknown_cost_requests, estimated_requests)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const [day, tenant, key, model, prompt, kind, requests, cost] of rollups) {
      insert.run(day, tenant, key, model, prompt, kind, requests, 1, requests * 100, requests, 0, requests * 10, 0, cost, 0, 1);
    }
  });

  afterAll(() => db.$client.close());

  it('sums money exactly beyond 2^53 nano-USD and returns it as strings', async () => {
    const { data } = await queryDailyUsage(sqliteReader(db.$client, ':memory:'), { tenant: 'acme', groupBy: [] });
    expect(data).toEqual([
      {
        requests: 24,
        errors: 4,
        input_tokens: 2400,
        cached_input_tokens: 24,
        cache_write_tokens: 0,
        output_tokens: 240,
        reasoning_tokens: 0,
        cost_nano_usd: '18014398509483187',
        cost_usd: '18014398.509483187',
        unknown_cost_requests: 0,
        estimated_requests: 4,
      },
    ]);
    expect(String(2 * Number(big) + 3 + 500 + 700)).not.toBe('18014398509483187'); // what floats would have said
  });

  it('groups by the requested dimensions, ordered by them', async () => {
    const { data } = await queryDailyUsage(sqliteReader(db.$client, ':memory:'), { groupBy: ['day', 'tenant'] });
    expect(data.map(({ day, tenant_id, requests, cost_usd }) => ({ day, tenant_id, requests, cost_usd }))).toEqual([
      { day: '2026-07-01', tenant_id: 'acme', requests: 17, cost_usd: '18014398.509482487' },
      { day: '2026-07-02', tenant_id: 'acme', requests: 7, cost_usd: '0.000000700' },
      { day: '2026-07-02', tenant_id: 'globex', requests: 3, cost_usd: '0.000000030' },
      { day: '2026-07-03', tenant_id: null, requests: 1, cost_usd: '0.000000000' },
    ]);
    const byModelAndPrompt = (await queryDailyUsage(sqliteReader(db.$client, ':memory:'), { groupBy: ['model', 'prompt', 'kind'] })).data;
    expect(byModelAndPrompt.map(({ model, prompt, kind, requests }) => [model, prompt, kind, requests])).toEqual([
      [null, null, 'proxy', 1],
      ['claude', null, 'chat', 5],
      ['gpt-4o', null, 'chat', 17],
      ['gpt-4o', null, 'embeddings', 3],
      ['gpt-4o', 'summary@2', 'prompt', 2],
    ]);
    expect(Object.keys(byModelAndPrompt[0])).not.toContain('day');
    expect((await queryDailyUsage(sqliteReader(db.$client, ':memory:'), { groupBy: ['key', 'key'] })).data).toHaveLength(4);
  });

  it('filters by tenant, key, model and an inclusive day range', async () => {
    const days = async (query: Partial<DailyUsageQuery>) =>
      (await queryDailyUsage(sqliteReader(db.$client, ':memory:'), { groupBy: ['day'], ...query })).data.map(({ day, requests }) => [day, requests]);
    expect(await days({ from: '2026-07-02', to: '2026-07-02' })).toEqual([['2026-07-02', 10]]);
    expect(await days({ from: '2026-07-02' })).toEqual([['2026-07-02', 10], ['2026-07-03', 1]]);
    expect(await days({ to: '2026-07-01', model: 'claude' })).toEqual([['2026-07-01', 5]]);
    expect(await days({ key: 'key_a' })).toEqual([['2026-07-01', 12], ['2026-07-02', 7]]);
    expect(await days({ tenant: '' })).toEqual([['2026-07-03', 1]]);
    expect(await days({ tenant: 'nobody' })).toEqual([]);
    expect((await queryDailyUsage(sqliteReader(db.$client, ':memory:'), { tenant: 'nobody', groupBy: [] })).data[0]).toMatchObject({ requests: 0, cost_usd: '0.000000000' });
  });

  it.each([
    [{ groupBy: ['week'] }, 'group_by'],
    [{ groupBy: ['__proto__'] }, 'group_by'],
    [{ groupBy: [], from: '2026-7-1' }, 'from'],
    [{ groupBy: [], to: '2026-02-30' }, 'to'],
    [{ groupBy: [], from: '2026-07-02', to: '2026-07-01' }, 'from'],
  ] as Array<[DailyUsageQuery, string]>)('refuses %o with a 400 naming %s', async (query, param) => {
    let caught: unknown;
    try {
      await queryDailyUsage(sqliteReader(db.$client, ':memory:'), query);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GatewayError);
    expect(caught).toMatchObject({ status: 400, param });
  });

  it('reads daily_rollups only', async () => {
    const { sql, params } = buildDailyUsageQuery({ tenant: 'acme', from: '2026-07-01', groupBy: ['day', 'model'] });
    const plan = (db.$client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((step) => step.detail);
    expect(plan.join('\n')).toContain('daily_rollups');
    expect(plan.join('\n')).not.toMatch(/\bcalls\b/);
  });
});
