/**
 * @module ledger/ledger-writer
 * Writes ledger rows to SQLite in batches, off the request path. `append` only pushes to an
 * in-memory queue; a flush (every `flushMs`, or on the next tick once `batchSize` rows wait)
 * inserts the rows and adds them to every rollup (`rollup-targets.ts`) in one transaction, so the totals always
 * match the rows. A failed flush keeps every row queued and is retried on the next tick; an id
 * already in `calls` is skipped and not counted twice. A crash loses at most the rows queued since
 * the last flush; `close()` writes everything.
 *
 * @example
 * const ledger = new LedgerWriter(db.$client, { flushMs: 1000, batchSize: 500 });
 * ledger.append(row);          // never waits for SQLite
 * await ledger.close();        // at shutdown, after the server has drained
 */
import type { Database, Statement, Transaction } from 'better-sqlite3';
import { logger } from '../logging/logger.js';
import { callColumns, LedgerRowError, toCallParams } from './call-params.js';
import { rollupIncrements, rollupTargets, upsertSql } from './rollup-targets.js';
import { ThrottledErrorLog } from './throttled-error-log.js';
import type { LedgerRow } from './types.js';

export interface LedgerWriterOptions {
  /** Rows wait at most this long in memory; also the retry interval after a failed flush. */
  flushMs: number;
  /** This many queued rows start a flush on the next tick, without waiting for the timer. */
  batchSize: number;
  /**
   * Bound on the queue while the database refuses writes (default 100,000). A row appended to a
   * full queue is not kept: it is logged in full (`ledger row dropped`) and counted in `droppedRows`.
   */
  maxPendingRows?: number;
  /**
   * How long a flush may wait for another process's write lock (default 100 ms). A wait blocks
   * the event loop, so it is kept far below the connection's own `busy_timeout`; when it runs out
   * the rows stay queued for the next tick. `close()` uses the connection's own timeout.
   */
  busyTimeoutMs?: number;
  /** Told how long each transaction took and whether it committed (the flush-time metric). */
  onFlush?: (seconds: number, ok: boolean) => void;
  /** Called after a write that left the queue empty: every row appended so far is in the database (or was refused and logged). */
  onDrained?: () => void;
}

interface WriteResult {
  refused: Array<{ row: LedgerRow; error: string }>;
}

const defaultMaxPendingRows = 100_000;
const defaultBusyTimeoutMs = 100;
/** A backlog (after an outage) is written in transactions of this many rows, yielding in between. */
const minRowsPerTransaction = 1_000;
const failureLogIntervalMs = 30_000;
const closeAttempts = 3;
const closeRetryDelayMs = 250;

export class LedgerWriter {
  private readonly client: Database;
  private readonly insertCall: Statement;
  private readonly upsertRollup: Map<string, Statement>;
  private readonly writeRows: Transaction<(rows: LedgerRow[]) => WriteResult>;
  private readonly batchSize: number;
  private readonly maxPendingRows: number;
  private readonly busyTimeoutMs: number;
  private readonly rowsPerTransaction: number;
  private readonly onDrained: (() => void) | undefined;
  private readonly failureLog = new ThrottledErrorLog(
    'ledger flush failed; rows kept for retry',
    'ledger flush recovered',
    failureLogIntervalMs,
  );
  private queue: LedgerRow[] = [];
  private readonly timer: NodeJS.Timeout;
  private immediate: NodeJS.Immediate | undefined;
  /** The last flush failed: wait for the timer instead of retrying on every append. */
  private failing = false;
  private closing: Promise<void> | undefined;
  private dropped = 0;
  private refused = 0;
  private readonly onFlush: ((seconds: number, ok: boolean) => void) | undefined;

  constructor(client: Database, options: LedgerWriterOptions) {
    const { flushMs, batchSize } = options;
    if (!(flushMs > 0 && Number.isFinite(flushMs))) throw new RangeError('flushMs must be a positive number');
    if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new RangeError('batchSize must be a positive integer');
    this.maxPendingRows = options.maxPendingRows ?? Math.max(defaultMaxPendingRows, batchSize);
    if (!(Number.isInteger(this.maxPendingRows) && this.maxPendingRows >= batchSize)) {
      throw new RangeError('maxPendingRows must be an integer no smaller than batchSize');
    }
    this.batchSize = batchSize;
    this.busyTimeoutMs = options.busyTimeoutMs ?? defaultBusyTimeoutMs;
    this.rowsPerTransaction = Math.max(batchSize, minRowsPerTransaction);
    this.onFlush = options.onFlush;
    this.onDrained = options.onDrained;
    this.client = client;
    this.insertCall = this.client.prepare(
      `INSERT INTO calls (${callColumns.join(', ')}) VALUES (${callColumns.map(() => '?').join(', ')})
       ON CONFLICT (id) DO NOTHING`,
    );
    this.upsertRollup = new Map(rollupTargets.map((target) => [target.table, this.client.prepare(upsertSql(target))]));
    this.writeRows = this.client.transaction((rows: LedgerRow[]) => this.insertRows(rows));
    // A pending batch flush will write everything anyway; the timer only covers quiet periods.
    this.timer = setInterval(() => {
      if (this.immediate === undefined) this.flushScheduled();
    }, flushMs);
    this.timer.unref();
  }

  /** Rows accepted but not yet written. */
  get pendingRows(): number {
    return this.queue.length;
  }

  /** Rows kept for retry because the last write failed (the in-memory spool); 0 while writes succeed. */
  get spooledRows(): number {
    return this.failing ? this.queue.length : 0;
  }

