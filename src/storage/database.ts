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

export type TollgateDatabase = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export function openDatabase(path: string): TollgateDatabase {
  const client = openConnection(path);
  const database = drizzle(client, { schema }) as TollgateDatabase;
  migrate(database, { migrationsFolder: migrationsFolder() });
  return database;
}

/** The committed `drizzle/` folder, found from here whether running from `src/` or `dist/src/`. */
function migrationsFolder(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 5; depth++) {
    const candidate = join(folder, 'drizzle');
    if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate;
    folder = dirname(folder);
  }
  throw new Error('the drizzle/ migrations folder was not found next to the installed Tollgate');
}
