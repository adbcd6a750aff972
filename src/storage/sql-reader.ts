/**
 * @module storage/sql-reader
 * How reports, budgets and the call log read the ledger without knowing which database holds it:
 * SQL text with `?` parameters (the dialect-specific parts, such as walking a JSON object, are
 * chosen by the builders from `dialect`), answered asynchronously. `exact` reads integer figures
 * as BigInt, so sums of money stay exact whatever their size. SQLite answers from the gateway's
 * connection at once, or streams a long read from a read-only connection of its own
 * (read-connection.ts); PostgreSQL's twin is `pg/pg-sql-reader.ts`.
 */
import type Database from 'better-sqlite3';
import { acquireReadConnection } from './read-connection.js';

export type Dialect = 'sqlite' | 'postgres';

export type SqlRow = Record<string, unknown>;

export interface ReadOptions {
  /** Integers as BigInt (SQLite's `safeIntegers`; PostgreSQL's numeric and bigint). */
  exact?: boolean;
}

export interface SqlReader {
  readonly dialect: Dialect;
  all<Row = SqlRow>(sql: string, params: readonly unknown[], options?: ReadOptions): Promise<Row[]>;
  /** A read that may be long (a report export): streamed where the database allows. */
  iterate<Row = SqlRow>(sql: string, params: readonly unknown[], options?: ReadOptions): AsyncIterable<Row>;
}

/** Over the gateway's SQLite connection; `path` (a file) lets long reads use a connection of their own. */
export function sqliteReader(client: Database.Database, path: string): SqlReader {
  return {
    dialect: 'sqlite',
    async all<Row>(sql: string, params: readonly unknown[], options: ReadOptions = {}) {
      return client.prepare(sql).safeIntegers(options.exact === true).all(...params) as Row[];
    },
    async *iterate<Row>(sql: string, params: readonly unknown[], options: ReadOptions = {}) {
      const reader = acquireReadConnection(path);
      try {
        const statement = (reader?.client ?? client).prepare(sql).safeIntegers(options.exact === true);
        // An in-memory database is read through the shared connection, so all at once.
        const rows = reader ? (statement.iterate(...params) as Iterable<Row>) : (statement.all(...params) as Row[]);
        let count = 0;
        for (const row of rows) {
          yield row;
          // Let the event loop breathe during a long export.
          if (++count % 2_000 === 0) await new Promise((resolve) => setImmediate(resolve));
        }
      } finally {
        reader?.release();
      }
    },
  };
}

/** `json_each` over a text column holding a JSON object (or ''), as a table of `key`, `value`. */
export function jsonObjectEntries(dialect: Dialect, column: string): string {
  return dialect === 'sqlite' ? `json_each(NULLIF(${column}, ''))` : `jsonb_each_text(NULLIF(${column}, '')::jsonb)`;
}

/** A LEFT JOIN of such entries, aliased `alias`: one row per entry, or one with nulls when none. */
export function leftJoinJsonEntries(dialect: Dialect, column: string, alias: string): string {
  return dialect === 'sqlite' ? ` LEFT JOIN ${jsonObjectEntries(dialect, column)} AS ${alias}` : ` LEFT JOIN LATERAL ${jsonObjectEntries(dialect, column)} AS ${alias} ON true`;
}

/** Text ordered byte by byte in both databases (SQLite's BINARY; PostgreSQL's database collation would differ). */
export function byteOrder(dialect: Dialect, expression: string): string {
  return dialect === 'sqlite' ? expression : `${expression} COLLATE "C"`;
}
