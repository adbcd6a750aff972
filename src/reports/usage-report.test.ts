import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerBackendNames, openLedgerBackend, type LedgerBackend } from '../../test/helpers/ledger-backends.js';
import type { CallKind, LedgerRow } from '../ledger/types.js';
import { formatNanoUsd } from '../metering/decimal.js';
import { parseReportQuery, type ReportDimension } from './report-params.js';
import { buildUsageReportSql } from './usage-report-sql.js';
import { usageReport, type UsageReportRow } from './usage-report.js';

const rows: LedgerRow[] = seedRows();

/** 3,000 calls over July 1–10, 2026 (UTC), across every dimension a report groups by. */
function seedRows(): LedgerRow[] {
  const kinds: CallKind[] = ['chat', 'embeddings', 'prompt', 'proxy'];
  return Array.from({ length: 3_000 }, (_, index) => {
    const prompt = index % 7 === 0;
    const costUnknown = index % 13 === 0;
    return {
      id: `req_${index}`,
      time: Date.UTC(2026, 6, 1) + index * 287_000,
      tenantId: `tenant_${index % 3}`,
      keyId: `key_${index % 5}`,
      kind: kinds[index % 4],
      model: `model_${index % 4}`,
      provider: index % 2 === 0 ? 'openai' : 'anthropic',
      service: kinds[index % 4] === 'proxy' ? 'billing-api' : null,
      promptName: prompt ? 'summary' : null,
      promptVersion: prompt ? 2 : null,
      status: [200, 200, 200, 429, 500, 201, 400][index % 7],
      inputTokens: index % 1000,
      cachedInputTokens: index % 50,
      cacheWriteTokens: index % 9,
      outputTokens: (index * 7) % 800,
      reasoningTokens: index % 4 === 0 ? index % 300 : 0,
      costNanoUsd: costUnknown ? null : 1_000_003 + index * 12_345,
      costUnknown,
      estimated: index % 5 === 0,
      latencyMs: 100 + (index % 900),
      ttfbMs: index % 2 === 0 ? 50 + (index % 200) : null,
      endUser: index % 4 === 0 ? null : `user_${index % 6}`,
      tags: index % 3 === 0 ? null : index % 3 === 1 ? '{"team":"search","feature":"autocomplete"}' : '{"team":"ads"}',
    };
  });
}

let backend: LedgerBackend;

function report(query: Record<string, string | string[]>) {
  const values = (name: string) => {
    const value = query[name];
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
  };
  return usageReport(backend.reader, parseReportQuery(values, undefined));
}

async function collect(query: Record<string, string | string[]>): Promise<UsageReportRow[]> {
  const data: UsageReportRow[] = [];
  for await (const row of (await report(query)).rows()) data.push(row);
  return data;
}

/** The ledger's own sums for the rows `keep` selects, computed here from the raw rows. */
function ledgerTotals(keep: (row: LedgerRow) => boolean) {
  const kept = rows.filter(keep);
  return {
    requests: kept.length,
    errors: kept.filter((row) => row.status >= 400).length,
    input_tokens: kept.reduce((sum, row) => sum + (row.inputTokens ?? 0), 0),
    cost_usd: formatNanoUsd(kept.reduce((sum, row) => sum + BigInt(row.costNanoUsd ?? 0), 0n)),
    estimated_cost_usd: formatNanoUsd(kept.filter((row) => row.estimated).reduce((sum, row) => sum + BigInt(row.costNanoUsd ?? 0), 0n)),
    unpriced_requests: kept.filter((row) => row.costUnknown).length,
    estimated_requests: kept.filter((row) => row.estimated).length,
  };
}

const berlinFormat = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' });
const berlinDay = (time: number) => berlinFormat.format(time);

