import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../logging/logger.js';
import { openDatabase, type TollgateDatabase } from '../storage/database.js';
import { LedgerWriter } from './ledger-writer.js';
import type { CallKind, LedgerRow } from './types.js';

const noon = Date.UTC(2026, 6, 1, 12);
let sequence = 0;

function callRow(overrides: Partial<LedgerRow> = {}): LedgerRow {
  sequence += 1;
  return {
    id: `req_${sequence}`,
    time: noon,
    tenantId: 'acme',
    keyId: 'key_1',
    kind: 'chat',
    model: 'gpt-4o',
    provider: 'openai',
    upstreamModel: 'gpt-4o-2024-08-06',
    status: 200,
    inputTokens: 10,
    outputTokens: 5,
    costNanoUsd: 1234,
    latencyMs: 300,
    usageRaw: '{"prompt_tokens":10}',
    ...overrides,
  };
}

/** 10,000 rows spread over days (across UTC midnight), tenants, keys, models, prompts, kinds and outcomes. */
function variedRows(count: number): LedgerRow[] {
  const kinds: CallKind[] = ['chat', 'embeddings', 'prompt', 'proxy'];
  return Array.from({ length: count }, (_, index) => {
    const prompt = index % 7 === 0;
    const costUnknown = index % 13 === 0;
    return callRow({
      time: Date.UTC(2026, 6, 1) - 3_600_000 + index * 97_000, // about 11 days, starting the evening before
      tenantId: index % 11 === 0 ? null : `tenant_${index % 3}`,
      keyId: index % 11 === 0 ? null : `key_${index % 5}`,
      model: index % 17 === 0 ? null : `model_${index % 4}`,
      kind: kinds[index % 4],
      promptName: prompt ? `summary_${index % 2}` : null,
      promptVersion: prompt ? (index % 3) + 1 : null,
      status: [200, 200, 200, 429, 500, 201, 400][index % 7],
      inputTokens: index % 1000,
      cachedInputTokens: index % 50,
      cacheWriteTokens: index % 9,
      outputTokens: (index * 7) % 800,
      reasoningTokens: index % 4 === 0 ? index % 300 : 0,
      costNanoUsd: costUnknown ? null : 1_000_000 + index * 12_345,
      costUnknown,
      estimated: index % 5 === 0,
    });
  });
}

