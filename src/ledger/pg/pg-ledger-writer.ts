/**
 * @module ledger/pg/pg-ledger-writer
 * The ledger on PostgreSQL. `append` pushes to an in-memory queue and never waits; a flush (every
 * `flushMs`, or as soon as `batchSize` rows wait) writes up to a few thousand rows in one
 * transaction: the calls as multi-row inserts that skip request ids already present (`ON CONFLICT
 * DO NOTHING … RETURNING id`), and the rollups upserted with the increments of exactly the rows
 * that were new, so the totals always match the rows and no call counts twice. Nothing here runs
 * on the request path: the driver is asynchronous and the event loop only builds parameter lists.
 *
 * Outage: when a flush fails for any reason but the rows themselves (the server is down, a
 * connection dropped, a timeout), its rows and everything queued after them go to the local spool
 * (`ledger-spool.ts`), in order, and so does every later row until the spool is empty again. Once a
 * second the writer tries to replay the spool from its start; each batch that commits moves the
 * replay on, and when the file is all written it is emptied and rows go straight to the database
 * again. Calls keep being served throughout: only the ledger's rows wait.
 *
 * Crashes: with a journal folder, each row is also appended to the crash journal
 * (`ledger-journal.ts`) before its call is answered, as on SQLite; whenever the queue is empty —
 * every row so far committed or spooled — the journal's closed segments are dropped. A start
 * replays what dead processes left (`readDeadJournals`).
 *
 * @example
 * const ledger = new PgLedgerWriter(database, { flushMs: 200, batchSize: 500, spoolPath });
 * ledger.append(row);      // never waits for PostgreSQL
 * await ledger.close();    // writes what it can; the rest stays in the spool for the next start
 */
import { logger } from '../../logging/logger.js';
import type { PostgresDatabase } from '../../storage/pg/postgres-database.js';
import { LedgerRowError, toCallParams } from '../call-params.js';
import { rollupIncrements } from '../rollup-targets.js';
import { LedgerJournal } from '../ledger-journal.js';
import { ThrottledErrorLog } from '../throttled-error-log.js';
import type { LedgerRow } from '../types.js';
import { LedgerSpool } from './ledger-spool.js';
import { MonthPartitions } from './month-partitions.js';
import { insertCallsStatements, upsertRollupStatements } from './pg-ledger-sql.js';

export interface PgLedgerWriterOptions {
  flushMs: number;
  batchSize: number;
  /** The outage spool file (one per process: see `ledger-spool.ts`). */
  spoolPath: string;
  /** Bound on rows held in memory when even the spool cannot be written (default 100,000). */
  maxPendingRows?: number;
  /** The crash journal's folder; none when absent. */
  journal?: string;
  /** While PostgreSQL is failing, a write is tried this often (default 1 s). */
  retryMs?: number;
  onFlush?: (seconds: number, ok: boolean) => void;
}

/** A transaction writes at most this many rows (a backlog takes several, in order). */
const rowsPerTransaction = 2_000;
const defaultMaxPendingRows = 100_000;
const failureLogIntervalMs = 30_000;

interface Waiter {
  target: number;
  resolve: () => void;
}

export class PgLedgerWriter {
  private queue: LedgerRow[] = [];
  private readonly spool: LedgerSpool;
  /** Where the current replay pass reads next; 0 when no replay is under way. */
  private replayOffset = 0;
  /** Rows an earlier process left in the spool: replayed before this process's first spooled row. */
  private inheritedRows: number;
  private readonly partitions = new MonthPartitions();
  private readonly journal: LedgerJournal | undefined;
  /** Marks in the journal: rows journaled before mark n are all committed or spooled. */
  private journalMark = 0;
  private readonly timer: NodeJS.Timeout;
  private pumping: Promise<void> | undefined;
  private pumpAgain = false;
  /** PostgreSQL failed last time: rows go to the spool, and writes are tried once per `retryMs`. */
  private failing = false;
  private nextAttemptAt = 0;
  private closing = false;
  private appended = 0;
  /** Rows of this process now in the database (or refused as malformed): `written()` waits on it. */
  private done = 0;
  private waiters: Waiter[] = [];
  private dropped = 0;
  private refused = 0;
  private readonly maxPendingRows: number;
  private readonly retryMs: number;
  private readonly failureLog = new ThrottledErrorLog(
    'PostgreSQL ledger write failed; rows go to the local spool until it answers',
    'PostgreSQL ledger writes recovered',
    failureLogIntervalMs,
  );

