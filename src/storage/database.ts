/**
 * @module storage/database
 * Opens the SQLite database (better-sqlite3, WAL) and applies the committed drizzle migrations.
 * WAL lets readers (reports, the admin API, a CLI in another process) run while the ledger writes.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { openConnection } from './connection.js';
import * as schema from './schema.js';
import { assertSchemaNotNewer } from './schema-version.js';

export type TollgateDatabase = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export function openDatabase(path: string): TollgateDatabase {
  const client = openConnection(path);
  const folder = migrationsFolder();
  try {
    assertSchemaNotNewer(newestAppliedMigration(client), folder, `the database ${path}`);
  } catch (error) {
    client.close();
    throw error;
  }
  const database = drizzle(client, { schema }) as TollgateDatabase;
  migrate(database, { migrationsFolder: folder });
  return database;
}

/** The folder time of the newest migration applied to this database; undefined when none is. */
function newestAppliedMigration(client: Database.Database): number | undefined {
  const table = client.prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'").get();
  if (!table) return undefined;
  const newest = client.prepare('select max(created_at) as newest from __drizzle_migrations').get() as { newest: number | null };
  return newest.newest === null ? undefined : Number(newest.newest);
}

/**
 * The committed `drizzle/` folder (SQLite; PostgreSQL's is its `pg/` subfolder), found from here
 * whether running from `src/` or `dist/src/`.
 */
export function migrationsFolder(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 5; depth++) {
    const candidate = join(folder, 'drizzle');
    if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate;
    folder = dirname(folder);
  }
  throw new Error('the drizzle/ migrations folder was not found next to the installed Tollgate');
}
