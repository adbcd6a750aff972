/**
 * @module ledger/ledger-worker
 * The ledger thread's body: its own connection to the database and a `LedgerWriter` on it. Rows
 * arrive in batches from `LedgerThread`; the writer's transactions (and SQLite's WAL checkpoints,
 * which can take tens of milliseconds) run here, never on the thread that serves requests.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../storage/database.js';
import { LedgerWriter } from './ledger-writer.js';
import type { LedgerRow } from './types.js';

export type LedgerThreadMessage = { type: 'rows'; rows: LedgerRow[] } | { type: 'close' };

const { path, flushMs, batchSize } = workerData as { path: string; flushMs: number; batchSize: number };
const database = openDatabase(path);
const writer = new LedgerWriter(database, { flushMs, batchSize });

parentPort!.on('message', (message: LedgerThreadMessage) => {
  if (message.type === 'rows') {
    for (const row of message.rows) writer.append(row);
    return;
  }
  writer.close().then(
    () => {
      database.$client.close();
      parentPort!.postMessage({ type: 'closed', ok: true });
    },
    (error) => parentPort!.postMessage({ type: 'closed', ok: false, error: String(error) }),
  );
});
