/**
 * @module ledger/retention
 * Deletes `calls` rows older than the retention period, a few thousand per statement so that no
 * single statement holds the write lock for long. `daily_rollups` are kept: totals outlive rows.
 */
import type { Database } from 'better-sqlite3';
import { logger } from '../logging/logger.js';
import type { TollgateDatabase } from '../storage/database.js';

export interface RetentionHandle {
  stop(): void;
}

const deleteBatchSize = 5_000;
const dayMs = 86_400_000;
/** The first run waits this long after start (or `intervalMs` if shorter), off the start-up path. */
const firstRunDelayMs = 10_000;

/** Deletes calls with `time < cutoffMs`; returns how many. Each batch is its own short statement. */
export function deleteCallsOlderThan(db: TollgateDatabase, cutoffMs: number): number {
  let deleted = 0;
  for (;;) {
    const changes = deleteBatch(db.$client, cutoffMs);
    deleted += changes;
    if (changes < deleteBatchSize) return deleted;
  }
}

/**
 * Runs `deleteCallsOlderThan(now - retentionDays)` soon after start and then every `intervalMs`,
 * yielding to the event loop between batches so that requests and the ledger writer go on.
 */
export interface RetentionOptions {
  /** How often it runs; hourly by default. */
  intervalMs?: number;
  /** Checked before each batch: false stops the run (this instance no longer holds the job's lease). */
  held?: () => boolean;
}

export function startRetention(db: TollgateDatabase, retentionDays: number, options: RetentionOptions = {}): RetentionHandle {
  const { intervalMs = 3_600_000, held = () => true } = options;
  if (!(retentionDays > 0 && Number.isFinite(retentionDays))) throw new RangeError('retentionDays must be a positive number');
  if (!(intervalMs > 0 && Number.isFinite(intervalMs))) throw new RangeError('intervalMs must be a positive number');
  let stopped = false;
  let running = false;
  const run = async (): Promise<void> => {
    if (running) return;
    running = true;
    const cutoff = Date.now() - retentionDays * dayMs;
    let deleted = 0;
    try {
      for (;;) {
        if (stopped || !held() || !db.$client.open) break;
        const changes = deleteBatch(db.$client, cutoff);
        deleted += changes;
        if (changes < deleteBatchSize) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (deleted > 0) logger.info('ledger retention deleted old calls', { deleted, cutoff: new Date(cutoff).toISOString() });
    } catch (error) {
      logger.error('ledger retention failed', { error: error instanceof Error ? error.message : String(error), deleted });
    } finally {
      running = false;
    }
  };
  const first = setTimeout(() => void run(), Math.min(firstRunDelayMs, intervalMs));
  const every = setInterval(() => void run(), intervalMs);
  first.unref();
  every.unref();
  return {
    stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(every);
    },
  };
}

function deleteBatch(client: Database, cutoffMs: number): number {
  // The subquery walks the `calls_time` index; rowid picks the rows without a second lookup by id.
  return client
    .prepare('DELETE FROM calls WHERE rowid IN (SELECT rowid FROM calls WHERE time < ? LIMIT ?)')
    .run(cutoffMs, deleteBatchSize).changes;
}
