/**
 * @module storage/read-connection
 * Read-only connections for long reads (a streamed report export). better-sqlite3 keeps a
 * connection busy while an iterator is open, so a stream that spans many event-loop turns must
 * not hold the gateway's shared connection; in WAL mode a read connection sees a consistent
 * snapshot while the ledger goes on writing. A few idle connections per file are kept for reuse
 * (opening one and reading the schema costs more than many a report). An in-memory database
 * cannot be opened twice: callers read it through the shared connection instead, all at once.
 */
import Database from 'better-sqlite3';

const idle = new Map<string, Database.Database[]>();
const maxIdlePerPath = 2;

export interface ReadConnection {
  client: Database.Database;
  /** Gives the connection back for reuse (or closes it). Call once, after the last read. */
  release(): void;
}

export function acquireReadConnection(path: string): ReadConnection | undefined {
  if (path === ':memory:' || path === '') return undefined;
  const pool = idle.get(path) ?? [];
  idle.set(path, pool);
  let client = pool.pop();
  if (!client || !client.open) {
    client = new Database(path, { readonly: true, fileMustExist: true });
    client.pragma('busy_timeout = 5000');
  }
  const held = client;
  let released = false;
  return {
    client: held,
    release() {
      if (released) return;
      released = true;
      if (pool.length < maxIdlePerPath && held.open) pool.push(held);
      else held.close();
    },
  };
}

/** Closes the idle connections of `path` (at shutdown, before the database file goes away). */
export function closeReadConnections(path: string): void {
  for (const client of idle.get(path) ?? []) client.close();
  idle.delete(path);
}