  constructor(
    private readonly database: PostgresDatabase,
    private readonly options: PgLedgerWriterOptions,
  ) {
    if (!(options.flushMs > 0)) throw new RangeError('flushMs must be a positive number');
    if (!(Number.isInteger(options.batchSize) && options.batchSize > 0)) throw new RangeError('batchSize must be a positive integer');
    this.maxPendingRows = options.maxPendingRows ?? Math.max(defaultMaxPendingRows, options.batchSize);
    this.retryMs = options.retryMs ?? 1_000;
    this.spool = new LedgerSpool(options.spoolPath);
    this.journal = options.journal === undefined ? undefined : new LedgerJournal(options.journal);
    this.inheritedRows = this.spool.rows;
    if (this.inheritedRows > 0) logger.info('PostgreSQL ledger spool holds rows from an earlier run; replaying them', { path: options.spoolPath, rows: this.inheritedRows });
    this.timer = setInterval(() => this.kick(), options.flushMs);
    this.timer.unref();
    if (this.spool.size > 0) this.kick();
  }

  get pendingRows(): number {
    return this.queue.length;
  }

  /** Rows waiting in the spool file for PostgreSQL. */
  get spooledRows(): number {
    return this.spool.rows;
  }

  get droppedRows(): number {
    return this.dropped;
  }

  get refusedRows(): number {
    return this.refused;
  }

  backlog(): { handover: number; writer: number; spool: number; dropped: number } {
    return { handover: 0, writer: this.queue.length, spool: this.spool.rows, dropped: this.dropped };
  }

  append(row: LedgerRow): void {
    if (this.closing || this.queue.length >= this.maxPendingRows) {
      this.dropped += 1;
      // Not rate-limited: this line is the only record of the call, kept so that it can be replayed.
      logger.error('ledger row dropped', { reason: this.closing ? 'writer closed' : 'queue full', dropped_rows: this.dropped, row });
      return;
    }
    this.journal?.record(JSON.stringify(row));
    this.queue.push(row);
    this.appended += 1;
    if (this.queue.length >= this.options.batchSize && !this.failing) this.kick();
  }

