import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.js';
import { openDatabase, type TollgateDatabase } from '../storage/database.js';
import { sqliteReader } from '../storage/sql-reader.js';
import { LedgerWriter } from './ledger-writer.js';
import { buildCallsQuery, queryCalls, type CallQuery } from './query-calls.js';
import type { LedgerRow } from './types.js';

const start = Date.UTC(2026, 6, 1);
const statuses = [200, 200, 201, 400, 404, 429, 500, 502, 200, 499];

/** 1,500 calls, three tenants and keys; every fourth shares its millisecond with the one before. */
function seedRows(): LedgerRow[] {
  return Array.from({ length: 1_500 }, (_, index) => ({
    id: `req_${String((index * 7919) % 1_500).padStart(4, '0')}`,
    time: start + Math.floor(index - index / 4) * 60_000,
    tenantId: `tenant_${index % 3}`,
    keyId: `key_${index % 6}`,
    kind: 'chat',
    model: 'gpt-4o',
    status: statuses[index % statuses.length],
    inputTokens: index,
    costNanoUsd: index % 10 === 0 ? null : 1234,
    costUnknown: index % 10 === 0,
    latencyMs: 100,
    usageRaw: JSON.stringify({ prompt_tokens: index }),
  }));
}

async function gatewayError(run: () => Promise<unknown>): Promise<GatewayError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

