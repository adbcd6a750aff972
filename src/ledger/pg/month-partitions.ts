/**
 * @module ledger/pg/month-partitions
 * The PostgreSQL `calls` table is partitioned by UTC month of `time` (epoch ms): `calls_y2026m07`
 * holds July 2026. The writer creates a month's partition before its first row of that month;
 * retention drops whole months instead of deleting rows, which frees the space at once and leaves
 * no dead tuples for VACUUM.
 */
import type pg from 'pg';

/** The first millisecond of the UTC month holding `time`. */
export function monthStart(time: number): number {
  const date = new Date(time);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

function nextMonthStart(start: number): number {
  const date = new Date(start);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

export function partitionName(start: number): string {
  const date = new Date(start);
  return `calls_y${date.getUTCFullYear()}m${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

type Queryable = Pick<pg.Pool, 'query'>;

/** Creates partitions on demand, remembering those it knows exist. */
export class MonthPartitions {
  private readonly known = new Set<number>();

  /** Makes sure every month of `times` has its partition. */
  async ensure(database: Queryable, times: Iterable<number>): Promise<void> {
    for (const time of times) {
      const start = monthStart(time);
      if (this.known.has(start)) continue;
      await createPartition(database, start);
      this.known.add(start);
    }
  }

  forget(): void {
    this.known.clear();
  }
}

async function createPartition(database: Queryable, start: number): Promise<void> {
  const sql = `CREATE TABLE IF NOT EXISTS ${partitionName(start)} PARTITION OF calls FOR VALUES FROM (${start}) TO (${nextMonthStart(start)})`;
  try {
    await database.query(sql);
  } catch (error) {
    // Two instances creating the same month at once: one wins, the other's catalog insert collides.
    const code = (error as { code?: string }).code;
    if (code !== '42P07' && code !== '23505') throw error;
  }
}

/**
 * Drops the months that end at or before `cutoff` (epoch ms): a call is kept until its whole
 * month is older than the retention period. Returns the partitions dropped.
 */
export async function dropMonthsBefore(database: Queryable, cutoff: number): Promise<string[]> {
  const result = await database.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
     WHERE p.relname = 'calls' AND p.relnamespace = current_schema()::regnamespace`,
  );
  const dropped: string[] = [];
  for (const { name } of result.rows) {
    const match = /^calls_y(\d{4})m(\d{2})$/.exec(name);
    if (!match) continue;
    const end = Date.UTC(Number(match[1]), Number(match[2]), 1);
    if (end > cutoff) continue;
    await database.query(`DROP TABLE IF EXISTS ${name}`);
    dropped.push(name);
  }
  return dropped.sort();
}
