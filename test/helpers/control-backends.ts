/**
 * @module test/helpers/control-backends
 * Runs a control-plane store test against each database Tollgate can keep it in: the SQLite file
 * the test already has, and PostgreSQL (a fresh database of its own on the CI server, migrated).
 *
 * @example
 * describe.each(controlBackendNames)('alerts on %s', (name) => {
 *   let backend: ControlBackend;
 *   beforeEach(async () => { backend = await openControlBackend(name, sqliteClient); });
 *   afterEach(() => backend.close());
 * });
 */
import type Database from 'better-sqlite3';
import { postgresControlSql, sqliteControlSql, type ControlSql } from '../../src/storage/control-sql.js';
import { openPostgres, type PostgresDatabase } from '../../src/storage/pg/postgres-database.js';
import type { Dialect } from '../../src/storage/sql-reader.js';
import { freshPostgresDatabase } from './postgres.js';

export const controlBackendNames: readonly Dialect[] = ['sqlite', 'postgres'];

export interface ControlBackend {
  name: Dialect;
  /** A new handle on the same records (as a second gateway would open). */
  connect(): ControlSql;
  postgres?: PostgresDatabase;
  close(): Promise<void>;
}

/** `openSqlite` opens another connection to the test's SQLite file. */
export async function openControlBackend(name: Dialect, openSqlite: () => Database.Database): Promise<ControlBackend> {
  if (name === 'sqlite') {
    const clients: Database.Database[] = [];
    return {
      name,
      connect: () => {
        const client = openSqlite();
        clients.push(client);
        return sqliteControlSql(client);
      },
      close: async () => clients.forEach((client) => client.close()),
    };
  }
  const server = await freshPostgresDatabase();
  const postgres = await openPostgres(server.url);
  return {
    name,
    postgres,
    connect: () => postgresControlSql(postgres),
    close: async () => {
      await postgres.$client.end();
      await server.drop();
    },
  };
}
