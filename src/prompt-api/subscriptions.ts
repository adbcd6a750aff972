/**
 * @module prompt-api/subscriptions
 * Tenants asking to call other tenants' prompts, and the owners' answers. Checked on every prompt
 * call, so kept in memory; every change here updates memory at once, and `refreshIfChanged` picks
 * up changes from other processes.
 */
import { and, eq } from 'drizzle-orm';
import type { TollgateDatabase } from '../storage/database.js';
import { promptSubscriptions } from '../storage/schema.js';
import { announceChange } from '../coordination/local-changes.js';

export type SubscriptionStatus = 'pending' | 'approved' | 'rejected';

export interface Subscription {
  name: string;
  tenantId: string;
  status: SubscriptionStatus;
  requestedAt: number;
  decidedAt: number | null;
}

export class Subscriptions {
  private byKey = new Map<string, Subscription>();
  private fingerprint = '';

  constructor(private readonly database: TollgateDatabase) {
    this.load();
  }

  status(name: string, tenantId: string): SubscriptionStatus | undefined {
    return this.byKey.get(key(name, tenantId))?.status;
  }

  list(name: string): Subscription[] {
    return [...this.byKey.values()].filter((subscription) => subscription.name === name);
  }

  /** Asks for access; asking again after a rejection asks anew. An approved subscription stays approved. */
  request(name: string, tenantId: string): Subscription {
    const existing = this.byKey.get(key(name, tenantId));
    if (existing?.status === 'approved' || existing?.status === 'pending') return existing;
    const now = Date.now();
    this.database
      .insert(promptSubscriptions)
      .values({ name, tenantId, status: 'pending', requestedAt: now, decidedAt: null })
      .onConflictDoUpdate({ target: [promptSubscriptions.name, promptSubscriptions.tenantId], set: { status: 'pending', requestedAt: now, decidedAt: null } })
      .run();
    this.load();
    announceChange('subscriptions');
    return this.byKey.get(key(name, tenantId))!;
  }

  /** Records the owner's answer; undefined when that tenant never asked. */
  decide(name: string, tenantId: string, approve: boolean): Subscription | undefined {
    const result = this.database
      .update(promptSubscriptions)
      .set({ status: approve ? 'approved' : 'rejected', decidedAt: Date.now() })
      .where(and(eq(promptSubscriptions.name, name), eq(promptSubscriptions.tenantId, tenantId)))
      .run();
    this.load();
    if (result.changes > 0) announceChange('subscriptions');
    return result.changes > 0 ? this.byKey.get(key(name, tenantId)) : undefined;
  }

  /** Re-reads every subscription now: another instance said it changed one. */
  reload(): void {
    this.load();
  }

  refreshIfChanged(): void {
    if (this.currentFingerprint() !== this.fingerprint) this.load();
  }

  private currentFingerprint(): string {
    const row = this.database.$client
      .prepare("select count(*) || ':' || coalesce(max(max(requested_at), coalesce(max(decided_at), 0)), 0) as fingerprint from prompt_subscriptions")
      .get() as { fingerprint: string };
    return row.fingerprint;
  }

  private load(): void {
    const rows = this.database.select().from(promptSubscriptions).all();
    this.byKey = new Map(rows.map((row) => [key(row.name, row.tenantId), { ...row, status: row.status as SubscriptionStatus }]));
    this.fingerprint = this.currentFingerprint();
  }
}

function key(name: string, tenantId: string): string {
  return `${name}\u0000${tenantId}`;
}
