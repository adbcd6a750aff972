import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { latencyBucket, latencyBucketBounds, percentileFromBuckets } from '../ledger/latency-histogram.js';
import { LedgerWriter } from '../ledger/ledger-writer.js';
import type { LedgerRow } from '../ledger/types.js';
import { openDatabase, type TollgateDatabase } from '../storage/database.js';
import { parseReportQuery } from './report-params.js';
import { sqliteReader } from '../storage/sql-reader.js';
import { trendsReport } from './trends-report.js';

describe('latency histogram', () => {
  it('puts durations in their buckets and reads percentiles within the right bucket', () => {
    expect(latencyBucket(0)).toBe(0);
    expect(latencyBucket(25)).toBe(0);
    expect(latencyBucket(26)).toBe(1);
    expect(latencyBucket(420)).toBe(5);
    expect(latencyBucket(10 * 60_000)).toBe(latencyBucketBounds.length - 1);
    const counts = new Array(latencyBucketBounds.length).fill(0);
    counts[latencyBucket(80)] = 50; // (50, 100]
    counts[latencyBucket(2_500)] = 45; // (2000, 3000]
    counts[latencyBucket(40_000)] = 5; // (30000, 60000]
    expect(percentileFromBuckets(counts, 0.5)).toBe(100);
    const p95 = percentileFromBuckets(counts, 0.95)!;
    expect(p95).toBeGreaterThan(2_000);
    expect(p95).toBeLessThanOrEqual(3_000);
    expect(percentileFromBuckets(new Array(latencyBucketBounds.length).fill(0), 0.5)).toBeNull();
  });
});

let db: TollgateDatabase;

/** Per day: openai steady (latency 200–300 ms), anthropic degrading day by day (and failing more). */
function rows(): LedgerRow[] {
  const all: LedgerRow[] = [];
  for (let day = 0; day < 5; day++) {
    for (let index = 0; index < 200; index++) {
      const time = Date.UTC(2026, 6, 1 + day, 8) + index * 60_000;
      all.push({ id: `o${day}-${index}`, time, tenantId: 't', keyId: 'k', kind: 'chat', model: 'gpt', provider: 'openai', status: 200, latencyMs: 200 + (index % 100), ttfbMs: 80, streamed: true });
      const failing = index < 10 * (day + 1);
      all.push({
        id: `a${day}-${index}`,
        time,
        tenantId: 't',
        keyId: 'k',
        kind: 'chat',
        model: 'claude',
        provider: 'anthropic',
        status: failing ? 503 : 200,
        latencyMs: 1_000 * (day + 1) + index,
        ttfbMs: failing ? null : 400 * (day + 1),
      });
    }
  }
  return all;
}

beforeEach(async () => {
  db = openDatabase(':memory:');
  const writer = new LedgerWriter(db.$client, { flushMs: 1_000, batchSize: 500 });
  for (const row of rows()) writer.append(row);
  await writer.close();
});
afterEach(() => db.$client.close());

async function trends(query: Record<string, string>) {
  const report = await trendsReport(sqliteReader(db.$client, ':memory:'), parseReportQuery((name) => (query[name] === undefined ? [] : [query[name]]), undefined));
  const data: any[] = [];
  for await (const row of report.rows()) data.push(row);
  return { report, data };
}

describe('trends report', () => {
  it('shows a provider degrading day by day: latency, time to first token and error rate', async () => {
    const { data } = await trends({ groupBy: 'provider,day', from: '2026-07-01', to: '2026-07-05', tz: 'UTC' });
    const anthropic = data.filter((row) => row.provider === 'anthropic');
    expect(anthropic.map((row) => row.day)).toEqual(['2026-07-01', '2026-07-02', '2026-07-03', '2026-07-04', '2026-07-05']);
    expect(anthropic.map((row) => row.error_rate)).toEqual([0.05, 0.1, 0.15, 0.2, 0.25]);
    expect(anthropic.map((row) => row.server_errors)).toEqual([10, 20, 30, 40, 50]);
    for (const [day, row] of anthropic.entries()) {
      // Latency 1000·(day+1) + 0..199 ms: both percentiles sit in that value's bucket.
      const bucket = latencyBucket(1_000 * (day + 1) + 100);
      const lower = bucket === 0 ? 0 : latencyBucketBounds[bucket - 1];
      expect(row.latency_p50_ms).toBeGreaterThan(lower);
      expect(row.latency_p95_ms).toBeLessThanOrEqual(latencyBucketBounds[bucket]);
      expect(row.latency_avg_ms).toBe(Math.round(1_000 * (day + 1) + (10 * (day + 1) + 199) / 2));
      expect(row.ttft_p50_ms).toBeLessThanOrEqual(latencyBucketBounds[latencyBucket(400 * (day + 1))]);
    }
    const openai = data.filter((row) => row.provider === 'openai');
    expect(openai.every((row) => row.error_rate === 0 && row.latency_p95_ms <= 300 && row.ttft_avg_ms === 80)).toBe(true);
  });

  it('groups by model and week, filters by provider, and refuses dimensions it does not keep', async () => {
    const { data, report } = await trends({ groupBy: 'model,week', provider: 'openai', from: '2026-07-01', to: '2026-07-06' });
    expect(data).toEqual([expect.objectContaining({ week: '2026-06-29', model: 'gpt', requests: 1_000 })]);
    expect(report.totals).toMatchObject({ requests: 1_000, errors: 0 });
    await expect(trends({ groupBy: 'end_user' })).rejects.toMatchObject({ status: 400 });
    await expect(trends({ key: 'k' })).rejects.toMatchObject({ status: 400 });
  });
});