  /** Resolves once the rows appended so far are in PostgreSQL, or after `timeoutMs` (during an outage). */
  written(timeoutMs = 1_000): Promise<void> {
    const target = this.appended;
    if (this.done >= target) return Promise.resolve();
    this.kick();
    return new Promise<void>((resolve) => {
      const waiter: Waiter = { target, resolve };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((other) => other !== waiter);
        resolve();
      }, timeoutMs);
      timer.unref();
      waiter.resolve = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(waiter);
    });
  }

  /**
   * Stops the timer and writes what it can: everything, when PostgreSQL answers; otherwise the
   * rows go to the spool, for the next start to replay. Rejects only when rows could be kept
   * nowhere (each was logged in full).
   */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.nextAttemptAt = 0;
    await this.pump();
    this.closing = true;
    if (this.queue.length > 0) this.spoolQueue();
    if (this.queue.length > 0) {
      // The journal keeps them for the next start, too.
      this.journal?.release();
      for (const row of this.queue) logger.error('ledger row not written', { row });
      throw new Error(`${this.queue.length} ledger rows could be written neither to PostgreSQL nor to the spool; each was logged`);
    }
    // Every row is committed or in the spool: the journal is no longer needed.
    if (this.dropped > 0) this.journal?.release();
    else this.journal?.discard();
    if (this.spool.rows > 0) logger.warn('PostgreSQL ledger rows left in the spool for the next start', { path: this.options.spoolPath, rows: this.spool.rows });
  }

  /** Starts a pump unless one runs; one that runs goes round again. */
  private kick(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    void this.pump();
  }

  private pump(): Promise<void> {
    this.pumping ??= (async () => {
      try {
        do {
          this.pumpAgain = false;
          await this.pumpOnce();
        } while (this.pumpAgain && !this.failing);
      } finally {
        this.pumping = undefined;
      }
    })();
    return this.pumping;
  }

  /** Writes the queue, or during an outage spools it and tries the replay. */
  private async pumpOnce(): Promise<void> {
    if (this.failing || this.spool.size > 0) {
      // Order is kept by sending every new row behind the spooled ones.
      this.spoolQueue();
      this.markJournal();
      if (Date.now() < this.nextAttemptAt) return;
      await this.replay();
      return;
    }
    while (this.queue.length > 0) {
      const rows = this.queue.splice(0, rowsPerTransaction);
      if (!(await this.write(rows))) {
        // Back to the head of the queue, then with the rest into the spool, in order.
        this.queue.unshift(...rows);
        this.spoolQueue();
        this.markJournal();
        return;
      }
      this.settled(rows.length);
    }
    this.markJournal();
  }

  /** When the queue is empty, every row journaled so far is committed or spooled: its segments may go. */
  private markJournal(): void {
    if (this.journal === undefined || this.queue.length > 0 || this.dropped > 0) return;
    this.journalMark += 1;
    this.journal.handedOver(this.journalMark);
    this.journal.written(this.journalMark);
  }

  /** Replays the spool from where the pass stands; empties it once every row is written. */
  private async replay(): Promise<void> {
    while (this.spool.size > 0) {
      const batch = this.spool.read(this.replayOffset, rowsPerTransaction);
      if (batch.rows.length > 0 && !(await this.write(batch.rows))) return;
      if (batch.skipped > 0) logger.warn('PostgreSQL ledger spool: lines that were not a row skipped', { lines: batch.skipped });
      this.replayOffset = batch.next;
      const fromEarlierRun = Math.min(this.inheritedRows, batch.rows.length);
      this.inheritedRows -= fromEarlierRun;
      this.settled(batch.rows.length - fromEarlierRun);
      // Rows appended while this batch was written are behind it in the file: read on.
      if (this.replayOffset >= this.spool.size) {
        this.spool.clear();
        this.replayOffset = 0;
        logger.info('PostgreSQL ledger spool replayed');
      }
    }
    this.failing = false;
  }

  /** Moves the queue into the spool; on a disk error the rows stay queued (in memory). */
  private spoolQueue(): void {
    if (this.queue.length === 0) return;
    try {
      this.spool.append(this.queue);
      this.queue = [];
    } catch (error) {
      this.failureLog.failure({ error: `the spool ${this.options.spoolPath} refused rows: ${String(error)}`, pending_rows: this.queue.length });
    }
  }

  /** One transaction; false (nothing written) when PostgreSQL failed, which starts or continues the outage. */
  private async write(rows: LedgerRow[], partitionsChecked = false): Promise<boolean> {
    const startedAt = performance.now();
    try {
      await this.writeTransaction(rows);
      this.options.onFlush?.((performance.now() - startedAt) / 1000, true);
      this.failing = false;
      this.failureLog.success({ spooled_rows: this.spool.rows });
      return true;
    } catch (error) {
      this.options.onFlush?.((performance.now() - startedAt) / 1000, false);
      if (isMissingPartition(error) && !partitionsChecked) {
        // Retention (here or on another instance) dropped a month this writer thought it had.
        this.partitions.forget();
        return this.write(rows, true);
      }
      if (isRowError(error) && rows.length > 1) return this.writeOneByOne(rows);
      if (isRowError(error)) {
        this.refuse(rows[0], error);
        return true;
      }
      this.failing = true;
      this.nextAttemptAt = Date.now() + this.retryMs;
      // A partition dropped or made elsewhere since: look again at the next write.
      this.partitions.forget();
      this.failureLog.failure({ error: describeError(error), pending_rows: this.queue.length + rows.length, spooled_rows: this.spool.rows });
      return false;
    }
  }

  /** A batch with a row PostgreSQL refuses: each row alone, so only the bad ones are left out. */
  private async writeOneByOne(rows: LedgerRow[]): Promise<boolean> {
    for (const row of rows) {
      if (!(await this.write([row]))) return false;
    }
    return true;
  }

  private async writeTransaction(rows: LedgerRow[]): Promise<void> {
    const unique = new Map<string, { row: LedgerRow; params: unknown[] }>();
    for (const row of rows) {
      if (unique.has(row.id)) continue;
      try {
        unique.set(row.id, { row, params: toCallParams(row) });
      } catch (error) {
        if (!(error instanceof LedgerRowError)) throw error;
        this.refuse(row, error);
      }
    }
    if (unique.size === 0) return;
    const valid = [...unique.values()];
    await this.partitions.ensure(this.database.$client, valid.map(({ row }) => row.time));
    const client = await this.database.$client.connect();
    let broken: Error | undefined;
    // The server going away between two statements is reported on the client, not the query.
    const onError = (error: Error) => (broken ??= error);
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const inserted = new Set<string>();
      for (const statement of insertCallsStatements(valid.map(({ params }) => params))) {
        const result = await client.query<{ id: string }>(statement);
        for (const { id } of result.rows) inserted.add(id);
      }
      // Only rows actually inserted are counted: a request id already there was counted once.
      const fresh = valid.filter(({ row }) => inserted.has(row.id)).map(({ row }) => row);
      for (const { target, increments } of rollupIncrements(fresh)) {
        for (const statement of upsertRollupStatements(target, increments)) await client.query(statement);
      }
      await client.query('COMMIT');
    } catch (error) {
      broken = error as Error;
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.off('error', onError);
      // A connection that failed mid-transaction is closed rather than reused.
      client.release(broken !== undefined && !isRowError(broken) ? broken : undefined);
    }
  }

  private refuse(row: LedgerRow, error: unknown): void {
    this.refused += 1;
    logger.error('ledger row refused', { error: describeError(error), row });
  }

  private settled(count: number): void {
    if (count <= 0) return;
    this.done += count;
    if (this.waiters.length === 0) return;
    const ready = this.waiters.filter((waiter) => waiter.target <= this.done);
    this.waiters = this.waiters.filter((waiter) => waiter.target > this.done);
    for (const waiter of ready) waiter.resolve();
  }
}

/**
 * True when the row is at fault, so that retrying cannot help: our own checks, or PostgreSQL's
 * data exceptions (class 22: a value out of range, bad text) and integrity violations (class 23:
 * NOT NULL, CHECK; a month without a partition is made and tried again first).
 */
function isRowError(error: unknown): boolean {
  if (error instanceof LedgerRowError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

function isMissingPartition(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23514' && /no partition/i.test(String((error as Error).message));
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
}
