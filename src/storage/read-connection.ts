/**
 * @module storage/read-connection
 * A separate read-only connection for one long read (a streamed report export). better-sqlite3
 * keeps a connection busy while an iterator is open, so a stream that spans many event-loop turns
 * must not hold the gateway's shared connection; in WAL mode this one reads a consistent snapshot
 * while the ledger goes on writing. An in-memory database cannot be opened twice: callers read it
 * through the shared connection instead, all at once.
 */
import Database from 'better-sqlite3';

export function openReadConnection(path: string): Database.Database | undefined {
  if (path === ':memory:' || path === '') return undefined;
  const client = new Database(path, { readonly: true, fileMustExist: true });
  client.pragma('busy_timeout = 5000');
  return client;
}
