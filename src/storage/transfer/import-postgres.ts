/**
 * @module storage/transfer/import-postgres
 * `tollgate import FILE`: loads an export (export-sqlite.ts) into PostgreSQL, in one transaction —
 * all of it or, on any error, none of it. The database must be empty of Tollgate data (no tenant,
 * key or call), so an import never mixes two histories; PostgreSQL itself checks each value
 * (a column the export lacks takes its default). Rows go in as multi-row inserts of a few thousand;
 * the months of `calls` get their partitions first, and the audit trail's id sequence is moved
 * past the imported ids.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type pg from 'pg';
import { MonthPartitions } from '../../ledger/pg/month-partitions.js';
import type { PostgresDatabase } from '../pg/postgres-database.js';
import { transferTables, type ExportHeader, type ExportLine } from './transfer-tables.js';

export class ImportError extends Error {}

const maxParameters = 30_000;

interface PendingTable {
  table: string;
  columns: string[];
  rows: unknown[][];
}

export async function importIntoPostgres(database: PostgresDatabase, file: string): Promise<{ rows: Record<string, number> }> {
  const client = await database.$client.connect();
  const counts: Record<string, number> = {};
  const partitions = new MonthPartitions();
  try {
    await client.query('BEGIN');
    await refuseUnlessEmpty(client);
    let pending: PendingTable | undefined;
    const flush = async () => {
      if (!pending || pending.rows.length === 0) return;
      if (pending.table === 'calls') {
        const timeIndex = pending.columns.indexOf('time');
        await partitions.ensure(client, pending.rows.map((row) => Number(row[timeIndex])));
      }
      await insertRows(client, pending);
      pending.rows = [];
    };
    let lineNumber = 0;
    for await (const text of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })) {
      lineNumber += 1;
      if (text === '') continue;
      const parsed = parseLine(text, lineNumber);
      if (lineNumber === 1) {
        if ((parsed as ExportHeader).tollgate_export !== 1) throw new ImportError(`${file} is not a Tollgate export (its first line has no "tollgate_export": 1)`);
        continue;
      }
      const { table, row } = parsed as ExportLine;
      if (!transferTables.includes(table) || row === null || typeof row !== 'object') throw new ImportError(`line ${lineNumber}: no table "${String(table)}" to import into`);
      const columns = Object.keys(row);
      if (!pending || pending.table !== table || pending.columns.join() !== columns.join()) {
        await flush();
        pending = { table, columns, rows: [] };
      }
      pending.rows.push(columns.map((column) => row[column]));
      counts[table] = (counts[table] ?? 0) + 1;
      if (pending.rows.length * columns.length >= maxParameters) await flush();
    }
    if (lineNumber === 0) throw new ImportError(`${file} is empty`);
    await flush();
    await client.query(`SELECT setval(pg_get_serial_sequence('audit_events', 'id'), coalesce(max(id), 0) + 1, false) FROM audit_events`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  return { rows: counts };
}

function parseLine(text: string, lineNumber: number): ExportHeader | ExportLine {
  try {
    return JSON.parse(text) as ExportHeader | ExportLine;
  } catch {
    throw new ImportError(`line ${lineNumber} is not JSON`);
  }
}

async function refuseUnlessEmpty(client: pg.PoolClient): Promise<void> {
  const result = await client.query(
    'SELECT (SELECT count(*) FROM tenants) + (SELECT count(*) FROM api_keys) + (SELECT count(*) FROM calls) + (SELECT count(*) FROM daily_rollups) AS n',
  );
  if (Number(result.rows[0].n) > 0) {
    throw new ImportError('the PostgreSQL database already holds tenants, keys or calls; import into an empty database (after `tollgate migrate`)');
  }
}

async function insertRows(client: pg.PoolClient, pending: PendingTable): Promise<void> {
  const width = pending.columns.length;
  const placeholders = pending.rows.map((_, row) => `(${pending.columns.map((__, column) => `$${row * width + column + 1}`).join(', ')})`);
  const columns = pending.columns.map((column) => `"${column.replaceAll('"', '""')}"`).join(', ');
  // Reusing text parameters: booleans arrive as 0/1, JSON columns as JSON text; PostgreSQL casts both.
  await client.query(`INSERT INTO ${pending.table} (${columns}) VALUES ${placeholders.join(', ')}`, pending.rows.flat());
}
