/**
 * @module storage/transfer/export-sqlite
 * `tollgate export`: every table of the embedded SQLite database as JSON lines (a header, then one
 * line per row), read in a single transaction so the file is one consistent snapshot even while a
 * gateway keeps writing. Rows are streamed to the file, never held all at once; integers are
 * written as decimal strings so that no figure is rounded.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { transferTables, type ExportHeader } from './transfer-tables.js';

export interface ExportResult {
  rows: Record<string, number>;
}

function jsonValue(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** Writes the export to `fd` (a file, or 1 for standard output). */
export function exportSqlite(client: Database.Database, fd: number): ExportResult {
  const rows: Record<string, number> = {};
  const buffer: string[] = [];
  let buffered = 0;
  const write = (line: string) => {
    buffer.push(line);
    buffered += line.length;
    if (buffered < 1 << 20) return;
    writeSync(fd, buffer.join(''));
    buffer.length = 0;
    buffered = 0;
  };
  client.transaction(() => {
    const newest = client.prepare('select max(created_at) as newest from __drizzle_migrations').get() as { newest: number | null };
    const header: ExportHeader = { tollgate_export: 1, exported_at: new Date().toISOString(), schema: newest.newest === null ? null : Number(newest.newest) };
    write(`${JSON.stringify(header)}\n`);
    for (const table of transferTables) {
      let count = 0;
      for (const row of client.prepare(`SELECT * FROM ${table}`).safeIntegers(true).iterate()) {
        write(`${JSON.stringify({ table, row }, jsonValue)}\n`);
        count += 1;
      }
      rows[table] = count;
    }
  })();
  if (buffer.length > 0) writeSync(fd, buffer.join(''));
  return { rows };
}

/** Opens `path` for a new export (refusing to overwrite one). */
export function openExportFile(path: string): number {
  return openSync(path, 'wx');
}

export function closeExportFile(fd: number): void {
  closeSync(fd);
}
