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

export type LedgerThreadMessage = { type: 'rows'; rows: LedgerRow[] } | { type: 'close' };

/** What the thread reports about itself once a second, for the metrics and `/readyz`. */
export interface LedgerThreadStats {
  type: 'stats';
  pending: number;
  spooled: number;
  dropped: number;
  /** Seconds each transaction took since the last report, and whether it committed. */
  flushes: Array<[seconds: number, ok: boolean]>;
}

const statsIntervalMs = 1_000;

const { path, flushMs, batchSize } = workerData as { path: string; flushMs: number; batchSize: number };
// The main thread opened the database first and applied the migrations: a bare connection will do.
const client = openConnection(path);
let flushes: LedgerThreadStats['flushes'] = [];
const writer = new LedgerWriter(client, { flushMs, batchSize, onFlush: (seconds, ok) => flushes.length < 10_000 && flushes.push([seconds, ok]) });
let lastReport = '';
const reporter = setInterval(() => {
  const stats: LedgerThreadStats = { type: 'stats', pending: writer.pendingRows, spooled: writer.spooledRows, dropped: writer.droppedRows, flushes };
  const summary = `${stats.pending}/${stats.spooled}/${stats.dropped}`;
  if (flushes.length === 0 && summary === lastReport) return;
  lastReport = summary;
  flushes = [];
  parentPort!.postMessage(stats);
}, statsIntervalMs);
reporter.unref();

parentPort!.on('message', (message: LedgerThreadMessage) => {
  if (message.type === 'rows') {
    for (const row of message.rows) writer.append(row);
    return;
  }
  clearInterval(reporter);
  writer.close().then(
    () => {
      client.close();
      parentPort!.postMessage({ type: 'closed', ok: true });
    },
    (error) => parentPort!.postMessage({ type: 'closed', ok: false, error: String(error) }),
  );
});