  /** The same shape as `LedgerThread.backlog()`: everything waits in this writer's queue. */
  backlog(): { handover: number; writer: number; spool: number; dropped: number } {
    return { handover: 0, writer: this.queue.length, spool: this.spooledRows, dropped: this.dropped };
  }

  /** Rows not kept because the queue was full or the writer closed; each was logged in full. */
  get droppedRows(): number {
    return this.dropped;
  }

  /** Rows the database can never take (e.g. a fractional cost); each was logged in full. */
  get refusedRows(): number {
    return this.refused;
  }

  /** Queues one row. Never touches the database and never throws for a full or failing database. */
  append(row: LedgerRow): void {
    if (this.closing !== undefined || this.queue.length >= this.maxPendingRows) {
      this.drop(row);
      return;
    }
    this.queue.push(row);
    if (this.queue.length >= this.batchSize && this.immediate === undefined && !this.failing) this.scheduleFlush();
  }

  /**
   * Writes every queued row now. Never throws: on failure the rows stay queued and the error is
   * logged; `pendingRows` tells whether anything is left.
   */
  flush(): void {
    this.drain(true);
  }

  /** Writes what is queued now, for a reader that must see the calls just made (the call log). */
  async written(): Promise<void> {
    this.flush();
  }

  /** Stops the timer and writes everything, retrying briefly; rejects if rows remain unwritten. */
  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    clearInterval(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.immediate = undefined;
    for (let attempt = 1; attempt <= closeAttempts; attempt++) {
      if (this.drain(false)) return;
      if (attempt < closeAttempts) await new Promise((resolve) => setTimeout(resolve, closeRetryDelayMs));
    }
    // The last resort: each unwritten row goes to the log in full, so it can be replayed.
    for (const row of this.queue) logger.error('ledger row not written', { row });
    throw new Error(`${this.queue.length} ledger rows could not be written at shutdown; each was logged`);
  }

  /** One transaction from the timer or the batch trigger; the rest of a backlog on later ticks. */
  private flushScheduled(): void {
    if (this.queue.length === 0) return;
    if (this.writeNext(true) && this.queue.length > 0 && this.closing === undefined) this.scheduleFlush();
  }

  private scheduleFlush(): void {
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      this.flushScheduled();
    });
  }

  /** Writes until the queue is empty or a write fails; true when the queue is empty. */
  private drain(shortBusyWait: boolean): boolean {
    while (this.queue.length > 0) {
      if (!this.writeNext(shortBusyWait)) return false;
    }
    return true;
  }

  /** Writes the oldest rows in one transaction; false (rows kept) when it fails. */
  private writeNext(shortBusyWait: boolean): boolean {
    const count = Math.min(this.queue.length, this.rowsPerTransaction);
    const rows = count === this.queue.length ? this.queue : this.queue.slice(0, count);
    let result: WriteResult;
    const startedAt = performance.now();
    try {
      if (!this.client.open) throw new Error('the database connection is not open');
      result = shortBusyWait ? this.withBusyTimeout(() => this.writeRows.immediate(rows)) : this.writeRows.immediate(rows);
      this.onFlush?.((performance.now() - startedAt) / 1000, true);
    } catch (error) {
      this.onFlush?.((performance.now() - startedAt) / 1000, false);
      this.failing = true;
      this.failureLog.failure({ error: describeError(error), pending_rows: this.queue.length });
      return false;
    }
    this.queue = count === this.queue.length ? [] : this.queue.slice(count);
    this.failing = false;
    this.failureLog.success({ pending_rows: this.queue.length });
    for (const { row, error } of result.refused) logger.error('ledger row refused', { error, row });
    this.refused += result.refused.length;
    if (this.queue.length === 0) this.onDrained?.();
    return true;
  }

  /** Runs inside the transaction: a row error skips that row, any other error rolls back all. */
  private insertRows(rows: LedgerRow[]): WriteResult {
    const inserted: LedgerRow[] = [];
    const refused: WriteResult['refused'] = [];
    for (const row of rows) {
      try {
        if (this.insertCall.run(toCallParams(row)).changes > 0) inserted.push(row);
      } catch (error) {
        if (!isRowError(error)) throw error;
        refused.push({ row, error: describeError(error) });
      }
    }
    // Only rows actually inserted are counted: a duplicate id was already counted once.
    for (const { target, increments } of rollupIncrements(inserted)) {
      const upsert = this.upsertRollup.get(target.table)!;
      for (const increment of increments) upsert.run(increment);
    }
    return { refused };
  }

  private withBusyTimeout<T>(write: () => T): T {
    const previous = this.client.pragma('busy_timeout', { simple: true }) as number;
    this.client.pragma(`busy_timeout = ${this.busyTimeoutMs}`);
    try {
      return write();
    } finally {
      this.client.pragma(`busy_timeout = ${previous}`);
    }
  }

  private drop(row: LedgerRow): void {
    this.dropped += 1;
    const reason = this.closing !== undefined ? 'writer closed' : 'queue full';
    // Not rate-limited: this line is the only record of the call, kept so that it can be replayed.
    logger.error('ledger row dropped', { reason, dropped_rows: this.dropped, row });
  }
}

/**
 * True when the row itself is at fault, so retrying cannot help: our own checks, a NOT NULL or
 * type failure, a value SQLite cannot bind. Locks, full disks and I/O errors are not row errors.
 */
function isRowError(error: unknown): boolean {
  if (error instanceof LedgerRowError) return true;
  if (error instanceof TypeError) return /can only bind/i.test(error.message);
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG';
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
}
