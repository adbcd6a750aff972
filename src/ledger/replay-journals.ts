/**
 * @module ledger/replay-journals
 * At start, before the ledger thread runs: the rows left in the journals of processes that are
 * gone (killed, crashed) are written to the database, then their files are removed (the
 * PostgreSQL writer takes the same rows from `readDeadJournals`). Replaying is
 * idempotent: a row whose request id is already in `calls` is skipped and not counted again, so a
 * journal whose rows were partly committed before the crash, or one replayed twice (two cluster
 * workers starting at once), changes nothing that is already there. The journals of live
 * processes (the other workers of a cluster) are left alone.
 */
import { existsSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { logger } from '../logging/logger.js';
import { openJournalOwners } from './ledger-journal.js';
import { LedgerWriter } from './ledger-writer.js';
import type { LedgerRow } from './types.js';

export interface ReplayResult {
  rows: number;
  files: number;
  /** Lines that were not a row (a line cut short by the crash). */
  skippedLines: number;
}

export async function replayLedgerJournals(folder: string, client: Database): Promise<ReplayResult> {
  const journals = readDeadJournals(folder);
  if (journals.files.length === 0) return { rows: 0, files: 0, skippedLines: 0 };
  const writer = new LedgerWriter(client, { flushMs: 60_000, batchSize: 1_000 });
  for (const row of journals.rows) writer.append(row);
  // Rejects (and leaves the files for the next start) when the database refuses the rows.
  await writer.close();
  return journals.remove();
}

export interface DeadJournals {
  files: string[];
  rows: LedgerRow[];
  skippedLines: number;
  /** Removes the files: call once their rows are written (or safely held elsewhere). */
  remove(): ReplayResult;
}

/** The rows left in the journals of processes that are gone, in the order they were journaled. */
export function readDeadJournals(folder: string): DeadJournals {
  const rows: LedgerRow[] = [];
  let skippedLines = 0;
  const files = !existsSync(folder)
    ? []
    : readdirSync(folder)
        .map((name) => /^([0-9]+-[0-9]+-[0-9a-f]+)\.([0-9]+)\.jsonl$/.exec(name))
        .filter((match): match is RegExpExecArray => match !== null && !ownerAlive(match[1]!))
        .sort((a, b) => a[1]!.localeCompare(b[1]!) || Number(a[2]) - Number(b[2]))
        .map((match) => join(folder, match[0]));
  for (const file of files) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line === '') continue;
      const row = parseRow(line);
      if (row) rows.push(row);
      else skippedLines++;
    }
  }
  return {
    files,
    rows,
    skippedLines,
    remove() {
      for (const file of files) unlinkSync(file);
      const result = { rows: rows.length, files: files.length, skippedLines };
      if (files.length > 0) logger.info('ledger journal replayed', { folder, ...result });
      return result;
    },
  };
}

function parseRow(line: string): LedgerRow | undefined {
  try {
    const row = JSON.parse(line) as LedgerRow;
    return row && typeof row === 'object' && typeof row.id === 'string' ? row : undefined;
  } catch {
    return undefined;
  }
}

/** The owner's process is still running. A pid that is this process's own belongs to an earlier one unless its journal is open here. */
function ownerAlive(owner: string): boolean {
  const pid = Number(owner.split('-')[0]);
  if (pid === process.pid) return openJournalOwners.has(owner);
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