describe.each(ledgerBackendNames)('usage reports from the hourly rollups on %s', (name) => {
  beforeAll(async () => {
    backend = await openLedgerBackend(name);
    await backend.write(rows);
  });
  afterAll(() => backend.close());

  it('totals equal the ledger rows to the nano-dollar', async () => {
    expect((await report({})).totals).toMatchObject(ledgerTotals(() => true));
    expect((await report({ from: '2026-07-03', to: '2026-07-05' })).totals).toMatchObject(
      ledgerTotals((row) => row.time >= Date.UTC(2026, 6, 3) && row.time < Date.UTC(2026, 6, 6)),
    );
  });

  it('groups by every label dimension, each row matching the ledger', async () => {
    const fields: Array<[ReportDimension, (row: LedgerRow) => string | null]> = [
      ['tenant', (row) => row.tenantId ?? null],
      ['key', (row) => row.keyId ?? null],
      ['model', (row) => row.model ?? null],
      ['provider', (row) => row.provider ?? null],
      ['prompt', (row) => (row.promptName ? `${row.promptName}@${row.promptVersion}` : null)],
      ['service', (row) => row.service ?? null],
      ['kind', (row) => row.kind],
      ['end_user', (row) => row.endUser ?? null],
    ];
    for (const [dimension, valueOf] of fields) {
      const data = await collect({ groupBy: dimension });
      const values = [...new Set(rows.map(valueOf))];
      expect(data.map((row) => row[dimension]).sort(), dimension).toEqual([...values].sort());
      for (const row of data) expect(row, `${dimension}=${row[dimension]}`).toMatchObject(ledgerTotals((ledgerRow) => valueOf(ledgerRow) === row[dimension]));
    }
  });

  it('groups by tag (a call counts under each of its tags) and filters by tags', async () => {
    const data = await collect({ groupBy: 'tag' });
    expect(data.map((row) => row.tag)).toEqual([null, 'feature=autocomplete', 'team=ads', 'team=search']);
    const hasTag = (row: LedgerRow, tag: string) => (row.tags ?? '').includes(tag);
    expect(data[3]).toMatchObject(ledgerTotals((row) => hasTag(row, '"team":"search"')));
    expect(data[0]).toMatchObject(ledgerTotals((row) => row.tags === null));
    expect((await report({ tag: 'team=ads' })).totals).toMatchObject(ledgerTotals((row) => hasTag(row, '"team":"ads"')));
    expect((await report({ tag: ['team=search', 'feature=autocomplete'] })).totals.requests).toBe(data[1].requests);
    expect((await report({ tag: 'team=nobody' })).totals.requests).toBe(0);
  });

  it('buckets local days in the zone asked for (a call at 22:30 UTC is the next day in Berlin)', async () => {
    const days = await collect({ groupBy: 'day,tenant', tz: 'Europe/Berlin', tenant: 'tenant_1' });
    for (const row of days) {
      expect(row).toMatchObject(ledgerTotals((ledgerRow) => ledgerRow.tenantId === 'tenant_1' && berlinDay(ledgerRow.time) === row.day));
    }
    expect(days[0].day).toBe('2026-07-01');
    const utcDays = await collect({ groupBy: 'day', from: '2026-07-02', to: '2026-07-02' });
    expect(utcDays).toHaveLength(1);
    expect(utcDays[0]).toMatchObject(ledgerTotals((row) => row.time >= Date.UTC(2026, 6, 2) && row.time < Date.UTC(2026, 6, 3)));
  });

  it('groups by hour, week and month with local labels', async () => {
    const hours = await collect({ groupBy: 'hour', tz: 'Asia/Kolkata', from: '2026-07-02T10:00:00Z', to: '2026-07-02T12:00:00Z' });
    expect(hours.map((row) => row.hour)).toEqual(['2026-07-02T15:30:00+05:30', '2026-07-02T16:30:00+05:30']);
    expect(hours[0]).toMatchObject(ledgerTotals((row) => row.time >= Date.UTC(2026, 6, 2, 10) && row.time < Date.UTC(2026, 6, 2, 11)));
    expect((await collect({ groupBy: 'week' })).map((row) => row.week)).toEqual(['2026-06-29', '2026-07-06']);
    expect(await collect({ groupBy: 'month,model', model: 'model_1' })).toEqual([
      expect.objectContaining({ month: '2026-07', model: 'model_1', ...ledgerTotals((row) => row.model === 'model_1') }),
    ]);
  });

  it('reads whole UTC days from the daily tenant level and the hours at either end from the hourly one, to the same figures', async () => {
    const from = '2026-07-02T05:00:00Z';
    const to = '2026-07-05T17:00:00Z';
    const inRange = (row: LedgerRow) => row.time >= Date.parse(from) && row.time < Date.parse(to);
    const utcDay = (time: number) => new Date(time).toISOString().slice(0, 10);
    const days = await collect({ groupBy: 'tenant,day', from, to });
    expect(days.length).toBeGreaterThan(4);
    for (const row of days) expect(row).toMatchObject(ledgerTotals((ledgerRow) => inRange(ledgerRow) && (ledgerRow.tenantId ?? null) === row.tenant && utcDay(ledgerRow.time) === row.day));
    expect((await report({ from, to })).totals).toMatchObject(ledgerTotals(inRange));
    for (const groupBy of ['week', 'month', 'tenant']) {
      const total = (await collect({ groupBy, from, to })).reduce((sum, row) => sum + row.requests, 0);
      expect(total, groupBy).toBe(ledgerTotals(inRange).requests);
    }
  });

  it('answers from the narrowest rollup that has the dimensions, never from the calls table', async () => {
    const plan = async (query: Record<string, string | undefined>) => {
      const parsed = parseReportQuery((name) => (query[name] === undefined ? [] : [query[name] as string]), undefined);
      const built = buildUsageReportSql(parsed, { from: Date.UTC(2026, 6, 1), to: Date.UTC(2026, 7, 1) }, backend.name);
      return { table: built.level.table, plan: await backend.explain(built.sql, built.params) };
    };
    expect((await plan({ groupBy: 'tenant,day' })).table).toBe('usage_hourly_tenant');
    expect((await plan({ groupBy: 'model,day' })).table).toBe('usage_hourly_model');
    expect((await plan({ groupBy: 'model,day', tenant: 'a' })).table).toBe('usage_hourly');
    expect((await plan({ groupBy: 'end_user' })).table).toBe('usage_hourly_labels');
    expect((await plan({ groupBy: 'day', tag: 'team=x' })).table).toBe('usage_hourly_labels');
    // Days that start at UTC midnights come from the daily tenant level (both databases keep it); Berlin's days do not.
    expect((await plan({ groupBy: 'tenant,day' })).plan).toMatch(/usage_daily_tenant/);
    expect((await plan({ groupBy: 'tenant,day', tz: 'Europe/Berlin' })).plan).not.toMatch(/usage_daily_tenant/);
    expect((await plan({ groupBy: 'tenant,hour' })).plan).not.toMatch(/usage_daily_tenant/);
    for (const query of [{ groupBy: 'tenant,day' }, { groupBy: 'tag,key' }, { groupBy: 'model', tenant: 'a' }]) {
      expect((await plan(query)).plan).not.toMatch(/\bcalls\b/);
    }
  });

  it('refuses unknown dimensions, two time dimensions, bad zones and bad dates', async () => {
    const bad: Array<Record<string, string>> = [{ groupBy: 'color' }, { groupBy: 'day,month' }, { tz: 'Mars/Olympus' }, { from: '2026-02-30' }, { from: '2026-07-02', to: '2026-07-01' }, { format: 'xml' },
      // Beyond the years a Date can format or the ledger holds: once a RangeError and a 500 (fuzzing found it).
      { from: '0001-01-01' }, { to: '9999-12-31' }, { from: '0001-01-01', tz: 'Asia/Kolkata' }, { to: '9999999999999999' }, { from: '0000-01-01T00:00:00Z' }];
    for (const query of bad) {
      await expect((async () => report(query))(), JSON.stringify(query)).rejects.toMatchObject({ status: 400 });
    }
  });
});
