/**
 * @module cli/storage-commands
 * The commands that manage the databases themselves:
 * - `tollgate migrate`: applies the migrations the configured databases lack (SQLite always; with
 *   `storage.postgres`, PostgreSQL too), so several instances can be upgraded before any starts.
 *   A database migrated by a newer Tollgate is refused, as at start-up.
 * - `tollgate export [--out FILE]`: the embedded SQLite database as one JSON-lines snapshot.
 * - `tollgate import FILE`: that snapshot into the configured PostgreSQL (empty, all or nothing).
 * Together the last two move an embedded installation onto PostgreSQL; see the README.
 */
import { existsSync } from 'node:fs';
import { loadConfigFile } from '../config/load-config.js';
import { openDatabase } from '../storage/database.js';
import { displayPostgresUrl, openPostgres } from '../storage/pg/postgres-database.js';
import { closeExportFile, exportSqlite, openExportFile } from '../storage/transfer/export-sqlite.js';
import { ImportError, importIntoPostgres } from '../storage/transfer/import-postgres.js';
import { SchemaTooNewError } from '../storage/schema-version.js';
import { CommandError, configPathFrom, parseCommand, printJson, UsageError } from './cli-context.js';
import { exportUsage, importUsage, migrateUsage } from './storage-usage.js';

function parsedOrHelp(argv: string[], options: Parameters<typeof parseCommand>[1], usage: string) {
  const parsed = parseCommand(argv, options, usage);
  if (parsed.help) process.stdout.write(`${usage}\n`);
  return parsed;
}

/** Known failures become one line (exit 1) rather than a stack. */
async function explained<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SchemaTooNewError || error instanceof ImportError) throw new CommandError(error.message);
    throw error;
  }
}

export async function migrateCommand(argv: string[]): Promise<number> {
  const parsed = parsedOrHelp(argv, {}, migrateUsage);
  if (parsed.help) return 0;
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`, migrateUsage);
  const config = loadConfigFile(configPathFrom(parsed.values.config as string | undefined));
  return explained(async () => {
    openDatabase(config.storage.sqlite).$client.close();
    const result: Record<string, unknown> = { sqlite: { path: config.storage.sqlite, migrated: true } };
    if (config.storage.postgres) {
      const postgres = await openPostgres(config.storage.postgres);
      await postgres.$client.end();
      result.postgres = { url: displayPostgresUrl(config.storage.postgres), migrated: true };
    }
    printJson(result);
    return 0;
  });
}

export async function exportCommand(argv: string[]): Promise<number> {
  const parsed = parsedOrHelp(argv, { out: { type: 'string' } }, exportUsage);
  if (parsed.help) return 0;
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`, exportUsage);
  const config = loadConfigFile(configPathFrom(parsed.values.config as string | undefined));
  if (config.storage.sqlite === ':memory:') throw new CommandError('storage.sqlite is :memory:; there is nothing on disk to export');
  if (!existsSync(config.storage.sqlite)) throw new CommandError(`no database at ${config.storage.sqlite}`);
  const out = parsed.values.out as string | undefined;
  if (out !== undefined && existsSync(out)) throw new CommandError(`${out} already exists; choose a new file`);
  return explained(async () => {
    const database = openDatabase(config.storage.sqlite);
    const fd = out === undefined ? 1 : openExportFile(out);
    try {
      const { rows } = exportSqlite(database.$client, fd);
      // With --out, standard output is free for the summary; otherwise it would mix with the rows.
      const summary = `${JSON.stringify({ exported: config.storage.sqlite, rows })}\n`;
      if (out === undefined) process.stderr.write(summary);
      else process.stdout.write(summary);
    } finally {
      if (out !== undefined) closeExportFile(fd);
      database.$client.close();
    }
    return 0;
  });
}

export async function importCommand(argv: string[]): Promise<number> {
  const parsed = parsedOrHelp(argv, {}, importUsage);
  if (parsed.help) return 0;
  const [file, ...extra] = parsed.positionals;
  if (!file) throw new UsageError('import needs the FILE `tollgate export` wrote', importUsage);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`, importUsage);
  if (!existsSync(file)) throw new CommandError(`no file ${file}`);
  const config = loadConfigFile(configPathFrom(parsed.values.config as string | undefined));
  if (!config.storage.postgres) throw new CommandError('storage.postgres is not set in the configuration: there is no PostgreSQL to import into');
  return explained(async () => {
    const postgres = await openPostgres(config.storage.postgres!);
    try {
      const { rows } = await importIntoPostgres(postgres, file);
      printJson({ imported: file, into: displayPostgresUrl(config.storage.postgres!), rows });
    } finally {
      await postgres.$client.end();
    }
    return 0;
  });
}
