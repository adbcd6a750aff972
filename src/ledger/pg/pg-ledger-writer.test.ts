import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { freshPostgresDatabase, type FreshPostgres } from '../../../test/helpers/postgres.js';
import { logger } from '../../logging/logger.js';
import { openDatabase } from '../../storage/database.js';
import { connectPostgres, openPostgres, type PostgresDatabase } from '../../storage/pg/postgres-database.js';
import { LedgerWriter } from '../ledger-writer.js';
import { rollupTargets } from '../rollup-targets.js';
import type { CallKind, LedgerRow } from '../types.js';
import { dropMonthsBefore } from './month-partitions.js';
import { PgLedgerWriter } from './pg-ledger-writer.js';

/** Rows across two months, tenants, keys, models, prompts, kinds, outcomes, end users and tags. */
function variedRows(count: number, prefix = 'req'): LedgerRow[] {
  const kinds: CallKind[] = ['chat', 'embeddings', 'prompt', 'proxy'];
  return Array.from({ length: count }, (_, index) => {
    const prompt = index % 7 === 0;
    const costUnknown = index % 13 === 0;
    return {
      id: `${prefix}_${index}`,
      time: Date.UTC(2026, 5, 29) + index * 97_000, // from the end of June into July
      tenantId: index % 11 === 0 ? null : `tenant_${index % 3}`,
      keyId: index % 11 === 0 ? null : `key_${index % 5}`,
      kind: kinds[index % 4],
      model: index % 17 === 0 ? null : `model_${index % 4}`,
      provider: 'openai',
      promptName: prompt ? `summary_${index % 2}` : null,
      promptVersion: prompt ? (index % 3) + 1 : null,
      status: [200, 200, 200, 429, 500, 201, 400][index % 7],
      inputTokens: index % 1000,
      cachedInputTokens: index % 50,
      outputTokens: (index * 7) % 800,
      reasoningTokens: index % 4 === 0 ? index % 300 : 0,
      costNanoUsd: costUnknown ? null : 1_000_000 + index * 12_345,
      costUnknown,
      estimated: index % 5 === 0,
      latencyMs: 40 + (index % 900),
      ttfbMs: index % 3 === 0 ? 20 + (index % 400) : null,
      streamed: index % 3 === 0,
      endUser: index % 4 === 0 ? `user_${index % 6}` : null,
      tags: index % 5 === 0 ? `{"team":"t${index % 2}","env":"prod"}` : null,
    };
  });
}

/** Every rollup table as sorted rows of strings, so SQLite's and PostgreSQL's values compare. */
async function pgRollups(database: PostgresDatabase): Promise<Record<string, string[]>> {
  const dump: Record<string, string[]> = {};
  for (const { table, columns } of rollupTargets) {
    const result = await database.$client.query({ text: `SELECT ${columns.join(', ')} FROM ${table}`, rowMode: 'array' });
    dump[table] = result.rows.map((row: unknown[]) => row.map(String).join('|')).sort();
  }
  return dump;
}

function sqliteRollups(client: ReturnType<typeof openDatabase>['$client']): Record<string, string[]> {
  const dump: Record<string, string[]> = {};
  for (const { table, columns } of rollupTargets) {
    const rows = client.prepare(`SELECT ${columns.join(', ')} FROM ${table}`).raw().all() as unknown[][];
    dump[table] = rows.map((row) => row.map(String).join('|')).sort();
  }
  return dump;
}

