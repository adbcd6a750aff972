/**
 * @module ledger/ledger-thread
 * The ledger, written from a worker thread. `append` costs the request path one array push; the
 * rows are handed to the thread within `handOverMs` (or as soon as `handOverRows` wait), and the
 * thread's own `LedgerWriter` batches them into transactions every `flushMs` (or `batchSize`
 * rows). Profiles showed the synchronous SQLite transaction — and the WAL checkpoints it sometimes
 * runs, up to ~30 ms — blocking the event loop and so every request's p99; on its own thread it no
 * longer does. The hand-over is quicker than the flush interval on purpose: a row kept here for
 * 200 ms outlives two young-generation collections and is promoted to the old space, where it
 * waits as garbage for the next full collection (heap profile under load). It is not quicker
 * still because posting costs too: at saturation a 10 ms hand-over put 3.8% of the CPU profile in
 * `postMessage`, 50 ms 2.6%. `close()` posts what is left and resolves once the thread has written
 * everything.
 *
 * With a journal (`ledger-journal.ts`), each row is also appended to a local file before its call
 * is answered, and the rows go to the thread as that same JSON text (one string per hand-over,
 * parsed there, rather than a structured clone of every row); the thread says when it has
 * committed a hand-over, so the journal can drop what it no longer needs.
 *
 * The thread starts with the first hand-over (or `written()` with rows waiting), not with the
 * gateway: a thread is a V8 isolate, a Node environment and a second SQLite connection, ~10 MB of
 * an idle gateway's 120 MB RSS (bench configuration, measured with the thread and without). The
 * rows of the first calls wait in `pending` and in the journal while it starts, as any rows do.
 */
import type { Worker } from 'node:worker_threads';
import { logger } from '../logging/logger.js';
import { siblingModule, startModuleWorker } from '../threads/start-module-worker.js';
import { LedgerJournal } from './ledger-journal.js';
import type { LedgerThreadMessage, LedgerThreadReply, LedgerThreadStats } from './ledger-worker.js';
import type { LedgerRow } from './types.js';

export interface LedgerThreadOptions {
  /** The SQLite file (a file, not `:memory:`: the thread opens its own connection). */
  path: string;
  flushMs: number;
  batchSize: number;
  /** Told how long each of the thread's transactions took (reported once a second). */
  onFlush?: (seconds: number, ok: boolean) => void;
  /** The folder of the crash journal; none when absent. */
  journal?: string;
}

/** Rows wait on the request thread at most this long (or until this many wait): see the module comment. */
const handOverMs = 50;
const handOverRows = 256;
/**
 * The thread's young generation, in MB. It only receives batches and writes them, so a small
 * one serves it; V8's default (up to 3 × 16 MB) would stay resident for nothing.
 */
const threadYoungGenerationMb = 4;

export class LedgerThread {
  /** Started by the first hand-over (see the module comment). */
  private worker: Worker | undefined;
  /** Rows waiting for the hand-over, as JSON lines. */
  private pending: string[] = [];
  private readonly journal: LedgerJournal | undefined;
  private batch = 0;
  private readonly timer: NodeJS.Timeout;
  private flushScheduled = false;
  private closing: Promise<void> | undefined;
  private exited = false;
  private threadStats: Omit<LedgerThreadStats, 'type' | 'flushes'> = { pending: 0, spooled: 0, dropped: 0 };
  private nextSyncId = 1;
  private readonly syncs = new Map<number, () => void>();

  constructor(private readonly options: LedgerThreadOptions) {
    this.journal = options.journal === undefined ? undefined : new LedgerJournal(options.journal);
    this.timer = setInterval(() => this.flush(), Math.min(options.flushMs, handOverMs));
    this.timer.unref();
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const { path, flushMs, batchSize } = this.options;
    const worker = startModuleWorker(siblingModule(import.meta.url, 'ledger-worker'), { path, flushMs, batchSize }, { maxYoungGenerationSizeMb: threadYoungGenerationMb });
    worker.on('message', (message: LedgerThreadReply | LedgerThreadStats) => this.received(message));
    worker.on('error', (error) => logger.error('ledger thread failed', { error: String(error) }));
    worker.on('exit', (code) => {
      this.exited = true;
      if (!this.closing) logger.error('ledger thread exited unexpectedly', { code, pendingRows: this.pending.length });
    });
    this.worker = worker;
    return worker;
  }

