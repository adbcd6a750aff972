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

/** Rows arrive as JSON lines (the journal's text), numbered by hand-over. */
export type LedgerThreadMessage = { type: 'rows'; lines: string; batch: number } | { type: 'sync'; id: number } | { type: 'close' };
/** `written`: every hand-over up to `batch` is committed (or refused and logged). */
/** `synced`: every row posted before the `sync` of that id is committed. */
export type LedgerThreadReply = { type: 'written'; batch: number } | { type: 'synced'; id: number } | { type: 'closed'; ok: boolean; error?: string; droppedRows?: number };

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
let received = 0;
let reported = 0;
const writer = new LedgerWriter(client, {
  flushMs,
  batchSize,
  onFlush: (seconds, ok) => flushes.length < 10_000 && flushes.push([seconds, ok]),
  onDrained: () => {
    // Rows dropped from a full queue are only in the journal now: it must stay, for a replay.
    if (received === reported || writer.droppedRows > 0) return;
    reported = received;
    parentPort!.postMessage({ type: 'written', batch: received } satisfies LedgerThreadReply);
  },
});
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
    for (const line of message.lines.split('\n')) writer.append(JSON.parse(line) as LedgerRow);
    received = message.batch;
    return;
  }
  if (message.type === 'sync') {
    writer.flush();
    parentPort!.postMessage({ type: 'synced', id: message.id });
    return;
  }
  clearInterval(reporter);
  writer.close().then(
    () => {
      client.close();
      parentPort!.postMessage({ type: 'closed', ok: true, droppedRows: writer.droppedRows } satisfies LedgerThreadReply);
    },
    (error) => parentPort!.postMessage({ type: 'closed', ok: false, error: String(error) }),
  );
});
