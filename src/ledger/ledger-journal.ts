/**
 * @module ledger/ledger-journal
 * The ledger's local journal: every row is appended to a file before the call it records is
 * answered, so that a process killed at any moment (SIGKILL, an out-of-memory kill) loses no row
 * of a call it answered. Rows wait in memory up to 50 ms before the ledger thread gets them, and
 * the thread commits them later still; the journal covers that gap and is replayed at the next
 * start (`replayLedgerJournals`).
 *
 * Cost on the request path: the rows recorded in one turn of the event loop's microtask queue go
 * out in one `write` — queued with `queueMicrotask`, it runs before any response of that turn
 * can be written, since writing one takes later microtasks. The line is the JSON the ledger
 * thread receives anyway (it is posted as text instead of a structured clone). Nothing is
 * fsynced: a written line is in the kernel and survives the process, not the machine.
 *
 * Files: `<folder>/<owner>.<segment>.jsonl`, one JSON row per line, where the owner is
 * `<pid>-<start time>-<random>` (so a restarted process, even with the same pid, is a new owner).
 * A segment is closed when it is a second old, at a hand-over, and deleted once the ledger thread
 * has written every batch it holds; at a clean shutdown the last one goes too. See
 * docs/ledger.md ("Crashes").
 */
import { closeSync, mkdirSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { logger } from '../logging/logger.js';

/** Owners started in this process that are still open: a journal of this pid not in here belongs to an earlier process. */
export const openJournalOwners = new Set<string>();

const segmentMaxAgeMs = 1_000;
const segmentMaxBytes = 8 * 1024 * 1024;

interface ClosedSegment {
  path: string;
  /** The last hand-over batch whose rows it holds. */
  lastBatch: number;
}

export class LedgerJournal {
  readonly owner = `${process.pid}-${Date.now()}-${randomBytes(4).toString('hex')}`;
  private fd: number | undefined;
  private path = '';
  private segment = 0;
  private openedAt = 0;
  private bytes = 0;
  private lines: string[] = [];
  private writeQueued = false;
  private readonly closed: ClosedSegment[] = [];
  private failed = false;

  constructor(private readonly folder: string) {
    mkdirSync(folder, { recursive: true });
    openJournalOwners.add(this.owner);
  }

  /** Journals one row (its JSON line); written with the others of this turn before any answer leaves. */
  record(line: string): void {
    this.lines.push(line);
    if (this.writeQueued) return;
    this.writeQueued = true;
    queueMicrotask(this.writeLines);
  }

  /** The rows journaled so far went to the ledger thread as batch `batch`: a full segment is closed here. */
  handedOver(batch: number): void {
    if (this.fd === undefined) return;
    if (Date.now() - this.openedAt < segmentMaxAgeMs && this.bytes < segmentMaxBytes) return;
    closeSync(this.fd);
    this.fd = undefined;
    this.closed.push({ path: this.path, lastBatch: batch });
  }

  /** The ledger thread has committed every batch up to `batch`: the segments holding only those go. */
  written(batch: number): void {
    while (this.closed.length > 0 && this.closed[0]!.lastBatch <= batch) removeFile(this.closed.shift()!.path);
  }

  /** Every row was written to the database: the journal is no longer needed. */
  discard(): void {
    this.release();
    for (const segment of this.closed.splice(0)) removeFile(segment.path);
    if (this.path) removeFile(this.path);
  }

  /** Rows may be unwritten: the files stay for the next start to replay. */
  release(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    openJournalOwners.delete(this.owner);
  }

  private readonly writeLines = (): void => {
    this.writeQueued = false;
    const text = `${this.lines.join('\n')}\n`;
    this.lines = [];
    try {
      if (this.fd === undefined) this.openSegment();
      writeSync(this.fd!, text);
      this.bytes += text.length;
      if (this.failed) logger.info('ledger journal writes again', { folder: this.folder });
      this.failed = false;
    } catch (error) {
      // A full disk must not fail calls: the rows still go to the database, only unprotected.
      if (!this.failed) logger.error('ledger journal write failed; rows are not protected against a crash', { error: String(error) });
      this.failed = true;
    }
  };

  private openSegment(): void {
    this.segment += 1;
    this.path = join(this.folder, `${this.owner}.${this.segment}.jsonl`);
    this.fd = openSync(this.path, 'a');
    this.openedAt = Date.now();
    this.bytes = 0;
  }
}

function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') logger.warn('could not remove a ledger journal file', { path, error: String(error) });
  }
}
