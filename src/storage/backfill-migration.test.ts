import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LedgerWriter } from '../ledger/ledger-writer.js';

/**
 * An existing database (migrated up to the hourly tables) with calls in it gets hourly rollups
 * equal to what the writer would have made, from the backfill migration — and the daily tenant
 * level, from its own backfill of the hourly one.
 */
describe('the hourly rollup backfill migration', () => {
  it('fills the hourly rollups from the stored calls exactly as the writer does', async () => {
    // The migrations as they were before the backfill, applied to a database the writer filled;
    // its hourly tables are then emptied, as an old gateway would have left them.
    const folder = mkdtempSync(join(tmpdir(), 'tollgate-backfill-'));
    try {
      const journal = JSON.parse(readFileSync('drizzle/meta/_journal.json', 'utf8'));
      const upTo = journal.entries.findIndex((entry: { tag: string }) => entry.tag.endsWith('backfill_hourly_rollups'));
      const before = join(folder, 'before');
      cpSync('drizzle', before, { recursive: true });
      const trimmed = { ...journal, entries: journal.entries.slice(0, upTo) };
      writeFileSync(join(before, 'meta/_journal.json'), JSON.stringify(trimmed));
      const rows = Array.from({ length: 400 }, (_, index) => ({
        id: `r${index}`,
        time: Date.UTC(2026, 5, 30, 20) + index * 61_000,
        tenantId: index % 5 === 0 ? null : `t${index % 3}`,
        keyId: `k${index % 4}`,
        kind: index % 2 ? 'chat' : ('prompt' as const),
        model: 'm',
        provider: 'p',
        promptName: index % 2 ? null : 'summary',
        promptVersion: index % 4 ? 1 : null,
        status: index % 9 === 0 ? 500 : 200,
        inputTokens: index,
        outputTokens: 2 * index,
        costNanoUsd: index % 7 === 0 ? null : 1_000 + index,
        costUnknown: index % 7 === 0,
        estimated: index % 3 === 0,
        latencyMs: 10,
        endUser: index % 2 ? `u${index % 3}` : null,
        tags: index % 3 ? '{"team":"a"}' : null,
      }));
      const tables = ['usage_hourly_tenant', 'usage_daily_tenant', 'usage_hourly_model', 'usage_hourly', 'usage_hourly_labels'];
      const dump = (client: Database.Database) => tables.map((table) => client.prepare(`SELECT * FROM ${table} ORDER BY 1, 2, 3`).all());

      const fresh = new Database(':memory:');
      migrate(drizzle(fresh), { migrationsFolder: 'drizzle' });
      const writer = new LedgerWriter(fresh, { flushMs: 1_000, batchSize: 1_000 });
      for (const row of rows) writer.append(row as never);
      await writer.close();

      const upgraded = new Database(':memory:');
      migrate(drizzle(upgraded), { migrationsFolder: before });
      // Today's writer also adds to the daily tenant level, which a later migration creates and
      // backfills from the hourly one: give it the table while it writes, then take it away.
      const dailyTable = readFileSync('drizzle/0010_usage_daily_tenant.sql', 'utf8').split('--> statement-breakpoint')[0];
      upgraded.exec(dailyTable);
      const oldWriter = new LedgerWriter(upgraded, { flushMs: 1_000, batchSize: 1_000 });
      for (const row of rows) oldWriter.append(row as never);
      await oldWriter.close();
      upgraded.exec('DROP TABLE usage_daily_tenant');
      for (const table of tables.filter((name) => name !== 'usage_daily_tenant')) upgraded.exec(`DELETE FROM ${table}`);
      migrate(drizzle(upgraded), { migrationsFolder: 'drizzle' });
      expect(dump(upgraded)).toEqual(dump(fresh));
      expect((dump(fresh)[0] as unknown[]).length).toBeGreaterThan(0);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
