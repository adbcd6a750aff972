/**
 * @module storage/transfer/transfer-tables
 * The tables `tollgate export` writes and `tollgate import` reads, in an order that satisfies every
 * reference (tenants before keys, calls before nothing). Both databases have the same tables and
 * column names (storage/schema.ts, storage/pg/schema.ts), so a row is copied column for column.
 */
import { getTableName } from 'drizzle-orm';
import * as schema from '../pg/schema.js';

export const transferTables: readonly string[] = [
  schema.tenants,
  schema.apiKeys,
  schema.prices,
  schema.promptVersions,
  schema.promptSubscriptions,
  schema.auditEvents,
  schema.alerts,
  schema.dashboardSessions,
  schema.changeCounters,
  schema.calls,
  schema.dailyRollups,
  schema.usageHourlyTenant,
  schema.usageHourlyModel,
  schema.usageHourly,
  schema.usageHourlyLabels,
  schema.perfHourly,
].map((table) => getTableName(table));

/** The first line of an export file. */
export interface ExportHeader {
  tollgate_export: 1;
  exported_at: string;
  /** The newest SQLite migration the exported database had. */
  schema: number | null;
}

/** Every other line: one row of one table, integers as decimal strings (exact beyond 2^53). */
export interface ExportLine {
  table: string;
  row: Record<string, string | number | null>;
}
