import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { describe, expect, it } from 'vitest';
import { freshPostgresDatabase } from '../../../test/helpers/postgres.js';
import { PgLedgerWriter } from '../../ledger/pg/pg-ledger-writer.js';
import type { LedgerRow } from '../../ledger/types.js';
import { connectPostgres, migratePostgres, postgresMigrationsFolder, type PostgresDatabase } from './postgres-database.js';

/**
 * A PostgreSQL ledger written before the daily tenant level existed (migrations up to 0001) gets
 * that level from the backfill in migration 0002, equal to what today's writer keeps: reports by
 * tenant and UTC day then read the same figures from old rows as from new ones.
 */
describe('the daily tenant rollup backfill on PostgreSQL', () => {
  it('fills usage_daily_tenant from the hourly tenant level exactly as the writer does', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tollgate-pg-backfill-'));
    const fresh = await freshPostgresDatabase();
    const upgraded = await freshPostgresDatabase();
    const freshDb = connectPostgres(fresh.url);
    const upgradedDb = connectPostgres(upgraded.url);
    try {
      const rows: LedgerRow[] = Array.from({ length: 400 }, (_, index) => ({
        id: `r${index}`,
        time: Date.UTC(2026, 5, 30, 20) + index * 611_000, // three UTC days
        tenantId: index % 5 === 0 ? null : `t${index % 3}`,
        keyId: `k${index % 4}`,
        kind: 'chat',
        model: 'm',
        provider: 'p',
        status: index % 9 === 0 ? 500 : 200,
        inputTokens: index,
        outputTokens: 2 * index,
        costNanoUsd: index % 7 === 0 ? null : 1_000 + index,
        costUnknown: index % 7 === 0,
        estimated: index % 3 === 0,
        latencyMs: 10,
      }));
      const write = async (database: PostgresDatabase, spool: string) => {
        const writer = new PgLedgerWriter(database, { flushMs: 50, batchSize: 1_000, spoolPath: join(folder, spool) });
        for (const row of rows) writer.append(row);
        await writer.close();
        expect(writer.spooledRows).toBe(0);
      };
      const daily = async (database: PostgresDatabase) =>
        (await database.$client.query({ text: 'SELECT * FROM usage_daily_tenant ORDER BY day, tenant_id', rowMode: 'array' })).rows;

      await migratePostgres(freshDb);
      await write(freshDb, 'fresh');

      // The migrations as they were before 0002; today's writer also adds to the daily level, so it
      // gets the table while it writes, and loses it again as an old gateway would have left things.
      const before = join(folder, 'before');
      cpSync(postgresMigrationsFolder(), before, { recursive: true });
      const journal = JSON.parse(readFileSync(join(before, 'meta/_journal.json'), 'utf8'));
      const upTo = journal.entries.findIndex((entry: { tag: string }) => entry.tag.startsWith('0002_'));
      writeFileSync(join(before, 'meta/_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, upTo) }));
      await migrate(drizzle(upgradedDb.$client), { migrationsFolder: before });
      const dailyTable = readFileSync(join(before, '0002_daily_tenant_and_body_capture.sql'), 'utf8').split('--> statement-breakpoint')[0];
      await upgradedDb.$client.query(dailyTable);
      await write(upgradedDb, 'upgraded');
      await upgradedDb.$client.query('DROP TABLE usage_daily_tenant');

      expect((await migratePostgres(upgradedDb)).applied).toBeGreaterThan(0);
      const expected = await daily(freshDb);
      expect(expected.length).toBeGreaterThan(6);
      expect(await daily(upgradedDb)).toEqual(expected);
    } finally {
      await freshDb.$client.end();
      await upgradedDb.$client.end();
      await fresh.drop();
      await upgraded.drop();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