describe('the PostgreSQL ledger writer', () => {
  let postgres: FreshPostgres;
  let database: PostgresDatabase;
  let folder: string;

  beforeEach(async () => {
    postgres = await freshPostgresDatabase();
    database = await openPostgres(postgres.url);
    folder = mkdtempSync(join(tmpdir(), 'tollgate-pg-ledger-'));
  });

  afterEach(async () => {
    await database.$client.end();
    await postgres.drop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('keeps calls and every rollup exactly as the SQLite writer does, and counts a request id once', async () => {
    const rows = variedRows(5_000);
    const writer = new PgLedgerWriter(database, { flushMs: 50, batchSize: 700, spoolPath: join(folder, 'spool') });
    for (const row of rows) writer.append(row);
    // The same rows again (a replay after a crash): skipped, not counted twice.
    for (const row of rows.slice(0, 1_500)) writer.append(row);
    await writer.close();

    const sqlite = openDatabase(':memory:');
    const sqliteWriter = new LedgerWriter(sqlite.$client, { flushMs: 1_000, batchSize: 1_000 });
    for (const row of rows) sqliteWriter.append(row);
    await sqliteWriter.close();

    const count = await database.$client.query('SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids FROM calls');
    expect(count.rows[0]).toEqual({ n: 5_000, ids: 5_000 });
    const pg = await pgRollups(database);
    expect(pg.usage_hourly_labels.length).toBeGreaterThan(100);
    expect(pg).toEqual(sqliteRollups(sqlite.$client));
    sqlite.$client.close();
  });

  it('puts each month in its own partition, and retention drops whole months', async () => {
    const writer = new PgLedgerWriter(database, { flushMs: 50, batchSize: 100, spoolPath: join(folder, 'spool') });
    for (const row of variedRows(3_000)) writer.append(row);
    await writer.close();
    const perMonth = await database.$client.query('SELECT tableoid::regclass::text AS month, count(*)::int AS n FROM calls GROUP BY 1 ORDER BY 1');
    expect(perMonth.rows.map((row) => row.month)).toEqual(['calls_y2026m06', 'calls_y2026m07']);

    expect(await dropMonthsBefore(database.$client, Date.UTC(2026, 6, 15))).toEqual(['calls_y2026m06']);
    const left = await database.$client.query('SELECT min(time) AS first FROM calls');
    expect(left.rows[0].first).toBeGreaterThanOrEqual(Date.UTC(2026, 6, 1));
    // The rollups outlive the dropped month.
    const june = await database.$client.query('SELECT count(*)::int AS n FROM usage_hourly_tenant WHERE hour < $1', [Date.UTC(2026, 6, 1)]);
    expect(june.rows[0].n).toBeGreaterThan(0);

    // A row for the dropped month is written again: its partition is made anew.
    const late = new PgLedgerWriter(database, { flushMs: 50, batchSize: 100, spoolPath: join(folder, 'spool') });
    late.append({ ...variedRows(1, 'late')[0] });
    await late.close();
    expect((await database.$client.query("SELECT count(*)::int AS n FROM calls WHERE id = 'late_0'")).rows[0].n).toBe(1);
  });

  it('spools rows while PostgreSQL is unreachable and replays them in order when it answers', async () => {
    vi.spyOn(logger, 'error').mockImplementation(() => {});
    vi.spyOn(logger, 'warn').mockImplementation(() => {});
    const spoolPath = join(folder, 'spool');
    // Port 1 answers nothing: every write fails at once.
    const unreachable = connectPostgres('postgres://postgres@127.0.0.1:1/none', { connectTimeoutMs: 500 });
    const down = new PgLedgerWriter(unreachable, { flushMs: 20, batchSize: 50, spoolPath, retryMs: 50 });
    const rows = variedRows(600, 'outage');
    for (const row of rows) down.append(row);
    await down.written(300);
    expect(down.backlog().spool).toBe(600);
    await down.close();
    await unreachable.$client.end();
    const spooled = readFileSync(spoolPath, 'utf8').trim().split('\n').map((line) => JSON.parse(line).id);
    expect(spooled).toEqual(rows.map((row) => row.id));

    // The next start, with PostgreSQL back: the spool is replayed first, then new rows follow.
    const up = new PgLedgerWriter(database, { flushMs: 20, batchSize: 50, spoolPath });
    up.append({ ...variedRows(1, 'after')[0] });
    await up.written(5_000);
    expect(up.backlog()).toEqual({ handover: 0, writer: 0, spool: 0, dropped: 0 });
    await up.close();
    const written = await database.$client.query('SELECT count(*)::int AS n FROM calls');
    expect(written.rows[0].n).toBe(601);
    const totals = await database.$client.query('SELECT sum(requests)::int AS n FROM usage_hourly_tenant');
    expect(totals.rows[0].n).toBe(601);
    expect(existsSync(spoolPath) ? readFileSync(spoolPath, 'utf8') : '').toBe('');
  });

  it('leaves out only the row PostgreSQL refuses, logged in full', async () => {
    const errors = vi.spyOn(logger, 'error').mockImplementation(() => {});
    const writer = new PgLedgerWriter(database, { flushMs: 50, batchSize: 100, spoolPath: join(folder, 'spool') });
    const rows = variedRows(10, 'mixed');
    // Valid for our own checks, but beyond PostgreSQL's integer for prompt_version.
    rows[4] = { ...rows[4], promptVersion: 2 ** 40 };
    for (const row of rows) writer.append(row);
    await writer.close();
    expect(writer.refusedRows).toBe(1);
    expect(errors).toHaveBeenCalledWith('ledger row refused', expect.objectContaining({ row: rows[4] }));
    expect((await database.$client.query('SELECT count(*)::int AS n FROM calls')).rows[0].n).toBe(9);
  });
});
