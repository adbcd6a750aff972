/**
 * @module alerts/alert-store
 * All SQL of alerts. `recordAlert` inserts only if no alert has the same `dedupe_key` (a unique
 * index), and says whether this call made the row — the cluster-wide "send once". Deliveries are
 * claimed with a compare-and-set on `lease_until`, so one attempt is made by one gateway. A
 * PostgreSQL twin keeps the same statements (ON CONFLICT, UPDATE ... WHERE).
 */
import type Database from 'better-sqlite3';

export interface NewAlert {
  id: string;
  dedupeKey: string;
  kind: 'budget_threshold' | 'spend_spike';
  tenantId: string;
  keyId: string | null;
  payload: string;
  createdAt: number;
  /** `pending` when a webhook will be sent, `recorded` otherwise. */
  status: 'pending' | 'recorded';
}

export interface AlertRow {
  id: string;
  dedupe_key: string;
  kind: string;
  tenant_id: string;
  key_id: string | null;
  payload: string;
  created_at: number;
  status: string;
  attempts: number;
  next_attempt_at: number | null;
  lease_until: number | null;
  delivered_at: number | null;
  last_error: string | null;
}

/** True when this call created the alert; false when one with the same key already exists. */
export function recordAlert(client: Database.Database, alert: NewAlert): boolean {
  return (
    client
      .prepare(
        `INSERT INTO alerts (id, dedupe_key, kind, tenant_id, key_id, payload, created_at, status, attempts, next_attempt_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
      )
      .run(alert.id, alert.dedupeKey, alert.kind, alert.tenantId, alert.keyId, alert.payload, alert.createdAt, alert.status, alert.status === 'pending' ? alert.createdAt : null)
      .changes === 1
  );
}

/** Ids of pending alerts whose next attempt is due and that no gateway holds a lease on. */
export function dueAlerts(client: Database.Database, now: number, limit = 20): string[] {
  return client
    .prepare(
      `SELECT id FROM alerts WHERE status = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
       ORDER BY next_attempt_at LIMIT ?`,
    )
    .pluck()
    .all(now, now, limit) as string[];
}

/** Takes the next delivery attempt of `id` for `leaseMs`; undefined when another gateway has it or it is no longer due. */
export function claimDelivery(client: Database.Database, id: string, now: number, leaseMs: number): AlertRow | undefined {
  const claimed = client
    .prepare(
      `UPDATE alerts SET lease_until = ?, attempts = attempts + 1
       WHERE id = ? AND status = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)`,
    )
    .run(now + leaseMs, id, now, now).changes;
  return claimed === 1 ? (client.prepare('SELECT * FROM alerts WHERE id = ?').get(id) as AlertRow) : undefined;
}

export function markDelivered(client: Database.Database, id: string, now: number): void {
  client.prepare(`UPDATE alerts SET status = 'delivered', delivered_at = ?, lease_until = NULL, last_error = NULL WHERE id = ?`).run(now, id);
}

/** A failed attempt: retried at `nextAttemptAt`, or `failed` for good when that is null. */
export function markAttemptFailed(client: Database.Database, id: string, error: string, nextAttemptAt: number | null): void {
  client
    .prepare(`UPDATE alerts SET status = ?, next_attempt_at = ?, lease_until = NULL, last_error = ? WHERE id = ?`)
    .run(nextAttemptAt === null ? 'failed' : 'pending', nextAttemptAt, error.slice(0, 500), id);
}

export interface AlertListQuery {
  tenant?: string[];
  kind?: string;
  status?: string;
  /** Epoch ms, inclusive / exclusive. */
  from?: number;
  to?: number;
  limit: number;
  /** The last row of the previous page. */
  before?: { createdAt: number; id: string };
}

/** Newest first, paged by (created_at, id). */
export function listAlerts(client: Database.Database, query: AlertListQuery): AlertRow[] {
  const conditions: string[] = [];
  const params: Array<string | number> = [];
  if (query.tenant) {
    conditions.push(`tenant_id IN (${query.tenant.map(() => '?').join(', ')})`);
    params.push(...query.tenant);
  }
  if (query.kind !== undefined) {
    conditions.push('kind = ?');
    params.push(query.kind);
  }
  if (query.status !== undefined) {
    conditions.push('status = ?');
    params.push(query.status);
  }
  if (query.from !== undefined) {
    conditions.push('created_at >= ?');
    params.push(query.from);
  }
  if (query.to !== undefined) {
    conditions.push('created_at < ?');
    params.push(query.to);
  }
  if (query.before) {
    conditions.push('created_at <= ? AND (created_at < ? OR id < ?)');
    params.push(query.before.createdAt, query.before.createdAt, query.before.id);
  }
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  return client.prepare(`SELECT * FROM alerts${where} ORDER BY created_at DESC, id DESC LIMIT ?`).all(...params, query.limit) as AlertRow[];
}
