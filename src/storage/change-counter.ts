/**
 * @module storage/change-counter
 * How a process learns, before answering a request, that another process (the CLI, a second
 * gateway, a cluster worker) changed state it caches in memory — so a key created or revoked by
 * `tollgate keys …` is in force for the very next request, not a second later.
 *
 * Writers bump a named counter (`change_counters`) in the same transaction as their change.
 * Readers call `changed()` per request: `PRAGMA data_version`, which SQLite increments only when
 * another connection commits (about a microsecond, no table read), and only when it moved, the
 * counter's one row. The ledger's own commits move data_version too, but then the counter
 * says nothing changed and no reload happens.
 *
 * One check serves every request of the same event-loop turn (the requests Node parsed from one
 * poll of the sockets): they arrived together, so none of them can have been sent after a change
 * the first one's check missed. Under load that turns a `PRAGMA` per request (~1.7% of a chat
 * call's CPU) into one per turn.
 *
 * @example
 * const keys = new ChangeCounter(database.$client, 'keys');
 * database.transaction(() => { ...; keys.bump(); });
 * if (keys.changed()) keys.readConsistently(reload);
 */
import type Database from 'better-sqlite3';
import { announceChange, type ChangeKind } from '../coordination/local-changes.js';

export class ChangeCounter {
  private readonly dataVersion: Database.Statement;
  private readonly readVersion: Database.Statement;
  private readonly bumpVersion: Database.Statement;
  private lastDataVersion: unknown;
  private seenVersion: number;
  /** Set by a check, cleared when the event loop turns (see the module header). */
  private checkedThisTurn = false;
  private readonly nextTurn = () => {
    this.checkedThisTurn = false;
  };

  constructor(
    private readonly client: Database.Database,
    readonly name: ChangeKind,
  ) {
    this.dataVersion = client.prepare('PRAGMA data_version').pluck();
    this.readVersion = client.prepare('select version from change_counters where name = ?').pluck();
    this.bumpVersion = client.prepare('insert into change_counters (name, version) values (?, 1) on conflict (name) do update set version = version + 1');
    this.lastDataVersion = this.dataVersion.get();
    this.seenVersion = this.current();
  }

  /** True once for each batch of changes other connections committed since the last check or read. */
  changed(): boolean {
    if (this.checkedThisTurn) return false;
    this.checkedThisTurn = true;
    setImmediate(this.nextTurn).unref();
    const dataVersion = this.dataVersion.get();
    if (dataVersion === this.lastDataVersion) return false;
    this.lastDataVersion = dataVersion;
    const version = this.current();
    if (version === this.seenVersion) return false;
    this.seenVersion = version;
    return true;
  }

  /**
   * Runs `read` in one read transaction and records the counter as seen at that same snapshot, so
   * a change committed while reading is not mistaken for one already read.
   */
  readConsistently<T>(read: () => T): T {
    const dataVersion = this.dataVersion.get();
    const { result, version } = this.client.transaction(() => ({ result: read(), version: this.current() }))();
    this.lastDataVersion = dataVersion;
    this.seenVersion = version;
    return result;
  }

  /**
   * Call inside the transaction that makes the change. Also announces it to the other instances
   * (`coordination/change-notices.ts`); the notice goes out after the synchronous transaction ends.
   */
  bump(): void {
    this.bumpVersion.run(this.name);
    announceChange(this.name);
  }

  private current(): number {
    return (this.readVersion.get(this.name) as number | undefined) ?? 0;
  }
}
