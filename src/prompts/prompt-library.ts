/**
 * @module prompts/prompt-library
 * The catalogue the gateway serves prompts from: the versions in the prompt files merged with the
 * versions published at runtime (`prompt_versions` rows), rebuilt into an immutable index on each
 * change so lookups are O(1) map reads.
 *
 * Files: `watch(folder)` re-scans the whole folder ~100 ms after the last change. A file that
 * becomes malformed is reported (`problems()`, `logger.warn` with its path) and **its last good
 * version stays served** until the file is fixed, renamed or deleted: a typo saved into a live
 * prompt must not turn its endpoint into a 404. A deleted file's version disappears; a file that
 * was never valid serves nothing.
 *
 * Database: `reloadDatabase()` re-reads the rows (the gateway calls it after publishing and every
 * second). Rows are immutable apart from `deprecated_at`, so an unchanged row keeps its parsed
 * definition and compiled validators. A file and a row with the same name and version: the file
 * wins, with a warning.
 */
import { watch, type FSWatcher } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { PromptDefinition } from '../../schemas/prompt-file.js';
import { logger } from '../logging/logger.js';
import type { TollgateDatabase } from '../storage/database.js';
import { promptVersions } from '../storage/schema.js';
import type { PostgresDatabase } from '../storage/pg/postgres-database.js';
import { promptVersions as pgPromptVersions } from '../storage/pg/schema.js';
import { checkPromptDefinition, type PromptCheckOptions } from './check-definition.js';
import { loadPromptFiles } from './load-prompt-files.js';
import type { PromptCatalog, PromptLoadProblem, PromptVersion } from './types.js';

export interface PromptLibraryOptions {
  /** Where published versions are read from; without it the library holds file prompts only. */
  database?: TollgateDatabase;
  /** The shared PostgreSQL database instead (`storage.postgres`): `reloadDatabase()` is then asynchronous. */
  postgres?: PostgresDatabase;
  /** Quiet time after the last file event before the folder is re-scanned. Default 100 ms. */
  debounceMs?: number;
  /** Refuses prompt files naming a model the gateway does not serve (see `models/known-models.ts`). */
  modelProblem?: PromptCheckOptions['modelProblem'];
}

export interface PromptLibraryChange {
  /** What was reloaded: the prompt files (`file`) or the database (`api`). */
  source: PromptVersion['source'];
}

export type PromptLibraryListener = (change: PromptLibraryChange) => void;

interface IndexedPrompt {
  /** Oldest first. */
  versions: PromptVersion[];
  byNumber: Map<number, PromptVersion>;
  latest: PromptVersion;
}

interface DatabaseEntry {
  /** The row's owner and stored definition text: an unchanged fingerprint means nothing to re-check. */
  fingerprint: string;
  version?: PromptVersion;
  problem?: PromptLoadProblem;
}

/** A row with its definition as stored text: one corrupt row must not hide the others. */
type PromptVersionRow = Omit<typeof promptVersions.$inferSelect, 'definition'> & { definition: string };

const rowColumns = {
  name: promptVersions.name,
  version: promptVersions.version,
  definition: sql<string>`${promptVersions.definition}`,
  ownerTenantId: promptVersions.ownerTenantId,
  deprecatedAt: promptVersions.deprecatedAt,
  createdAt: promptVersions.createdAt,
};

const pgRowColumns = {
  name: pgPromptVersions.name,
  version: pgPromptVersions.version,
  definition: sql<string>`${pgPromptVersions.definition}::text`,
  ownerTenantId: pgPromptVersions.ownerTenantId,
  deprecatedAt: pgPromptVersions.deprecatedAt,
  createdAt: pgPromptVersions.createdAt,
};

/**
 * @example
 * const library = new PromptLibrary({ database });
 * library.watch('prompts');
 * library.reloadDatabase();
 * setInterval(() => library.reloadDatabase(), 1_000).unref();
 * const version = library.latest('sentiment');
 */
