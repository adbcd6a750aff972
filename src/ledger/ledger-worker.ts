/**
 * @module ledger/ledger-worker
 * The ledger thread's body: its own connection to the database and a `LedgerWriter` on it. Rows
 * arrive in batches from `LedgerThread`; the writer's transactions (and SQLite's WAL checkpoints,
 * which can take tens of milliseconds) run here, never on the thread that serves requests.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openConnection } from '../storage/connection.js';
import { LedgerWriter } from './ledger-writer.js';
import type { LedgerRow } from './types.js';

export type LedgerThreadMessage = { type: 'rows'; rows: LedgerRow[] } | { type: 'sync'; id: number } | { type: 'close' };

const { path, flushMs, batchSize } = workerData as { path: string; flushMs: number; batchSize: number };
// The main thread opened the database first and applied the migrations: a bare connection will do.
const client = openConnection(path);
const writer = new LedgerWriter(client, { flushMs, batchSize });

parentPort!.on('message', (message: LedgerThreadMessage) => {
  if (message.type === 'rows') {
    for (const row of message.rows) writer.append(row);
    return;
  }
  if (message.type === 'sync') {
    writer.flush();
    parentPort!.postMessage({ type: 'synced', id: message.id });
    return;
  }
  writer.close().then(
    () => {
      client.close();
      parentPort!.postMessage({ type: 'closed', ok: true });
    },
    (error) => parentPort!.postMessage({ type: 'closed', ok: false, error: String(error) }),
  );
});
