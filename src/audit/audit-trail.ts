/**
 * @module audit/audit-trail
 * Writes the audit trail: who (operator or key id), what, when, from where, before and after.
 * Admin changes are rare and each is written at once. Refused authentications come from anyone,
 * so they are rate-limited before they reach storage — at most `perSourcePerMinute` events per
 * client address and `perMinute` in all each minute; the rest are counted and written as one
 * `auth.refused.suppressed` event when the minute ends — so a flood of bad keys can neither fill
 * the table nor spend the event loop on writes. A failed write is logged, never thrown at a caller.
 */
import { hostname, userInfo } from 'node:os';
import { logger } from '../logging/logger.js';
import type { TollgateDatabase } from '../storage/database.js';
import { sqliteAuditStore, type AuditEvent, type AuditQuery, type AuditStore } from './audit-store.js';

export interface RefusalLimits {
  perSourcePerMinute: number;
  perMinute: number;
}

export interface Refusal {
  status: number;
  reason: string;
  actor: string | null;
  source: string | null;
  method: string;
  path: string;
  forwardedFor?: string;
}

const minuteMs = 60_000;
/** Distinct sources remembered per minute; past it every new source shares one budget. */
const maxTrackedSources = 10_000;

export class AuditTrail {
  private windowStart = 0;
  private perSource = new Map<string, number>();
  private written = 0;
  private suppressed = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly store: AuditStore;
  private readonly pending = new Set<Promise<void>>();

  /** `database`: the SQLite file, or the trail's store (PostgreSQL with `storage.postgres`). */
  constructor(
    database: TollgateDatabase | AuditStore,
    private readonly limits: RefusalLimits = { perSourcePerMinute: 10, perMinute: 100 },
    private readonly now: () => number = Date.now,
  ) {
    this.store = 'append' in database ? database : sqliteAuditStore(database);
    this.timer = setInterval(() => this.roll(this.now()), minuteMs);
    this.timer.unref();
  }

  /**
   * One change, written now. On PostgreSQL the returned promise settles once it is written (an
   * admin route awaits it, so its answer comes after the record); it never rejects.
   */
  record(event: AuditEvent): void | Promise<void> {
    const failed = (error: unknown) => logger.error('audit event not written', { action: event.action, actor: event.actor, error: String(error) });
    try {
      const written = this.store.append(event);
      if (!written) return;
      const settled = written.catch(failed);
      this.pending.add(settled);
      void settled.finally(() => this.pending.delete(settled));
      return settled;
    } catch (error) {
      failed(error);
    }
  }

  /** Events newest first (`GET /admin/audit`), from the same store. */
  query(query: AuditQuery): ReturnType<AuditStore['query']> {
    return this.store.query(query);
  }

  /** Waits for the writes still in flight (PostgreSQL), before the pool closes. */
  async settled(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  /** A refused authentication or authorisation, within the storage rate limit. */
  refusal(refusal: Refusal): void {
    const now = this.now();
    this.roll(now);
    const sourceKey = this.perSource.size >= maxTrackedSources && !this.perSource.has(refusal.source ?? '') ? '*' : (refusal.source ?? '');
    const fromSource = this.perSource.get(sourceKey) ?? 0;
    if (this.written >= this.limits.perMinute || fromSource >= this.limits.perSourcePerMinute) {
      this.suppressed++;
      return;
    }
    this.perSource.set(sourceKey, fromSource + 1);
    this.written++;
    this.record({
      time: now,
      actorKind: 'anonymous',
      actor: refusal.actor,
      action: refusal.status === 401 ? 'auth.refused' : 'auth.forbidden',
      source: refusal.source,
      detail: { status: refusal.status, reason: refusal.reason, method: refusal.method, path: refusal.path, forwarded_for: refusal.forwardedFor },
    });
  }

  /** Writes what the current minute suppressed. */
  close(): void {
    clearInterval(this.timer);
    this.roll(Number.POSITIVE_INFINITY);
  }

  private roll(now: number): void {
    if (now - this.windowStart < minuteMs) return;
    if (this.suppressed > 0) {
      this.record({
        actorKind: 'anonymous',
        actor: null,
        action: 'auth.refused.suppressed',
        detail: { count: this.suppressed, window_start: new Date(this.windowStart).toISOString(), sources: this.perSource.size },
      });
    }
    this.windowStart = Number.isFinite(now) ? now : this.windowStart;
    this.perSource = new Map();
    this.written = 0;
    this.suppressed = 0;
  }
}

/** Who the command-line tool acts as, and from where. */
export function cliActor(): Pick<AuditEvent, 'actorKind' | 'actor' | 'source'> {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): keep "unknown".
  }
  return { actorKind: 'cli', actor: user, source: `cli@${hostname()}` };
}
