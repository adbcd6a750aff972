/**
 * @module audit/audit-store
 * The SQL of the audit trail, and nothing else: append one event, and read events newest first
 * with filters and a cursor — on SQLite, or on PostgreSQL (`storage.postgres`), where every
 * instance writes one trail. `AuditStore` is the one interface both give.
 */
import { and, desc, eq, gte, lt, lte, type SQL } from 'drizzle-orm';
import type { TollgateDatabase } from '../storage/database.js';
import type { PostgresDatabase } from '../storage/pg/postgres-database.js';
import { auditEvents as pgAuditEvents } from '../storage/pg/schema.js';
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

export interface AuditStore {
  /** Synchronous on SQLite; a promise on PostgreSQL. */
  append(event: AuditEvent): void | Promise<void>;
  query(query: AuditQuery): Promise<{ data: AuditRecordJson[]; next_cursor: string | null }>;
}

export function sqliteAuditStore(database: TollgateDatabase): AuditStore {
  return { append: (event) => appendAuditEvent(database, event), query: async (query) => queryAuditEvents(database, query) };
}

export function postgresAuditStore(database: PostgresDatabase): AuditStore {
  return {
    append: async (event) => {
      await database.insert(pgAuditEvents).values(auditRow(event));
    },
    query: async (query) => {
      const conditions: SQL[] = [];
      if (query.action) conditions.push(eq(pgAuditEvents.action, query.action));
      if (query.actor) conditions.push(eq(pgAuditEvents.actor, query.actor));
      if (query.targetType) conditions.push(eq(pgAuditEvents.targetType, query.targetType));
      if (query.target) conditions.push(eq(pgAuditEvents.targetId, query.target));
      if (query.from !== undefined) conditions.push(gte(pgAuditEvents.time, query.from));
      if (query.to !== undefined) conditions.push(lte(pgAuditEvents.time, query.to));
      if (query.cursor !== undefined) conditions.push(lt(pgAuditEvents.id, query.cursor));
      const rows = await database
        .select()
        .from(pgAuditEvents)
        .where(conditions.length > 0 ? and(...conditions) : undefined)
        .orderBy(desc(pgAuditEvents.id))
        .limit(query.limit + 1);
      return page(rows, query.limit);
    },
  };
}

function auditRow(event: AuditEvent) {
  return {
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
  };
}

export function appendAuditEvent(database: TollgateDatabase, event: AuditEvent): void {
  database.insert(auditEvents).values(auditRow(event)).run();
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
  return page(rows, query.limit);
}

function page(rows: Array<typeof auditEvents.$inferSelect>, limit: number): { data: AuditRecordJson[]; next_cursor: string | null } {
  const page = rows.slice(0, limit);
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
    next_cursor: rows.length > limit ? String(page[page.length - 1].id) : null,
  };
}