function count(db: TollgateDatabase, table: 'calls' | 'daily_rollups'): number {
  return (db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

const nextTick = () => new Promise((resolve) => setImmediate(resolve));

/** The rollups as they should be, recomputed from `calls` by SQL. */
function rollupsFromCalls(db: TollgateDatabase): unknown[] {
  return db.$client
    .prepare(
      `SELECT strftime('%Y-%m-%d', time / 1000, 'unixepoch') AS day, coalesce(tenant_id, '') AS tenant_id,
         coalesce(key_id, '') AS key_id, coalesce(model, '') AS model,
         CASE WHEN coalesce(prompt_name, '') = '' THEN '' WHEN prompt_version IS NULL THEN prompt_name
              ELSE prompt_name || '@' || prompt_version END AS prompt,
         kind, count(*) AS requests, sum(status >= 400) AS errors, sum(input_tokens) AS input_tokens,
         sum(cached_input_tokens) AS cached_input_tokens, sum(cache_write_tokens) AS cache_write_tokens,
         sum(output_tokens) AS output_tokens, sum(reasoning_tokens) AS reasoning_tokens,
         sum(coalesce(cost_nano_usd, 0)) AS cost_nano_usd, sum(cost_unknown) AS unknown_cost_requests,
         sum(estimated) AS estimated_requests
       FROM calls GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6`,
    )
    .all();
}

function storedRollups(db: TollgateDatabase): unknown[] {
  return db.$client.prepare('SELECT * FROM daily_rollups ORDER BY 1, 2, 3, 4, 5, 6').all();
}

describe('LedgerWriter', () => {
  let db: TollgateDatabase;
  let writer: LedgerWriter | undefined;

  beforeEach(() => {
    db = openDatabase(':memory:');
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    await writer?.close().catch(() => undefined);
    writer = undefined;
    if (db.$client.open) db.$client.close();
  });

  it('writes 10,000 rows in batches with rollups equal to the rows, never inside append', async () => {
    writer = new LedgerWriter(db.$client, { flushMs: 60_000, batchSize: 500 });
    const rows = variedRows(10_000);
    for (const row of rows) writer.append(row);
    expect(count(db, 'calls')).toBe(0);
    expect(writer.pendingRows).toBe(10_000);

    await nextTick(); // the batch trigger writes one transaction per tick, not all at once
    const afterOneTick = count(db, 'calls');
    expect(afterOneTick).toBeGreaterThan(0);
    expect(afterOneTick).toBeLessThan(10_000);

    await writer.close();
    expect(count(db, 'calls')).toBe(10_000);
    expect(writer.pendingRows).toBe(0);
    const expected = rollupsFromCalls(db);
    expect(expected.length).toBeGreaterThan(100);
    expect(storedRollups(db)).toEqual(expected);
    const totals = db.$client.prepare('SELECT sum(requests) AS requests, sum(cost_nano_usd) AS cost FROM daily_rollups').get();
    const rowCost = rows.reduce((sum, row) => sum + (row.costNanoUsd ?? 0), 0);
    expect(totals).toEqual({ requests: 10_000, cost: rowCost });
  });

  it('flushes a full batch on the next tick and a partial one on the timer', async () => {
    // The timer is long enough that a loaded machine cannot fire it between two ticks here.
    writer = new LedgerWriter(db.$client, { flushMs: 750, batchSize: 3 });
    writer.append(callRow());
    writer.append(callRow());
    await nextTick();
    expect(count(db, 'calls')).toBe(0);
    writer.append(callRow());
    expect(count(db, 'calls')).toBe(0);
    await nextTick();
    expect(count(db, 'calls')).toBe(3);

    writer.append(callRow());
    await nextTick();
    expect(count(db, 'calls')).toBe(3);
    await vi.waitFor(() => expect(count(db, 'calls')).toBe(4), { timeout: 5000, interval: 10 });
  });

  it('does not count a duplicate id twice, within a batch or across flushes', async () => {
    writer = new LedgerWriter(db.$client, { flushMs: 60_000, batchSize: 100 });
    const first = callRow({ id: 'req_dup', inputTokens: 10, costNanoUsd: 100 });
    writer.append(first);
    writer.append({ ...first, inputTokens: 999, costNanoUsd: 999 });
    writer.flush();
    writer.append({ ...first, inputTokens: 555, costNanoUsd: 555 });
    writer.append(callRow({ id: 'req_other', inputTokens: 1, costNanoUsd: 1 }));
    await writer.close();

    expect(count(db, 'calls')).toBe(2);
    expect(db.$client.prepare("SELECT input_tokens, cost_nano_usd FROM calls WHERE id = 'req_dup'").get()).toEqual({
      input_tokens: 10,
      cost_nano_usd: 100,
    });
    expect(db.$client.prepare('SELECT requests, input_tokens, cost_nano_usd FROM daily_rollups').all()).toEqual([
      { requests: 2, input_tokens: 11, cost_nano_usd: 101 },
    ]);
  });

  it('refuses a row that can never be written, logs it in full, and writes the others', async () => {
    const errors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    writer = new LedgerWriter(db.$client, { flushMs: 60_000, batchSize: 100 });
    writer.append(callRow({ id: 'good_1' }));
    writer.append(callRow({ id: 'fractional', costNanoUsd: 1.5 }));
    writer.append({ ...callRow({ id: 'no_latency' }), latencyMs: undefined as unknown as number });
    writer.append(callRow({ id: 'good_2' }));
    writer.flush();

    expect(writer.pendingRows).toBe(0);
    expect(writer.refusedRows).toBe(2);
    expect(db.$client.prepare('SELECT id FROM calls ORDER BY id').pluck().all()).toEqual(['good_1', 'good_2']);
    expect(db.$client.prepare('SELECT requests FROM daily_rollups').pluck().get()).toBe(2);
    const refused = errors.mock.calls.filter(([message]) => message === 'ledger row refused');
    expect(refused.map(([, fields]) => (fields?.row as LedgerRow).id)).toEqual(['fractional', 'no_latency']);
    expect(String(refused[1][1]?.error)).toContain('SQLITE_CONSTRAINT_NOTNULL');
  });

  it('writes rows and rollups together or not at all', () => {
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    writer = new LedgerWriter(db.$client, { flushMs: 60_000, batchSize: 100 });
    db.$client.exec(`CREATE TRIGGER fail_rollups BEFORE INSERT ON daily_rollups BEGIN SELECT RAISE(ABORT, 'simulated failure'); END`);
    writer.append(callRow());
    writer.append(callRow());
    writer.flush();
    expect(writer.pendingRows).toBe(2);
    expect(count(db, 'calls')).toBe(0); // the inserted calls were rolled back with the failed rollup

    db.$client.exec('DROP TRIGGER fail_rollups');
    writer.flush();
    expect(writer.pendingRows).toBe(0);
    expect(count(db, 'calls')).toBe(2);
    expect(db.$client.prepare('SELECT requests FROM daily_rollups').pluck().get()).toBe(2);
  });

  it('refuses to be built with nonsense options', () => {
    expect(() => new LedgerWriter(db.$client, { flushMs: 0, batchSize: 10 })).toThrow(RangeError);
    expect(() => new LedgerWriter(db.$client, { flushMs: 100, batchSize: 0 })).toThrow(RangeError);
    expect(() => new LedgerWriter(db.$client, { flushMs: 100, batchSize: 10, maxPendingRows: 5 })).toThrow(RangeError);
  });
});

describe('LedgerWriter when the database fails', () => {
  let directory: string;
  let db: TollgateDatabase;
  let locker: Database.Database;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'tollgate-ledger-'));
    db = openDatabase(join(directory, 'tollgate.db'));
    locker = new Database(join(directory, 'tollgate.db'));
  });

  afterEach(() => {
    vi.restoreAllMocks();
    if (locker.inTransaction) locker.exec('ROLLBACK');
    locker.close();
    if (db.$client.open) db.$client.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('keeps the rows while another process holds the write lock, logs once, and writes them later', async () => {
    const errors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const infos = vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    const writer = new LedgerWriter(db.$client, { flushMs: 60_000, batchSize: 1000, busyTimeoutMs: 10 });
    locker.exec('BEGIN IMMEDIATE');
    for (let index = 0; index < 50; index++) writer.append(callRow());

    const started = performance.now();
    for (let attempt = 0; attempt < 5; attempt++) writer.flush();
    expect(performance.now() - started).toBeLessThan(1000); // the short busy wait, not the connection's 5 s
    expect(writer.pendingRows).toBe(50);
    expect(db.$client.pragma('busy_timeout', { simple: true })).toBe(5000);
    const failures = errors.mock.calls.filter(([message]) => message.startsWith('ledger flush failed'));
    expect(failures).toHaveLength(1); // rate-limited
    expect(String(failures[0][1]?.error)).toContain('SQLITE_BUSY');

    locker.exec('COMMIT');
    writer.append(callRow());
    writer.flush();
    expect(writer.pendingRows).toBe(0);
    expect(count(db, 'calls')).toBe(51);
    expect(db.$client.prepare('SELECT sum(requests) FROM daily_rollups').pluck().get()).toBe(51);
    expect(infos.mock.calls.some(([message]) => message === 'ledger flush recovered')).toBe(true);
    await writer.close();
  });

  it('does not retry on every append while failing, and bounds the queue', async () => {
    const errors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    const writer = new LedgerWriter(db.$client, { flushMs: 60_000, batchSize: 2, maxPendingRows: 5, busyTimeoutMs: 1 });
    locker.exec('BEGIN IMMEDIATE');
    writer.append(callRow());
    writer.append(callRow());
    await nextTick(); // the batch trigger fails once
    const pragma = vi.spyOn(db.$client, 'pragma'); // every flush attempt sets the busy timeout
    for (let index = 0; index < 3; index++) writer.append(callRow());
    await nextTick();
    expect(pragma).not.toHaveBeenCalled(); // no new attempt until the timer
    writer.append(callRow({ id: 'overflow' }));
    expect(writer.pendingRows).toBe(5);
    expect(writer.droppedRows).toBe(1);
    const dropped = errors.mock.calls.find(([message]) => message === 'ledger row dropped');
    expect((dropped?.[1]?.row as LedgerRow).id).toBe('overflow');

    locker.exec('COMMIT');
    await writer.close();
    expect(count(db, 'calls')).toBe(5);
  });

  it('logs every unwritten row when close cannot write, and drops rows appended after close', async () => {
    const errors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const writer = new LedgerWriter(db.$client, { flushMs: 60_000, batchSize: 100 });
    writer.append(callRow({ id: 'lost_1' }));
    writer.append(callRow({ id: 'lost_2' }));
    db.$client.close();
    await expect(writer.close()).rejects.toThrow('2 ledger rows could not be written');
    const notWritten = errors.mock.calls.filter(([message]) => message === 'ledger row not written');
    expect(notWritten.map(([, fields]) => (fields?.row as LedgerRow).id)).toEqual(['lost_1', 'lost_2']);
    writer.append(callRow({ id: 'late' }));
    expect(writer.droppedRows).toBe(1);
    expect(errors.mock.calls.some(([message, fields]) => message === 'ledger row dropped' && fields?.reason === 'writer closed')).toBe(true);
  });
});
