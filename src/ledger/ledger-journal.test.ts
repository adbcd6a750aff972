import { appendFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type TollgateDatabase } from '../storage/database.js';
import { LedgerJournal } from './ledger-journal.js';
import { LedgerThread } from './ledger-thread.js';
import { replayLedgerJournals } from './replay-journals.js';
import type { LedgerRow } from './types.js';

const opened: TollgateDatabase[] = [];
afterEach(() => {
  for (const database of opened.splice(0)) database.$client.close();
});

function row(index: number): LedgerRow {
  return { id: `req_journal_${index}`, time: Date.UTC(2026, 6, 1, 12) + index, tenantId: 'acme', keyId: 'key_1', kind: 'chat', model: 'gpt-4o', status: 200, inputTokens: 10, outputTokens: 5, costNanoUsd: 1000, latencyMs: 3 };
}

function fresh(): { folder: string; path: string; database: TollgateDatabase } {
  const base = mkdtempSync(join(tmpdir(), 'tollgate-journal-'));
  const path = join(base, 'ledger.db');
  const database = openDatabase(path);
  opened.push(database);
  return { folder: join(base, 'journal'), path, database };
}

const totals = (database: TollgateDatabase) => ({
  calls: (database.$client.prepare('select count(*) as n from calls').get() as { n: number }).n,
  requests: (database.$client.prepare('select coalesce(sum(requests), 0) as n from daily_rollups').get() as { n: number }).n,
});

describe('LedgerJournal', () => {
  it('has every row recorded in one turn on disk, in one line each, before the next turn begins', async () => {
    const { folder } = fresh();
    const journal = new LedgerJournal(folder);
    for (let index = 0; index < 3; index++) journal.record(JSON.stringify(row(index)));
    expect(readdirSync(folder)).toEqual([]);
    await Promise.resolve();
    const [file] = readdirSync(folder);
    expect(readFileSync(join(folder, file!), 'utf8').trim().split('\n').map((line) => JSON.parse(line).id)).toEqual(['req_journal_0', 'req_journal_1', 'req_journal_2']);
    journal.discard();
    expect(readdirSync(folder)).toEqual([]);
  });
});

describe('replayLedgerJournals', () => {
  it('writes the rows a dead process left, skips the ones already stored and a line cut short, and removes the files', async () => {
    const { folder, database } = fresh();
    const journal = new LedgerJournal(folder);
    for (let index = 0; index < 50; index++) journal.record(JSON.stringify(row(index)));
    await Promise.resolve();
    // The process "dies" here: its journal is released, not discarded.
    journal.release();
    const [file] = readdirSync(folder);
    appendFileSync(join(folder, file!), '{"id":"req_torn","ti');
    // Ten rows made it to the database before the crash.
    const early = new LedgerThread({ path: database.$client.name, flushMs: 10, batchSize: 100 });
    for (let index = 0; index < 10; index++) early.append(row(index));
    await early.close();
    expect(totals(database)).toEqual({ calls: 10, requests: 10 });

    const replayed = await replayLedgerJournals(folder, database.$client);
    expect(replayed).toEqual({ rows: 50, files: 1, skippedLines: 1 });
    expect(totals(database)).toEqual({ calls: 50, requests: 50 });
    expect(readdirSync(folder)).toEqual([]);
    expect(await replayLedgerJournals(folder, database.$client)).toEqual({ rows: 0, files: 0, skippedLines: 0 });
  });

  it('leaves alone the journal of a process that is still running, and of a journal still open here', async () => {
    const { folder, database } = fresh();
    const open = new LedgerJournal(folder);
    open.record(JSON.stringify(row(1)));
    await Promise.resolve();
    // A cluster sibling: another live process (the test runner's parent stands in for it).
    writeFileSync(join(folder, `${process.ppid}-1-abcd1234.1.jsonl`), `${JSON.stringify(row(2))}\n`);
    expect(await replayLedgerJournals(folder, database.$client)).toMatchObject({ rows: 0 });
    expect(readdirSync(folder)).toHaveLength(2);
    open.discard();
  });
});

describe('LedgerThread with a journal', () => {
  it('drops journal segments once their rows are committed, and the whole journal at a clean close', async () => {
    const { folder, path } = fresh();
    const ledger = new LedgerThread({ path, flushMs: 10, batchSize: 10, journal: folder });
    for (let round = 0; round < 30; round++) {
      for (let index = 0; index < 10; index++) ledger.append(row(round * 10 + index));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Three seconds of rows in one-second segments: the committed ones are gone already.
    expect(readdirSync(folder).length).toBeLessThanOrEqual(2);
    await ledger.close();
    expect(readdirSync(folder)).toEqual([]);
  });
});