  private received(message: LedgerThreadReply | LedgerThreadStats): void {
    switch (message.type) {
      case 'written':
        this.journal?.written(message.batch);
        return;
      case 'synced':
        this.syncs.get(message.id)?.();
        this.syncs.delete(message.id);
        return;
      case 'stats':
        this.threadStats = { pending: message.pending, spooled: message.spooled, dropped: message.dropped };
        for (const [seconds, ok] of message.flushes) this.options.onFlush?.(seconds, ok);
        return;
      default:
        // `closed` is awaited by close().
        return;
    }
  }

  /**
   * Resolves once the rows appended so far are written (or after `timeoutMs`, whichever is first):
   * the call log and usage reports wait for it, so a call that just ended is in the answer.
   */
  written(timeoutMs = 1_000): Promise<void> {
    if (this.exited || this.closing) return Promise.resolve();
    this.flush();
    // No thread yet: no row was ever appended, so none is unwritten.
    if (!this.worker) return Promise.resolve();
    const id = this.nextSyncId++;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.syncs.delete(id);
        resolve();
      }, timeoutMs);
      this.syncs.set(id, () => {
        clearTimeout(timer);
        resolve();
      });
      this.post({ type: 'sync', id });
    });
  }

  get pendingRows(): number {
    return this.pending.length;
  }

  /** Rows waiting here for the hand-over, and in the thread (as of its last report, within a second). */
  backlog(): { handover: number; writer: number; spool: number; dropped: number } {
    return { handover: this.pending.length, writer: this.threadStats.pending, spool: this.threadStats.spooled, dropped: this.threadStats.dropped };
  }

  append(row: LedgerRow): void {
    const line = JSON.stringify(row);
    this.journal?.record(line);
    this.pending.push(line);
    if (this.pending.length >= handOverRows && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.flush();
      });
    }
  }

  /** Posts the waiting rows to the thread. */
  flush(): void {
    if (this.pending.length === 0 || this.exited) return;
    const lines = this.pending.join('\n');
    this.pending = [];
    this.batch += 1;
    this.post({ type: 'rows', lines, batch: this.batch });
    this.journal?.handedOver(this.batch);
  }

  /** Posts what is left and waits for the thread to write it all and close its connection. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve, reject) => {
      clearInterval(this.timer);
      this.flush();
      // Rows the thread could not write stay in the journal, for the next start to replay.
      const fail = (error: Error) => {
        this.journal?.release();
        reject(error);
      };
      if (this.exited) {
        fail(new Error('the ledger thread had already exited'));
        return;
      }
      const worker = this.worker;
      if (!worker) {
        // Never started: no row was appended, nothing is left to write.
        this.journal?.discard();
        resolve();
        return;
      }
      let answered = false;
      worker.on('message', (message: LedgerThreadReply) => {
        if (message.type !== 'closed') return;
        answered = true;
        void worker.terminate();
        if (!message.ok) {
          fail(new Error(`the ledger thread could not write every row: ${message.error}`));
          return;
        }
        // Rows the thread dropped (a queue full during a long outage) are still in the journal: keep it.
        if (message.droppedRows) this.journal?.release();
        else this.journal?.discard();
        resolve();
      });
      // A thread that dies before answering must not leave shutdown waiting forever.
      worker.once('exit', () => {
        if (!answered) fail(new Error('the ledger thread exited before writing every row'));
      });
      this.post({ type: 'close' });
    });
    return this.closing;
  }

  private post(message: LedgerThreadMessage): void {
    this.thread().postMessage(message);
  }
}
