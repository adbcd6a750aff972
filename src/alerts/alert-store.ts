/**
 * @module alerts/alert-store
 * All SQL of alerts. `recordAlert` inserts only if no alert has the same `dedupe_key` (a unique
 * index), and says whether this call made the row — the cluster-wide "send once". Deliveries are
 * claimed with a compare-and-set on `lease_until`, so one attempt is made by one gateway. The
 * statements are the same on SQLite and PostgreSQL (`storage/control-sql.ts`).
 */
import type { ControlSql } from '../storage/control-sql.js';

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
export async function recordAlert(db: ControlSql, alert: NewAlert): Promise<boolean> {
  const inserted = await db.run(
    `INSERT INTO alerts (id, dedupe_key, kind, tenant_id, key_id, payload, created_at, status, attempts, next_attempt_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
    [alert.id, alert.dedupeKey, alert.kind, alert.tenantId, alert.keyId, alert.payload, alert.createdAt, alert.status, alert.status === 'pending' ? alert.createdAt : null],
  );
  return inserted === 1;
}

/** Ids of pending alerts whose next attempt is due and that no gateway holds a lease on. */
export async function dueAlerts(db: ControlSql, now: number, limit = 20): Promise<string[]> {
  const rows = await db.all<{ id: string }>(
    `SELECT id FROM alerts WHERE status = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
     ORDER BY next_attempt_at LIMIT ?`,
    [now, now, limit],
  );
  return rows.map((row) => row.id);
}

/** Takes the next delivery attempt of `id` for `leaseMs`; undefined when another gateway has it or it is no longer due. */
export async function claimDelivery(db: ControlSql, id: string, now: number, leaseMs: number): Promise<AlertRow | undefined> {
  const claimed = await db.run(
    `UPDATE alerts SET lease_until = ?, attempts = attempts + 1
     WHERE id = ? AND status = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)`,
    [now + leaseMs, id, now, now],
  );
  return claimed === 1 ? (await db.all<AlertRow>('SELECT * FROM alerts WHERE id = ?', [id]))[0] : undefined;
}

export async function markDelivered(db: ControlSql, id: string, now: number): Promise<void> {
  await db.run(`UPDATE alerts SET status = 'delivered', delivered_at = ?, lease_until = NULL, last_error = NULL WHERE id = ?`, [now, id]);
}

/** A failed attempt: retried at `nextAttemptAt`, or `failed` for good when that is null. */
export async function markAttemptFailed(db: ControlSql, id: string, error: string, nextAttemptAt: number | null): Promise<void> {
  await db.run(`UPDATE alerts SET status = ?, next_attempt_at = ?, lease_until = NULL, last_error = ? WHERE id = ?`, [
    nextAttemptAt === null ? 'failed' : 'pending',
    nextAttemptAt,
    error.slice(0, 500),
    id,
  ]);
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
export function listAlerts(db: ControlSql, query: AlertListQuery): Promise<AlertRow[]> {
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
  return db.all<AlertRow>(`SELECT * FROM alerts${where} ORDER BY created_at DESC, id DESC LIMIT ?`, [...params, query.limit]);
}
