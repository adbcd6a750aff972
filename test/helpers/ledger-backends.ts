/**
 * @module test/helpers/ledger-backends
 * Runs a ledger test against each database Tollgate can keep its ledger in: SQLite (in memory,
 * the real `LedgerWriter`) and PostgreSQL (a fresh database of its own on the CI server, the real
 * `PgLedgerWriter`). A test written against `LedgerBackend` — rows in through `write`, answers out
 * through `reader` — shows both give the same answers.
 *
 * @example
 * describe.each(ledgerBackendNames)('usage on %s', (name) => {
 *   let backend: LedgerBackend;
 *   beforeAll(async () => { backend = await openLedgerBackend(name); await backend.write(rows); });
 *   afterAll(() => backend.close());
 * });
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LedgerWriter } from '../../src/ledger/ledger-writer.js';
import { PgLedgerWriter } from '../../src/ledger/pg/pg-ledger-writer.js';
import type { LedgerRow } from '../../src/ledger/types.js';
import { openDatabase } from '../../src/storage/database.js';
import { openPostgres } from '../../src/storage/pg/postgres-database.js';
import { postgresReader } from '../../src/storage/pg/pg-sql-reader.js';
import { sqliteReader, type Dialect, type SqlReader } from '../../src/storage/sql-reader.js';
import { freshPostgresDatabase } from './postgres.js';

export const ledgerBackendNames: readonly Dialect[] = ['sqlite', 'postgres'];

export interface LedgerBackend {
  name: Dialect;
  reader: SqlReader;
  /** Writes rows through the dialect's real ledger writer and waits until they are committed. */
  write(rows: readonly LedgerRow[]): Promise<void>;
  /** `EXPLAIN` of a read, as text, to check which tables it touches. */
  explain(sql: string, params: readonly unknown[]): Promise<string>;
  close(): Promise<void>;
}

export async function openLedgerBackend(name: Dialect): Promise<LedgerBackend> {
  if (name === 'sqlite') {
    const database = openDatabase(':memory:');
    return {
      name,
      reader: sqliteReader(database.$client, ':memory:'),
      async write(rows) {
        const writer = new LedgerWriter(database.$client, { flushMs: 1_000, batchSize: 700 });
        for (const row of rows) writer.append(row);
        await writer.close();
      },
      async explain(sql, params) {
        const steps = database.$client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>;
        return steps.map((step) => step.detail).join('\n');
      },
      async close() {
        database.$client.close();
      },
    };
  }
  const server = await freshPostgresDatabase();
  const database = await openPostgres(server.url);
  const folder = mkdtempSync(join(tmpdir(), 'tollgate-ledger-backend-'));
  const reader = postgresReader(database);
  return {
    name,
    reader,
    async write(rows) {
      const writer = new PgLedgerWriter(database, { flushMs: 50, batchSize: 700, spoolPath: join(folder, 'spool') });
      for (const row of rows) writer.append(row);
      await writer.close();
      if (writer.spooledRows > 0) throw new Error('PostgreSQL did not take the rows (they were spooled)');
    },
    async explain(sql, params) {
      const plan = await reader.all<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params);
      return plan.map((line) => line['QUERY PLAN']).join('\n');
    },
    async close() {
      await database.$client.end();
      await server.drop();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
