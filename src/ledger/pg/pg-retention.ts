/**
 * @module ledger/pg/pg-retention
 * `storage.retentionDays` on PostgreSQL: once an hour, the months of `calls` that ended more than
 * that many days ago are dropped (month-partitions.ts). The rollups are kept, as on SQLite. A
 * month goes whole, so a call is kept up to a month longer than the retention period: the price
 * of dropping a table instead of deleting millions of rows one by one.
 */
import { logger } from '../../logging/logger.js';
import type { PostgresDatabase } from '../../storage/pg/postgres-database.js';
import { dropMonthsBefore } from './month-partitions.js';

const dayMs = 86_400_000;
const intervalMs = 3_600_000;

export function startPgRetention(database: PostgresDatabase, retentionDays: number): { stop(): void } {
  const run = async () => {
    try {
      const dropped = await dropMonthsBefore(database.$client, Date.now() - retentionDays * dayMs);
      if (dropped.length > 0) logger.info('ledger retention dropped months of calls', { partitions: dropped });
    } catch (error) {
      logger.warn('ledger retention failed; tried again in an hour', { error: String(error) });
    }
  };
  void run();
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
