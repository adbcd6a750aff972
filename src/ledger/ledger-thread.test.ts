import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../storage/database.js';
import { LedgerThread } from './ledger-thread.js';
import type { LedgerRow } from './types.js';

function row(index: number): LedgerRow {
  return {
    id: `req_thread_${index}`,
    time: Date.UTC(2026, 6, 1, 12) + index,
    tenantId: 'acme',
    keyId: 'key_1',
    kind: 'chat',
    model: 'gpt-4o',
    status: 200,
    inputTokens: 10,
    outputTokens: 5,
    costNanoUsd: 1000,
    latencyMs: 3,
  };
}

describe('LedgerThread', () => {
  it('writes every appended row from its own thread, with rollups, by the time close resolves', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tollgate-ledger-thread-')), 'ledger.db');
    openDatabase(path).$client.close();
    const ledger = new LedgerThread({ path, flushMs: 50, batchSize: 100 });
    for (let index = 0; index < 2_500; index++) ledger.append(row(index));
    // Appending only queues on this side: nothing waits for SQLite.
    expect(ledger.pendingRows).toBeGreaterThan(0);
    await ledger.close();

    const database = new Database(path, { readonly: true });
    const calls = database.prepare('select count(*) as count, sum(cost_nano_usd) as cost from calls').get();
    const rollups = database.prepare('select sum(requests) as requests, sum(cost_nano_usd) as cost from daily_rollups').get();
    database.close();
    expect(calls).toEqual({ count: 2_500, cost: 2_500_000 });
    expect(rollups).toEqual({ requests: 2_500, cost: 2_500_000 });
  });

  it('has written every row appended before `written()` resolves, long before its flush interval', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tollgate-ledger-thread-')), 'ledger.db');
    openDatabase(path).$client.close();
    const ledger = new LedgerThread({ path, flushMs: 60_000, batchSize: 10_000 });
    for (let index = 0; index < 3; index++) ledger.append(row(index));
    await ledger.written(30_000);
    const database = new Database(path, { readonly: true });
    const { count } = database.prepare('select count(*) as count from calls').get() as { count: number };
    database.close();
    await ledger.close();
    expect(count).toBe(3);
  });

  it('starts its thread only with the first row: an idle ledger closes without one', async () => {
    // A thread on this path fails (see the next test); none is started while no row was appended.
    const ledger = new LedgerThread({ path: '/nonexistent-folder/\u0000/ledger.db', flushMs: 50, batchSize: 100 });
    await ledger.written();
    await expect(ledger.close()).resolves.toBeUndefined();
  });

  it('rejects close when its thread cannot run', async () => {
    const ledger = new LedgerThread({ path: '/nonexistent-folder/\u0000/ledger.db', flushMs: 50, batchSize: 100 });
    ledger.append(row(1));
    await expect(ledger.close()).rejects.toThrow(/ledger thread/);
  });
});
