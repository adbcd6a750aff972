/**
 * @module test/helpers/test-storage
 * Which database the e2e gateways keep their data in: SQLite alone (the default), or, with
 * `TOLLGATE_TEST_STORAGE=postgres` (the `postgres` vitest project sets it), also a fresh PostgreSQL
 * database in `storage.postgres`. The PostgreSQL database is paired with the gateway's SQLite file:
 * gateways sharing a file (two instances, a restart, the CLI) share the database, the way a real
 * installation shares one; an in-memory SQLite gets a database of its own. Every database a test
 * file made is dropped after the file (test-storage-setup.ts), so nothing is left on the server.
 *
 * Tests that read the database directly go through `queryStorage`, which asks whichever database
 * holds the data, so one assertion covers both passes.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { parseDocument } from 'yaml';
import { numberedParameters } from '../../src/storage/pg/pg-sql-reader.js';
import type { Dialect } from '../../src/storage/sql-reader.js';
import { freshPostgresDatabase, type FreshPostgres } from './postgres.js';

function chosenStorage(): Dialect {
  const value = process.env.TOLLGATE_TEST_STORAGE ?? 'sqlite';
  if (value !== 'sqlite' && value !== 'postgres') throw new Error(`TOLLGATE_TEST_STORAGE must be sqlite or postgres, not ${JSON.stringify(value)}`);
  return value;
}

export const testStorage: Dialect = chosenStorage();

/** The database paired with each SQLite file (by absolute path), made on first use. */
const databases = new Map<string, Promise<FreshPostgres>>();
let memoryDatabases = 0;

/** The PostgreSQL database paired with a SQLite file (absolute path, or `:memory:` for a new one). */
export function postgresPairedWith(sqlitePath: string): Promise<FreshPostgres> {
  const key = sqlitePath === ':memory:' ? `:memory:${++memoryDatabases}` : resolve(sqlitePath);
  let database = databases.get(key);
  if (!database) {
    database = freshPostgresDatabase();
    databases.set(key, database);
  }
  return database;
}

/**
 * A configuration's `storage` section for the chosen storage: unchanged on SQLite; on PostgreSQL
 * with `postgres` set to the database paired with its SQLite file (`folder` resolves a relative
 * path, as the gateway does), and an in-memory SQLite's spool in a folder of its own (its default
 * is one file per process, which gateways started in one test process would share).
 */
export async function storageForTest(storage: Record<string, unknown> = {}, folder = process.cwd()): Promise<Record<string, unknown>> {
  if (testStorage === 'sqlite' || storage.postgres !== undefined) return storage;
  const sqlite = typeof storage.sqlite === 'string' ? storage.sqlite : './data/tollgate.db';
  const inMemory = sqlite === ':memory:';
  const database = await postgresPairedWith(inMemory ? sqlite : resolve(folder, sqlite));
  const spool = inMemory && storage.ledgerSpool === undefined ? { ledgerSpool: join(mkdtempSync(join(tmpdir(), 'tollgate-test-spool-')), 'ledger.spool') } : {};
  return { ...storage, postgres: database.url, ...spool };
}

/** A YAML configuration file's text with `storage` set for the chosen storage (see `storageForTest`). */
export async function yamlForTest(yaml: string, configPath: string): Promise<string> {
  if (testStorage === 'sqlite') return yaml;
  const document = parseDocument(yaml);
  const storage = (document.get('storage') as { toJSON(): Record<string, unknown> } | undefined)?.toJSON() ?? {};
  document.set('storage', await storageForTest(storage, dirname(configPath)));
  return document.toString();
}

/**
 * Runs `sql` on the database a gateway on `sqlitePath` keeps its data in: the SQLite file, or its
 * paired PostgreSQL (which holds the ledger and the control plane alike when `storage.postgres` is
 * set). `sql` is written once for both: `?` parameters, and SQL both understand
 * (`sum(case when status = 200 then 1 else 0 end)`, not SQLite's `sum(status = 200)`).
 * PostgreSQL's bigint and numeric figures come back as numbers, as SQLite's do. SQLite is opened
 * read-only unless `write` is asked for.
 */
export async function queryStorage<Row = Record<string, unknown>>(
  sqlitePath: string,
  sql: string,
  params: readonly unknown[] = [],
  options: { write?: boolean } = {},
): Promise<Row[]> {
  if (testStorage === 'sqlite') {
    const database = new Database(sqlitePath, { readonly: options.write !== true });
    try {
      const statement = database.prepare(sql);
      return (statement.reader ? statement.all(...params) : (statement.run(...params), [])) as Row[];
    } finally {
      database.close();
    }
  }
  const paired = databases.get(resolve(sqlitePath));
  if (!paired) throw new Error(`no PostgreSQL database is paired with ${sqlitePath}: was a gateway started on it?`);
  const client = new pg.Client({ connectionString: (await paired).url });
  await client.connect();
  try {
    const numbers = (oid: number, format?: string) =>
      oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC ? Number : pg.types.getTypeParser(oid, format as 'text');
    const result = await client.query({ text: numberedParameters(sql), values: [...params], types: { getTypeParser: numbers } } as pg.QueryConfig);
    return result.rows as Row[];
  } finally {
    await client.end();
  }
}

/**
 * Every row of every table in the PostgreSQL database paired with `sqlitePath`, as text (to search
 * it for what must never be stored, such as raw keys); undefined when this run is SQLite's.
 */
export async function pairedPostgresText(sqlitePath: string): Promise<string | undefined> {
  if (testStorage === 'sqlite') return undefined;
  const paired = databases.get(resolve(sqlitePath));
  if (!paired) throw new Error(`no PostgreSQL database is paired with ${sqlitePath}: was a gateway started on it?`);
  const client = new pg.Client({ connectionString: (await paired).url });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>("select table_name as name from information_schema.tables where table_schema = 'public'");
    const texts: string[] = [];
    for (const { name } of tables.rows) {
      const rows = await client.query<{ row: string }>(`select t::text as row from "${name}" t`);
      texts.push(...rows.rows.map((row) => row.row));
    }
    return texts.join('\n');
  } finally {
    await client.end();
  }
}

/** Drops every database this test file made (registered for each file by test-storage-setup.ts). */
export async function dropTestDatabases(): Promise<void> {
  const made = [...databases.values()];
  databases.clear();
  const results = await Promise.allSettled(made.map(async (database) => (await database).drop()));
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
}
