/**
 * @module storage/pg/pg-change-counters
 * How an instance on PostgreSQL learns that another instance (or the CLI) changed the control
 * plane it holds in memory — tenants and keys, prices, published prompts, subscriptions — when no
 * Redis notice told it (no Redis, or a notice lost in a reconnect).
 *
 * Every write bumps its kind's row of `change_counters` in the same transaction as the change.
 * `PgChangeWatch` reads the few counter rows about once a second (one indexed query, off the
 * request path) and re-reads a kind only when its version moved. A store reads the counter before
 * its rows, so a change committed while it reads is seen again at the next check, never missed.
 */
import { sql } from 'drizzle-orm';
import { logger } from '../../logging/logger.js';
import { changeKinds, type ChangeKind } from '../../coordination/local-changes.js';
import type { PostgresDatabase } from './postgres-database.js';

/** Anything that can run a statement: the database or one of its transactions. */
export type PgExecutor = Pick<PostgresDatabase, 'execute'>;

/** Call inside the transaction that makes the change. */
export async function bumpPgChange(executor: PgExecutor, kind: ChangeKind): Promise<void> {
  await executor.execute(sql`insert into change_counters (name, version) values (${kind}, 1) on conflict (name) do update set version = change_counters.version + 1`);
}

/** Every counter's version (0 when a kind was never changed). */
export async function readPgChanges(executor: PgExecutor): Promise<Map<ChangeKind, number>> {
  const result = await executor.execute<{ name: string; version: number | string }>(sql`select name, version from change_counters`);
  const versions = new Map<ChangeKind, number>(changeKinds.map((kind) => [kind, 0]));
  for (const row of result.rows) {
    if (versions.has(row.name as ChangeKind)) versions.set(row.name as ChangeKind, Number(row.version));
  }
  return versions;
}

export type PgReloaders = Record<ChangeKind, () => Promise<unknown>>;

/**
 * Polls the counters every `intervalMs` and re-reads what moved. A failed check (PostgreSQL away)
 * is logged once per outage and retried at the next tick; memory keeps serving meanwhile.
 */
export class PgChangeWatch {
  private readonly seen: Map<ChangeKind, number>;
  private readonly timer: NodeJS.Timeout;
  private running: Promise<void> | undefined;
  private failing = false;

  /**
   * `loaded`: the versions read before the stores first loaded their rows (`readPgChanges`), so
   * a change made while they loaded is re-read at the first tick.
   */
  constructor(
    private readonly database: PostgresDatabase,
    private readonly reloaders: PgReloaders,
    loaded: ReadonlyMap<ChangeKind, number>,
    intervalMs = 1_000,
  ) {
    this.seen = new Map(loaded);
    this.timer = setInterval(() => void this.check(), intervalMs);
    this.timer.unref();
  }

  /** One check; checks never overlap. */
  check(): Promise<void> {
    this.running ??= this.runCheck().finally(() => (this.running = undefined));
    return this.running;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async runCheck(): Promise<void> {
    try {
      const versions = await readPgChanges(this.database);
      for (const [kind, version] of versions) {
        if (this.seen.get(kind) === version) continue;
        await this.reloaders[kind]();
        this.seen.set(kind, version);
      }
      if (this.failing) logger.info('reading changes from PostgreSQL recovered');
      this.failing = false;
    } catch (error) {
      if (!this.failing) logger.warn('reading changes from PostgreSQL failed; serving what is in memory and retrying every second', { error: String(error) });
      this.failing = true;
    }
  }
}