describe('queryCalls', () => {
  let db: TollgateDatabase;

  beforeAll(async () => {
    db = openDatabase(':memory:');
    const writer = new LedgerWriter(db.$client, { flushMs: 60_000, batchSize: 1_000 });
    for (const row of seedRows()) writer.append(row);
    writer.append({
      id: 'req_shape',
      time: Date.UTC(2026, 5, 1, 8, 30),
      tenantId: 'shape',
      keyId: 'key_shape',
      kind: 'prompt',
      model: 'gpt-4o',
      provider: 'openai',
      upstreamModel: 'gpt-4o-2024-08-06',
      promptName: 'summary',
      promptVersion: 3,
      status: 200,
      inputTokens: 10,
      cachedInputTokens: 2,
      outputTokens: 5,
      costNanoUsd: 1234,
      latencyMs: 321,
      ttfbMs: 45,
      streamed: true,
      usageRaw: '{"prompt_tokens":12,"completion_tokens":5}',
    });
    await writer.close();
  });

  afterAll(() => db.$client.close());

  /** Every row the filter selects, in the API's order, straight from SQL. */
  function expectedIds(where = '1 = 1', ...params: Array<string | number>): string[] {
    return db.$client.prepare(`SELECT id FROM calls WHERE ${where} ORDER BY time DESC, id DESC`).pluck().all(...params) as string[];
  }

  async function allPages(query: CallQuery): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 1_000; page++) {
      const result = await queryCalls(sqliteReader(db.$client, ':memory:'), { ...query, cursor });
      ids.push(...result.data.map((row) => row.id));
      if (result.next_cursor === null) return ids;
      cursor = result.next_cursor;
    }
    throw new Error('pagination did not end');
  }

  it('returns snake_case rows with ISO times, exact cost strings and the provider usage as an object', async () => {
    const [row] = (await queryCalls(sqliteReader(db.$client, ':memory:'), { tenant: 'shape' })).data;
    expect(row).toEqual({
      id: 'req_shape',
      time: '2026-06-01T08:30:00.000Z',
      tenant_id: 'shape',
      key_id: 'key_shape',
      kind: 'prompt',
      model: 'gpt-4o',
      provider: 'openai',
      upstream_model: 'gpt-4o-2024-08-06',
      prompt_name: 'summary',
      prompt_version: 3,
      status: 200,
      error_code: null,
      input_tokens: 10,
      cached_input_tokens: 2,
      cache_write_tokens: 0,
      output_tokens: 5,
      reasoning_tokens: 0,
      cost_nano_usd: '1234',
      cost_usd: '0.000001234',
      cost_unknown: false,
      estimated: false,
      latency_ms: 321,
      ttfb_ms: 45,
      streamed: true,
      cache_hit: false,
      usage_raw: { prompt_tokens: 12, completion_tokens: 5 },
      protocol: null,
      end_user: null,
      tags: null,
      service: null,
      method: null,
      route: null,
      target: null,
      attempts: null,
      bytes_in: null,
      bytes_out: null,
    });
    const unknown = (await queryCalls(sqliteReader(db.$client, ':memory:'), { tenant: 'tenant_0', limit: 500 })).data.find((call) => call.cost_unknown);
    expect(unknown).toMatchObject({ cost_usd: null, cost_nano_usd: null });
  });

  it('pages through every row exactly once, newest first, ties broken by id', async () => {
    const expected = expectedIds();
    expect(expected).toHaveLength(1_501);
    const first = await queryCalls(sqliteReader(db.$client, ':memory:'), {});
    expect(first.data).toHaveLength(50);
    expect(await allPages({ limit: 37 })).toEqual(expected);
    expect(await allPages({ limit: 500 })).toEqual(expected);
    expect(await allPages({ tenant: 'tenant_1', status: 'error', limit: 7 })).toEqual(
      expectedIds("tenant_id = 'tenant_1' AND status >= 400"),
    );
  });

  it('filters by tenant, key and time range (from inclusive, to exclusive; ISO or epoch ms)', async () => {
    const from = start + 100 * 60_000;
    const to = start + 200 * 60_000;
    const where = 'tenant_id = ? AND key_id = ? AND time >= ? AND time < ?';
    const expected = expectedIds(where, 'tenant_2', 'key_5', from, to);
    expect(expected.length).toBeGreaterThan(10);
    expect(await allPages({ tenant: 'tenant_2', key: 'key_5', from, to: String(to) })).toEqual(expected);
    expect(await allPages({ tenant: 'tenant_2', key: 'key_5', from: new Date(from).toISOString(), to: '2026-07-01T05:20:00+02:00' })).toEqual(
      expected,
    );
    expect((await allPages({ to: '2026-07-01' })).length).toBe(1); // only the June call
    expect(await queryCalls(sqliteReader(db.$client, ':memory:'), { tenant: 'nobody' })).toEqual({ data: [], next_cursor: null });
  });

  it.each([
    ['429', 'status = 429'],
    [429, 'status = 429'],
    ['4xx', 'status >= 400 AND status < 500'],
    ['5XX', 'status >= 500 AND status < 600'],
    ['2xx', 'status >= 200 AND status < 300'],
    ['error', 'status >= 400'],
    ['ok', 'status < 400'],
  ])('filters status %s', async (status, where) => {
    const expected = expectedIds(where);
    expect(expected.length).toBeGreaterThan(0);
    expect(await allPages({ status, limit: 500 })).toEqual(expected);
  });

  it.each([
    [{ cursor: 'not a cursor' }, 'cursor'],
    [{ cursor: Buffer.from('yesterday').toString('base64url') }, 'cursor'],
    [{ cursor: Buffer.from('1751328000000:req_1').toString('base64url') + 'A' }, 'cursor'],
    [{ cursor: Buffer.from('1751328000000:req_1').toString('base64') + '==' }, 'cursor'],
    [{ cursor: '' }, 'cursor'],
    [{ from: 'yesterday' }, 'from'],
    [{ from: '2026-02-30' }, 'from'],
    [{ to: '2026-07-01T25:00:00Z' }, 'to'],
    [{ from: -5 }, 'from'],
    [{ from: '2026-07-02', to: '2026-07-01' }, 'from'],
    [{ status: '6xx' }, 'status'],
    [{ status: 'teapot' }, 'status'],
    [{ status: '42' }, 'status'],
    [{ limit: 0 }, 'limit'],
    [{ limit: '501' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ limit: 2.5 }, 'limit'],
  ] as Array<[CallQuery, string]>)('refuses %o with a 400 naming %s', async (query, param) => {
    const error = await gatewayError(() => queryCalls(sqliteReader(db.$client, ':memory:'), query));
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
  });

  it('accepts a cursor it issued even when the id has colons and non-ASCII characters', async () => {
    db.$client
      .prepare('INSERT INTO calls (id, time, tenant_id, kind, status, latency_ms) VALUES (?, ?, ?, ?, ?, ?)')
      .run('a:b:é', start, 'odd', 'chat', 200, 1);
    db.$client
      .prepare('INSERT INTO calls (id, time, tenant_id, kind, status, latency_ms) VALUES (?, ?, ?, ?, ?, ?)')
      .run('a:b:c', start, 'odd', 'chat', 200, 1);
    const first = await queryCalls(sqliteReader(db.$client, ':memory:'), { tenant: 'odd', limit: 1 });
    expect(first.data[0].id).toBe('a:b:é');
    const second = await queryCalls(sqliteReader(db.$client, ':memory:'), { tenant: 'odd', limit: 1, cursor: first.next_cursor ?? undefined });
    expect(second).toMatchObject({ data: [{ id: 'a:b:c' }], next_cursor: null });
  });

  it.each([
    [{}, 'calls_time'],
    [{ status: '5xx' }, 'calls_time'],
    [{ from: 1, to: 2 }, 'calls_time'],
    [{ tenant: 't' }, 'calls_tenant_time'],
    [{ tenant: 't', from: 1, to: 2, status: 'error', cursor: 'MTc1MTMyODAwMDAwMDpyZXFfMQ' }, 'calls_tenant_time'],
    [{ key: 'k' }, 'calls_key_time'],
    [{ key: 'k', status: '429', cursor: 'MTc1MTMyODAwMDAwMDpyZXFfMQ' }, 'calls_key_time'],
    [{ tenant: 't', key: 'k', from: 1 }, /calls_(tenant|key)_time/],
  ] as Array<[CallQuery, string | RegExp]>)('plans %o on an index (%s), never a table scan', async (query, index) => {
    const { sql, params } = buildCallsQuery(query);
    const plan = (db.$client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map(
      (step) => step.detail,
    );
    expect(plan.some((detail) => /^SCAN calls$/.test(detail))).toBe(false);
    expect(plan.join('\n')).toMatch(/(SEARCH|SCAN) calls USING INDEX/);
    expect(plan.join('\n')).toMatch(index);
    // The index yields time order; at most the id tie-break is sorted, within one millisecond.
    expect(plan.join('\n')).not.toMatch(/USE TEMP B-TREE FOR ORDER BY/);
  });
});
