/**
 * @module ledger/pg/ledger-spool
 * The PostgreSQL ledger's outage spool: an append-only local file of JSON rows, one per line, in
 * the order the calls ended. While PostgreSQL is unreachable every row goes here; when it answers
 * again the file is read from the start, in batches, and written in that order; once every line
 * is in the database the file is emptied. Writing is idempotent on the request id, so a replay
 * cut short (a crash, a second outage) and started again from the top counts nothing twice.
 * Appends are synchronous (a few hundred microseconds per batch): they happen only during an
 * outage, and a row written here survives the process being killed.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync, statSync, truncateSync, writeSync } from 'node:fs';
import cluster from 'node:cluster';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { StorageConfig } from '../../../schemas/config.js';
import type { LedgerRow } from '../types.js';

/**
 * The spool file of this process: `storage.ledgerSpool`, else `<sqlite>.ledger-spool` (a temporary
 * file when the SQLite database is in memory). A cluster worker gets its own, numbered by its
 * place, so two processes never append to one file and a replacement worker replays its
 * predecessor's rows.
 */
export function ledgerSpoolPath(storage: Pick<StorageConfig, 'sqlite' | 'ledgerSpool'>): string {
  const base = storage.ledgerSpool ?? (storage.sqlite === ':memory:' ? join(tmpdir(), `tollgate-${process.pid}.ledger-spool`) : `${storage.sqlite}.ledger-spool`);
  const slot = process.env.TOLLGATE_WORKER_SLOT;
  return cluster.isWorker && slot !== undefined ? `${base}.${slot}` : base;
}

/** One read of the file takes at most this many bytes (a batch ends at the last whole line). */
const readChunkBytes = 4 * 1024 * 1024;

export interface SpoolBatch {
  rows: LedgerRow[];
  /** Lines that were not a row (cut short by a crash while appending); skipped. */
  skipped: number;
  /** Where the next read starts. */
  next: number;
}

export class LedgerSpool {
  private bytes: number;
  /** Rows appended since the file was last emptied (those of an earlier process counted at open). */
  private lines: number;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.bytes = existsSync(path) ? statSync(path).size : 0;
    this.lines = this.bytes === 0 ? 0 : countLines(path);
  }

  /** Bytes in the file: 0 means nothing waits. */
  get size(): number {
    return this.bytes;
  }

  /** Rows waiting in the file (those already replayed in the current pass included). */
  get rows(): number {
    return this.lines;
  }

  /** Appends rows in order; throws when the disk refuses (the caller keeps them in memory). */
  append(rows: readonly LedgerRow[]): void {
    if (rows.length === 0) return;
    const text = `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`;
    const fd = openSync(this.path, 'a');
    try {
      writeSync(fd, text);
      this.bytes = fstatSync(fd).size;
    } finally {
      closeSync(fd);
    }
    this.lines += rows.length;
  }

  /** Up to `maxRows` whole rows starting at byte `offset`. */
  read(offset: number, maxRows: number): SpoolBatch {
    const rows: LedgerRow[] = [];
    let skipped = 0;
    let next = offset;
    const fd = openSync(this.path, 'r');
    try {
      while (rows.length < maxRows && next < this.bytes) {
        const buffer = Buffer.alloc(Math.min(readChunkBytes, this.bytes - next));
        const read = readSync(fd, buffer, 0, buffer.length, next);
        const end = buffer.lastIndexOf(10, read - 1);
        if (end < 0) {
          // A line longer than a chunk, or a last line without its newline (a crash mid-append).
          skipped += 1;
          next = this.bytes;
          break;
        }
        let start = 0;
        while (start <= end && rows.length < maxRows) {
          const newline = buffer.indexOf(10, start);
          const row = parseRow(buffer.toString('utf8', start, newline));
          if (row) rows.push(row);
          else skipped += 1;
          start = newline + 1;
        }
        next += start;
      }
    } finally {
      closeSync(fd);
    }
    return { rows, skipped, next };
  }

  /** Empties the file; call only once every line in it is in the database. */
  clear(): void {
    if (existsSync(this.path)) truncateSync(this.path, 0);
    this.bytes = 0;
    this.lines = 0;
  }
}

function parseRow(line: string): LedgerRow | undefined {
  if (line === '') return undefined;
  try {
    const row = JSON.parse(line) as LedgerRow;
    return row !== null && typeof row === 'object' && typeof row.id === 'string' ? row : undefined;
  } catch {
    return undefined;
  }
}

/** Counts the newlines of a file in chunks (at open, to report the backlog an earlier process left). */
function countLines(path: string): number {
  const fd = openSync(path, 'r');
  const buffer = Buffer.alloc(1024 * 1024);
  let lines = 0;
  try {
    for (let position = 0; ; ) {
      const read = readSync(fd, buffer, 0, buffer.length, position);
      if (read === 0) break;
      for (let index = 0; index < read; index++) if (buffer[index] === 10) lines++;
      position += read;
    }
  } finally {
    closeSync(fd);
  }
  return lines;
}
