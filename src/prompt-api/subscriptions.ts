/**
 * @module prompt-api/subscriptions
 * Tenants asking to call other tenants' prompts (and services), and the owners' answers. Checked
 * on every prompt call, so kept in memory; every change here updates memory at once. On SQLite
 * `refreshIfChanged` picks up changes from other processes (a table fingerprint); on PostgreSQL
 * (`Subscriptions.openPostgres`) a change bumps the `subscriptions` change counter in the same
 * transaction, which the other instances watch (`storage/pg/pg-change-counters.ts`), and writes
 * return promises.
 */
import { and, eq } from 'drizzle-orm';
import type { TollgateDatabase } from '../storage/database.js';
import { promptSubscriptions } from '../storage/schema.js';
import { bumpPgChange } from '../storage/pg/pg-change-counters.js';
import type { PostgresDatabase } from '../storage/pg/postgres-database.js';
import { promptSubscriptions as pgSubscriptions } from '../storage/pg/schema.js';
import { announceChange } from '../coordination/local-changes.js';

export type SubscriptionStatus = 'pending' | 'approved' | 'rejected';

export interface Subscription {
  name: string;
  tenantId: string;
  status: SubscriptionStatus;
  requestedAt: number;
  decidedAt: number | null;
}

type Row = Omit<Subscription, 'status'> & { status: string };

export class Subscriptions {
  private byKey = new Map<string, Subscription>();
  private fingerprint = '';
  private postgres: PostgresDatabase | undefined;
  private readsStarted = 0;
  private readApplied = 0;

  constructor(private readonly database: TollgateDatabase | undefined) {
    if (database) this.load();
  }

  /** Subscriptions kept in the shared PostgreSQL database, all read now. */
  static async openPostgres(postgres: PostgresDatabase): Promise<Subscriptions> {
    const subscriptions = new Subscriptions(undefined);
    subscriptions.postgres = postgres;
    await subscriptions.reload();
    return subscriptions;
  }

  status(name: string, tenantId: string): SubscriptionStatus | undefined {
    return this.byKey.get(key(name, tenantId))?.status;
  }

  list(name: string): Subscription[] {
    return [...this.byKey.values()].filter((subscription) => subscription.name === name);
  }

  /** Asks for access; asking again after a rejection asks anew. An approved subscription stays approved. */
  request(name: string, tenantId: string): Subscription | Promise<Subscription> {
    const existing = this.byKey.get(key(name, tenantId));
    if (existing?.status === 'approved' || existing?.status === 'pending') return existing;
    const now = Date.now();
    const pending = { status: 'pending', requestedAt: now, decidedAt: null };
    if (this.postgres) {
      const postgres = this.postgres;
      return (async () => {
        await postgres.transaction(async (transaction) => {
          await transaction
            .insert(pgSubscriptions)
            .values({ name, tenantId, ...pending })
            .onConflictDoUpdate({ target: [pgSubscriptions.name, pgSubscriptions.tenantId], set: pending });
          await bumpPgChange(transaction, 'subscriptions');
        });
        await this.reload();
        announceChange('subscriptions');
        return this.byKey.get(key(name, tenantId))!;
      })();
    }
    this.database!
      .insert(promptSubscriptions)
      .values({ name, tenantId, ...pending })
      .onConflictDoUpdate({ target: [promptSubscriptions.name, promptSubscriptions.tenantId], set: pending })
      .run();
    this.load();
    announceChange('subscriptions');
    return this.byKey.get(key(name, tenantId))!;
  }

  /** Records the owner's answer; undefined when that tenant never asked. */
  decide(name: string, tenantId: string, approve: boolean): Subscription | undefined | Promise<Subscription | undefined> {
    const decision = { status: approve ? 'approved' : 'rejected', decidedAt: Date.now() };
    if (this.postgres) {
      const postgres = this.postgres;
      return (async () => {
        const changed = await postgres.transaction(async (transaction) => {
          const result = await transaction
            .update(pgSubscriptions)
            .set(decision)
            .where(and(eq(pgSubscriptions.name, name), eq(pgSubscriptions.tenantId, tenantId)));
          if ((result.rowCount ?? 0) > 0) await bumpPgChange(transaction, 'subscriptions');
          return (result.rowCount ?? 0) > 0;
        });
        await this.reload();
        if (changed) announceChange('subscriptions');
        return changed ? this.byKey.get(key(name, tenantId)) : undefined;
      })();
    }
    const result = this.database!
      .update(promptSubscriptions)
      .set(decision)
      .where(and(eq(promptSubscriptions.name, name), eq(promptSubscriptions.tenantId, tenantId)))
      .run();
    this.load();
    if (result.changes > 0) announceChange('subscriptions');
    return result.changes > 0 ? this.byKey.get(key(name, tenantId)) : undefined;
  }

  /** Re-reads every subscription now: another instance said it changed one. */
  reload(): void | Promise<void> {
    if (!this.postgres) return this.load();
    const ticket = ++this.readsStarted;
    return this.postgres
      .select()
      .from(pgSubscriptions)
      .then((rows) => {
        if (ticket < this.readApplied) return;
        this.readApplied = ticket;
        this.apply(rows);
      });
  }

  /** SQLite: re-reads when the table's fingerprint moved. PostgreSQL is watched by its change counter instead. */
  refreshIfChanged(): void {
    if (this.database && this.currentFingerprint() !== this.fingerprint) this.load();
  }

  private currentFingerprint(): string {
    const row = this.database!.$client
      .prepare("select count(*) || ':' || coalesce(max(max(requested_at), coalesce(max(decided_at), 0)), 0) as fingerprint from prompt_subscriptions")
      .get() as { fingerprint: string };
    return row.fingerprint;
  }

  private load(): void {
    this.apply(this.database!.select().from(promptSubscriptions).all());
    this.fingerprint = this.currentFingerprint();
  }

  private apply(rows: readonly Row[]): void {
    this.byKey = new Map(rows.map((row) => [key(row.name, row.tenantId), { ...row, status: row.status as SubscriptionStatus }]));
  }
}

function key(name: string, tenantId: string): string {
  return `${name}\u0000${tenantId}`;
}
