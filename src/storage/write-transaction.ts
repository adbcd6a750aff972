/**
 * @module storage/write-transaction
 * Every multi-statement write (publishing a prompt, deleting a tenant, syncing the configuration,
 * importing prices) runs through here: a `BEGIN IMMEDIATE` transaction, which takes the write lock
 * before its first read. A default (deferred) transaction that reads first and writes second
 * cannot wait for the lock: if the ledger thread commits between its read and its write, SQLite
 * answers SQLITE_BUSY ("database is locked") at once, without calling the busy handler, because
 * waiting could never make the stale read valid again. Taking the lock up front lets the
 * connection's `busy_timeout` wait out the ledger's short transactions instead.
 * Single-statement writes need nothing: in autocommit mode SQLite waits for the lock on its own.
 */
import type { TollgateDatabase } from './database.js';

export type WriteTransaction = Parameters<Parameters<TollgateDatabase['transaction']>[0]>[0];

export function writeTransaction<T>(database: TollgateDatabase, work: (transaction: WriteTransaction) => T): T {
  return database.transaction(work, { behavior: 'immediate' });
}
