/**
 * @module audit/audit-store
 * The SQL of the audit trail, and nothing else: append one event, and read events newest first
 * with filters and a cursor. Kept in one small module so another database can take its place.
 */
import { and, desc, eq, gte, lt, lte, type SQL } from 'drizzle-orm';
import type { TollgateDatabase } from '../storage/database.js';
import { auditEvents } from '../storage/schema.js';

export interface AuditEvent {
  time?: number;
  actorKind: 'operator' | 'tenant' | 'cli' | 'config' | 'anonymous' | 'file';
  actor: string | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  source?: string | null;
  before?: unknown;
  after?: unknown;
  detail?: Record<string, unknown>;
}

export interface AuditQuery {
  action?: string;
  actor?: string;
  targetType?: string;
  target?: string;
  /** Milliseconds since the epoch, inclusive. */
  from?: number;
  to?: number;
  limit: number;
  /** The id of the last event of the previous page. */
  cursor?: number;
}

export interface AuditRecordJson {
  id: number;
  time: string;
  actor_kind: string;
  actor: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  source: string | null;
  before: unknown;
  after: unknown;
  detail: unknown;
}

const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));
const parsed = (text: string | null) => (text === null ? null : (JSON.parse(text) as unknown));

export function appendAuditEvent(database: TollgateDatabase, event: AuditEvent): void {
  database
    .insert(auditEvents)
    .values({
      time: event.time ?? Date.now(),
      actorKind: event.actorKind,
      actor: event.actor,
      action: event.action,
      targetType: event.targetType ?? null,
      targetId: event.targetId ?? null,
      source: event.source ?? null,
      before: json(event.before),
      after: json(event.after),
      detail: json(event.detail),
    })
    .run();
}

export function queryAuditEvents(database: TollgateDatabase, query: AuditQuery): { data: AuditRecordJson[]; next_cursor: string | null } {
  const conditions: SQL[] = [];
  if (query.action) conditions.push(eq(auditEvents.action, query.action));
  if (query.actor) conditions.push(eq(auditEvents.actor, query.actor));
  if (query.targetType) conditions.push(eq(auditEvents.targetType, query.targetType));
  if (query.target) conditions.push(eq(auditEvents.targetId, query.target));
  if (query.from !== undefined) conditions.push(gte(auditEvents.time, query.from));
  if (query.to !== undefined) conditions.push(lte(auditEvents.time, query.to));
  if (query.cursor !== undefined) conditions.push(lt(auditEvents.id, query.cursor));
  const rows = database
    .select()
    .from(auditEvents)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(desc(auditEvents.id))
    .limit(query.limit + 1)
    .all();
  const page = rows.slice(0, query.limit);
  return {
    data: page.map((row) => ({
      id: row.id,
      time: new Date(row.time).toISOString(),
      actor_kind: row.actorKind,
      actor: row.actor,
      action: row.action,
      target_type: row.targetType,
      target_id: row.targetId,
      source: row.source,
      before: parsed(row.before),
      after: parsed(row.after),
      detail: parsed(row.detail),
    })),
    next_cursor: rows.length > query.limit ? String(page[page.length - 1].id) : null,
  };
}