export class PromptLibrary implements PromptCatalog {
  readonly #database: TollgateDatabase | undefined;
  readonly #postgres: PostgresDatabase | undefined;
  readonly #debounceMs: number;
  readonly #checkOptions: PromptCheckOptions;
  readonly #listeners = new Set<PromptLibraryListener>();
  /** Served file versions by path, including the last good version of files now malformed. */
  #fileVersions = new Map<string, PromptVersion>();
  #fileProblems: PromptLoadProblem[] = [];
  /** By `name@version`. */
  #databaseEntries = new Map<string, DatabaseEntry>();
  #databaseError: string | undefined;
  #tableFingerprint: string | undefined;
  #pgReadsStarted = 0;
  #pgReadApplied = 0;
  #conflicts: PromptLoadProblem[] = [];
  #index = new Map<string, IndexedPrompt>();
  #names: string[] = [];
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: PromptLibraryOptions = {}) {
    this.#database = options.database;
    this.#postgres = options.postgres;
    this.#debounceMs = options.debounceMs ?? 100;
    this.#checkOptions = { modelProblem: options.modelProblem };
  }

  latest(name: string): PromptVersion | undefined {
    return this.#index.get(name)?.latest;
  }

  version(name: string, version: number): PromptVersion | undefined {
    return this.#index.get(name)?.byNumber.get(version);
  }

  versions(name: string): PromptVersion[] {
    return [...(this.#index.get(name)?.versions ?? [])];
  }

  /** Sorted. */
  names(): string[] {
    return [...this.#names];
  }

  /** Files and rows that are not served as they are, and files that shadow a database version. */
  problems(): PromptLoadProblem[] {
    const database = [...this.#databaseEntries.values()].flatMap((entry) => (entry.problem ? [entry.problem] : []));
    return [...this.#fileProblems, ...database, ...this.#conflicts];
  }

  /** Called after every reload of the files, and after a database reload that changed something. */
  onChange(listener: PromptLibraryListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Scans `folder` once and replaces the file versions; returns the files' problems. */
  loadFiles(folder: string): PromptLoadProblem[] {
    const { versions, problems } = loadPromptFiles(folder, this.#checkOptions);
    const served = new Map(versions.map((version) => [version.path ?? '', version]));
    const claimed = new Set(versions.map(versionKey));
    const reported = problems.map((problem) => {
      const lastGood = this.#fileVersions.get(problem.path);
      if (!lastGood || claimed.has(versionKey(lastGood))) return problem;
      served.set(problem.path, lastGood);
      claimed.add(versionKey(lastGood));
      return { ...problem, message: `${problem.message} (still serving ${versionKey(lastGood)}, the last good version of this file)` };
    });
    logNew(this.#fileProblems, reported, 'prompt file problem');
    this.#fileVersions = served;
    this.#fileProblems = reported;
    logger.info('prompt files loaded', { folder, versions: served.size, problems: reported.length });
    this.#rebuild('file');
    return reported;
  }

  /** `loadFiles(folder)` now, then again after each change in the folder, until `close()`. */
  watch(folder: string): void {
    this.#stopWatching();
    this.loadFiles(folder);
    try {
      this.#watcher = watch(folder, { persistent: false }, () => this.#scheduleReload(folder));
      this.#watcher.on('error', (error) => logger.warn('prompt folder watch failed', { path: folder, error: error.message }));
    } catch (error) {
      logger.warn('cannot watch the prompt folder; restart to pick up changes', { path: folder, error: (error as Error).message });
    }
  }

  /**
   * Re-reads the `prompt_versions` rows. A failed read keeps the previous rows. From PostgreSQL
   * the returned promise settles once the rows are in (it never rejects).
   */
  reloadDatabase(): void | Promise<void> {
    if (this.#postgres) return this.#reloadPostgres(this.#postgres);
    if (!this.#database) return;
    try {
      // Every process calls this every second: the rows (up to 1 MiB of definition each) are read
      // only when the table's fingerprint says something was published, deprecated or removed.
      const fingerprint = tableFingerprint(this.#database);
      if (fingerprint === this.#tableFingerprint) return;
      this.#applyRows(this.#database.select(rowColumns).from(promptVersions).all(), fingerprint);
    } catch (error) {
      this.#readFailed(error);
    }
  }

  async #reloadPostgres(postgres: PostgresDatabase): Promise<void> {
    // Of reads that overlap (a notice and the periodic check), the one started last wins.
    const ticket = ++this.#pgReadsStarted;
    try {
      const fingerprint = await pgTableFingerprint(postgres);
      if (fingerprint === this.#tableFingerprint) return;
      const rows = await postgres.select(pgRowColumns).from(pgPromptVersions);
      if (ticket < this.#pgReadApplied) return;
      this.#pgReadApplied = ticket;
      this.#applyRows(rows, fingerprint);
    } catch (error) {
      this.#readFailed(error);
    }
  }

  #readFailed(error: unknown): void {
    const message = (error as Error).message;
    if (message !== this.#databaseError) logger.warn('cannot read published prompt versions', { error: message });
    this.#databaseError = message;
  }

  #applyRows(rows: readonly PromptVersionRow[], fingerprint: string): void {
    this.#databaseError = undefined;
    const previous = this.#databaseEntries;
    const next = new Map<string, DatabaseEntry>();
    let changed = rows.length !== previous.size;
    for (const row of rows) {
      const key = `${row.name}@${row.version}`;
      const entry = refreshEntry(previous.get(key), row);
      if (entry !== previous.get(key)) changed = true;
      if (entry.problem && entry.problem !== previous.get(key)?.problem) {
        logger.warn('published prompt version problem', { path: entry.problem.path, problem: entry.problem.message });
      }
      next.set(key, entry);
    }
    this.#databaseEntries = next;
    this.#tableFingerprint = fingerprint;
    if (changed) this.#rebuild('api');
  }

  /** Stops watching. The library keeps serving what it holds. */
  close(): void {
    this.#stopWatching();
  }

  #scheduleReload(folder: string): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      try {
        this.loadFiles(folder);
      } catch (error) {
        logger.error('prompt files reload failed', { path: folder, error: (error as Error).message });
      }
    }, this.#debounceMs);
    this.#timer.unref();
  }

  #stopWatching(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#watcher?.close();
    this.#watcher = undefined;
  }

  #rebuild(source: PromptLibraryChange['source']): void {
    const merged = new Map<string, PromptVersion>();
    for (const entry of this.#databaseEntries.values()) {
      if (entry.version) merged.set(versionKey(entry.version), entry.version);
    }
    const conflicts: PromptLoadProblem[] = [];
    for (const version of this.#fileVersions.values()) {
      const key = versionKey(version);
      if (merged.get(key)?.source === 'api') {
        conflicts.push({ path: version.path ?? '', message: `${key} is also published in the database; the file wins` });
      }
      merged.set(key, version);
    }
    logNew(this.#conflicts, conflicts, 'prompt file shadows a published version');
    this.#conflicts = conflicts;
    this.#index = buildIndex(merged.values());
    this.#names = [...this.#index.keys()].sort();
    for (const listener of this.#listeners) {
      try {
        listener({ source });
      } catch (error) {
        logger.error('prompt library listener failed', { error: (error as Error).message });
      }
    }
  }
}

function buildIndex(versions: Iterable<PromptVersion>): Map<string, IndexedPrompt> {
  const byName = new Map<string, PromptVersion[]>();
  for (const version of versions) {
    const list = byName.get(version.definition.name) ?? [];
    list.push(version);
    byName.set(version.definition.name, list);
  }
  const index = new Map<string, IndexedPrompt>();
  for (const [name, list] of byName) {
    list.sort((left, right) => left.definition.version - right.definition.version);
    const current = list.findLast((version) => version.deprecatedAt === null);
    index.set(name, {
      versions: list,
      byNumber: new Map(list.map((version) => [version.definition.version, version])),
      latest: current ?? list[list.length - 1],
    });
  }
  return index;
}

/** The previous entry when the row is unchanged (a new one if only `deprecated_at` moved). */
/** Changes whenever a version is added or removed, or a deprecation is set (rows are otherwise immutable). */
async function pgTableFingerprint(database: PostgresDatabase): Promise<string> {
  const result = await database.execute<{ fingerprint: string }>(
    sql`select count(*) || ':' || coalesce(max(created_at), 0) || ':' || coalesce(sum(version), 0) || ':' || coalesce(sum(deprecated_at), 0) as fingerprint from ${pgPromptVersions}`,
  );
  return result.rows[0].fingerprint;
}

function tableFingerprint(database: TollgateDatabase): string {
  const row = database.get<{ fingerprint: string }>(
    sql`select count(*) || ':' || coalesce(max(created_at), 0) || ':' || total(version) || ':' || total(deprecated_at) as fingerprint from ${promptVersions}`,
  );
  return row.fingerprint;
}

function refreshEntry(previous: DatabaseEntry | undefined, row: PromptVersionRow): DatabaseEntry {
  const fingerprint = `${row.ownerTenantId ?? ''}\u0000${row.definition}`;
  if (previous?.fingerprint !== fingerprint) return parseRow(row, fingerprint);
  const version = previous.version;
  if (!version) return previous;
  const deprecatedAt = deprecatedAtOf(row, version.definition);
  if (version.deprecatedAt === deprecatedAt && version.createdAt === row.createdAt) return previous;
  return { ...previous, version: { ...version, deprecatedAt, createdAt: row.createdAt } };
}

/** The row's `deprecated_at`; a definition stored with `deprecated: true` counts from its creation. */
function deprecatedAtOf(row: PromptVersionRow, definition: PromptDefinition): number | null {
  return row.deprecatedAt ?? (definition.deprecated ? row.createdAt : null);
}

/** The row's `owner_tenant_id`, when set, is the owner whatever the stored definition says. */
function parseRow(row: PromptVersionRow, fingerprint: string): DatabaseEntry {
  const path = `database:${row.name}@${row.version}`;
  let raw: unknown;
  try {
    raw = JSON.parse(row.definition);
  } catch (error) {
    return { fingerprint, problem: { path, message: `the stored definition is not JSON: ${(error as Error).message}` } };
  }
  const withOwner = isObject(raw) && row.ownerTenantId !== null ? { ...raw, owner: row.ownerTenantId } : raw;
  const check = checkPromptDefinition(withOwner);
  if (!check.ok) return { fingerprint, problem: { path, message: check.problems.join('; ') } };
  const { name, version } = check.definition;
  if (name !== row.name || version !== row.version) {
    return { fingerprint, problem: { path, message: `the stored definition is ${name}@${version}, not ${row.name}@${row.version}` } };
  }
  return {
    fingerprint,
    version: { definition: check.definition, source: 'api', deprecatedAt: deprecatedAtOf(row, check.definition), createdAt: row.createdAt },
  };
}

function logNew(previous: readonly PromptLoadProblem[], current: readonly PromptLoadProblem[], message: string): void {
  const known = new Set(previous.map((problem) => `${problem.path}\u0000${problem.message}`));
  for (const problem of current) {
    if (!known.has(`${problem.path}\u0000${problem.message}`)) logger.warn(message, { path: problem.path, problem: problem.message });
  }
}

function versionKey(version: PromptVersion): string {
  return `${version.definition.name}@${version.definition.version}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
