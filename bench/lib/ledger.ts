/**
 * bench/lib/ledger.ts — reads the gateway's SQLite ledger (read-only, while it runs or after it
 * stopped) to check that every request sent became exactly one `calls` row.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';

export interface LedgerCount {
  rows: number;
  /** Rows per HTTP status, e.g. { "200": 12000, "499": 3 }. */
  byStatus: Record<string, number>;
}

export function countLedger(sqlitePath: string): LedgerCount {
  if (!existsSync(sqlitePath)) return { rows: 0, byStatus: {} };
  const database = new Database(sqlitePath, { readonly: true, fileMustExist: true });
  try {
    database.pragma('busy_timeout = 5000');
    const rows = database.prepare('SELECT status, count(*) AS n FROM calls GROUP BY status').all() as Array<{ status: number; n: number }>;
    const byStatus: Record<string, number> = {};
    for (const row of rows) byStatus[String(row.status)] = row.n;
    return { rows: rows.reduce((sum, row) => sum + row.n, 0), byStatus };
  } finally {
    database.close();
  }
}
