/**
 * @module ledger/pg/open-pg-ledger
 * The ledger on PostgreSQL (`storage.postgres`): the database opened and migrated, the writer that
 * spools locally through an outage, the rows a dead process left in the crash journal replayed
 * through it, month-partition retention, and a reader for the reports. `open-ledger.ts` imports
 * this module only when PostgreSQL is configured, so an SQLite gateway never loads the pg driver.
 */
import type { TollgateConfig } from '../../../schemas/config.js';
import { logger, registerSecret } from '../../logging/logger.js';
import { postgresReader } from '../../storage/pg/pg-sql-reader.js';
import { displayPostgresUrl, openPostgres, type PostgresDatabase } from '../../storage/pg/postgres-database.js';
import type { OpenedLedger } from '../open-ledger.js';
import { readDeadJournals } from '../replay-journals.js';
import { ledgerSpoolPath } from './ledger-spool.js';
import { PgLedgerWriter } from './pg-ledger-writer.js';
import { startPgRetention } from './pg-retention.js';

/** Opens and migrates `storage.postgres`, its password kept out of every log; the error names the URL without it. */
export async function openConfiguredPostgres(url: string): Promise<PostgresDatabase> {
  registerSecret(postgresPassword(url));
  try {
    return await openPostgres(url);
  } catch (error) {
    throw new Error(`PostgreSQL (${displayPostgresUrl(url)}) could not be opened: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export async function openPostgresLedger(
  storage: TollgateConfig['storage'],
  postgres: PostgresDatabase,
  ledgerOptions: { flushMs: number; batchSize: number; onFlush: ((seconds: number, ok: boolean) => void) | undefined },
  journal: string | undefined,
): Promise<OpenedLedger> {
  const ledger = new PgLedgerWriter(postgres, { ...ledgerOptions, spoolPath: ledgerSpoolPath(storage), journal });
  if (journal !== undefined) await replayJournalsInto(ledger, journal);
  const retention = storage.retentionDays ? startPgRetention(postgres, storage.retentionDays) : undefined;
  return { ledger, ledgerReader: postgresReader(postgres), postgres, retention };
}

function postgresPassword(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
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
