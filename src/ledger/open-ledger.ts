/**
 * @module ledger/open-ledger
 * Where the gateway writes and reads its ledger, chosen once at start: PostgreSQL when
 * `storage.postgres` is set (migrated first; the writer spools locally through an outage), else
 * SQLite — a database file gets its own writer thread, `:memory:` (tests) is written from the main
 * thread. Either way the crash journal's rows that dead processes left are written first, and the
 * reports get a `SqlReader` over the same database.
 */
import type { TollgateConfig } from '../../schemas/config.js';
import { logger, registerSecret } from '../logging/logger.js';
import type { TollgateDatabase } from '../storage/database.js';
import { postgresReader } from '../storage/pg/pg-sql-reader.js';
import { displayPostgresUrl, openPostgres, type PostgresDatabase } from '../storage/pg/postgres-database.js';
import { sqliteReader, type SqlReader } from '../storage/sql-reader.js';
import { LedgerThread } from './ledger-thread.js';
import { LedgerWriter } from './ledger-writer.js';
import { ledgerSpoolPath } from './pg/ledger-spool.js';
import { PgLedgerWriter } from './pg/pg-ledger-writer.js';
import { startPgRetention } from './pg/pg-retention.js';
import { readDeadJournals, replayLedgerJournals } from './replay-journals.js';

export interface OpenedLedger {
  ledger: LedgerThread | LedgerWriter | PgLedgerWriter;
  ledgerReader: SqlReader;
  postgres?: PostgresDatabase;
  retention?: { stop(): void };
}

/**
 * Where the ledger is written and read. PostgreSQL when configured (migrated first; its writer
 * spools locally through an outage). Otherwise SQLite: a database file gets its own writer thread;
 * `:memory:` (tests) can only be written from here.
 */
export async function openLedger(
  config: TollgateConfig,
  database: TollgateDatabase,
  onFlush: ((seconds: number, ok: boolean) => void) | undefined,
  opened?: PostgresDatabase,
): Promise<OpenedLedger> {
  const { storage } = config;
  const ledgerOptions = { flushMs: storage.ledgerFlushMs, batchSize: storage.ledgerBatchSize, onFlush };
  if (storage.postgres !== undefined) {
    const postgres = opened ?? (await openConfiguredPostgres(storage.postgres));
    const journal = journalFolder(storage);
    const ledger = new PgLedgerWriter(postgres, { ...ledgerOptions, spoolPath: ledgerSpoolPath(storage), journal });
    if (journal !== undefined) await replayJournalsInto(ledger, journal);
    const retention = storage.retentionDays ? startPgRetention(postgres, storage.retentionDays) : undefined;
    return { ledger, ledgerReader: postgresReader(postgres), postgres, retention };
  }
  const journal = await recoverLedgerJournal(config, database);
  const ledger = storage.sqlite === ':memory:' ? new LedgerWriter(database.$client, ledgerOptions) : new LedgerThread({ path: storage.sqlite, ...ledgerOptions, journal });
  // SQLite retention runs as a once-per-cluster job (start-gateway.ts), on the lease holder only.
  return { ledger, ledgerReader: sqliteReader(database.$client, storage.sqlite) };
}

/** Opens and migrates `storage.postgres`, its password kept out of every log; the error names the URL without it. */
export async function openConfiguredPostgres(url: string): Promise<PostgresDatabase> {
  registerSecret(postgresPassword(url));
  try {
    return await openPostgres(url);
  } catch (error) {
    throw new Error(`PostgreSQL (${displayPostgresUrl(url)}) could not be opened: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function postgresPassword(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The crash journal's folder (none for `:memory:` or when turned off), after the rows that processes
 * which died left in it have been written. A replay that fails leaves them for the next start.
 */
async function recoverLedgerJournal(config: TollgateConfig, database: TollgateDatabase): Promise<string | undefined> {
  const folder = journalFolder(config.storage);
  if (folder === undefined) return undefined;
  try {
    await replayLedgerJournals(folder, database.$client);
  } catch (error) {
    logger.error('ledger journal replay failed; its rows stay for the next start', { folder, error: String(error) });
  }
  return folder;
}

/** The crash journal's folder: none for `:memory:` or when turned off. */
function journalFolder(storage: TollgateConfig['storage']): string | undefined {
  if (storage.sqlite === ':memory:' || storage.ledgerJournal === false) return undefined;
  return storage.ledgerJournal ?? `${storage.sqlite}.ledger-journal`;
}

/**
 * The rows dead processes left in the journal, through the PostgreSQL writer (which journals them
 * again): their files go once the writer holds every row committed or spooled.
 */
async function replayJournalsInto(ledger: PgLedgerWriter, folder: string): Promise<void> {
  const journals = readDeadJournals(folder);
  if (journals.files.length === 0) return;
  for (const row of journals.rows) ledger.append(row);
  await ledger.written(30_000);
  if (ledger.backlog().writer === 0) journals.remove();
  else logger.warn('ledger journal rows not yet written; the files stay for the next start', { folder, rows: journals.rows.length });
}
