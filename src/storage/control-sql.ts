/**
 * @module storage/control-sql
 * The few control-plane records that are queried rather than held in memory — alerts, dashboard
 * sessions — are written in SQL both databases accept (`?` parameters, `ON CONFLICT`, `UPDATE ...
 * WHERE`), and run through this interface: on SQLite synchronously underneath, on PostgreSQL
 * (`storage.postgres`, shared by every instance) over the pool. Callers await either; they do not
 * know which database is behind it.
 */
import type Database from 'better-sqlite3';
import { numberedParameters } from './pg/pg-sql-reader.js';
import type { PostgresDatabase } from './pg/postgres-database.js';

export type SqlValue = string | number | null;

export interface ControlSql {
  all<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  /** Runs a change; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

export function sqliteControlSql(client: Database.Database): ControlSql {
  return {
    all: async <Row>(sql: string, params: readonly SqlValue[] = []) => client.prepare(sql).all(...params) as Row[],
    run: async (sql, params = []) => client.prepare(sql).run(...params).changes,
  };
}

export function postgresControlSql(database: PostgresDatabase): ControlSql {
  return {
    all: async <Row>(sql: string, params: readonly SqlValue[] = []) => (await database.$client.query(numberedParameters(sql), [...params])).rows as Row[],
    run: async (sql, params = []) => (await database.$client.query(numberedParameters(sql), [...params])).rowCount ?? 0,
  };
}
