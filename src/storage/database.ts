/**
 * @module storage/database
 * Opens the SQLite database (better-sqlite3, WAL) and applies the committed drizzle migrations.
 * WAL lets readers (reports, the admin API, a CLI in another process) run while the ledger writes.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';

export type TollgateDatabase = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export function openDatabase(path: string): TollgateDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const client = new Database(path);
  client.pragma('journal_mode = WAL');
  // NORMAL is durable across process crashes in WAL mode; only an OS crash can lose the last commits.
  client.pragma('synchronous = NORMAL');
  client.pragma('busy_timeout = 5000');
  client.pragma('foreign_keys = ON');
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
