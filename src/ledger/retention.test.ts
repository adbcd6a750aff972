import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../logging/logger.js';
import { openDatabase, type TollgateDatabase } from '../storage/database.js';
import { LedgerWriter } from './ledger-writer.js';
import { deleteCallsOlderThan, startRetention } from './retention.js';
import type { LedgerRow } from './types.js';

const dayMs = 86_400_000;

function callRow(id: string, time: number): LedgerRow {
  return { id, time, tenantId: 'acme', keyId: 'key_1', kind: 'chat', model: 'gpt-4o', status: 200, inputTokens: 3, costNanoUsd: 7, latencyMs: 10 };
}

async function seed(db: TollgateDatabase, old: number, recent: number, now: number): Promise<void> {
  const writer = new LedgerWriter(db.$client, { flushMs: 60_000, batchSize: 5_000 });
  for (let index = 0; index < old; index++) writer.append(callRow(`old_${index}`, now - 40 * dayMs + index));
  for (let index = 0; index < recent; index++) writer.append(callRow(`new_${index}`, now - dayMs + index));
  await writer.close();
}

const callCount = (db: TollgateDatabase) => db.$client.prepare('SELECT count(*) FROM calls').pluck().get();
const rollups = (db: TollgateDatabase) => db.$client.prepare('SELECT * FROM daily_rollups ORDER BY day').all();

describe('retention', () => {
  let db: TollgateDatabase;

  beforeEach(() => {
    db = openDatabase(':memory:');
  });

  afterEach(() => {
    vi.restoreAllMocks();
    db.$client.close();
  });

  it('deletes old calls in batches and keeps the rollups', async () => {
    const now = Date.now();
    await seed(db, 12_345, 10, now);
    const before = rollups(db);
    expect(deleteCallsOlderThan(db, now - 30 * dayMs)).toBe(12_345);
    expect(callCount(db)).toBe(10);
    expect(rollups(db)).toEqual(before);
    expect(deleteCallsOlderThan(db, now - 30 * dayMs)).toBe(0);
  });

  it('walks the time index to find old calls', () => {
    const plan = db.$client
      .prepare('EXPLAIN QUERY PLAN DELETE FROM calls WHERE rowid IN (SELECT rowid FROM calls WHERE time < ? LIMIT ?)')
      .all(0, 5000) as Array<{ detail: string }>;
    expect(plan.map((step) => step.detail).join('\n')).toMatch(/USING COVERING INDEX calls_time/);
  });

  it('runs soon after start and on every interval until stopped', async () => {
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    const now = Date.now();
    await seed(db, 20, 5, now);
    const retention = startRetention(db, 30, { intervalMs: 30 });
    await vi.waitFor(() => expect(callCount(db)).toBe(5), { timeout: 2000, interval: 10 });
    db.$client.prepare('INSERT INTO calls (id, time, kind, status, latency_ms) VALUES (?, ?, ?, ?, ?)').run('late_old', now - 90 * dayMs, 'chat', 200, 1);
    await vi.waitFor(() => expect(callCount(db)).toBe(5), { timeout: 2000, interval: 10 });
    retention.stop();
    db.$client.prepare('INSERT INTO calls (id, time, kind, status, latency_ms) VALUES (?, ?, ?, ?, ?)').run('after_stop', now - 90 * dayMs, 'chat', 200, 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(callCount(db)).toBe(6);
  });

  it('refuses a retention that is not a positive number of days', () => {
    expect(() => startRetention(db, 0)).toThrow(RangeError);
    expect(() => startRetention(db, Number.NaN)).toThrow(RangeError);
  });
});
