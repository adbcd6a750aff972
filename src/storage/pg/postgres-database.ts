/**
 * @module storage/pg/postgres-database
 * Opens PostgreSQL (node-postgres pool, drizzle pg dialect) and applies the committed migrations
 * of `drizzle/pg/`. Several instances may start at once against one database: migrating holds a
 * session advisory lock, so one applies and the others then find nothing left to do. A database
 * migrated by a newer Tollgate is refused (storage/schema-version.ts).
 */
import { join } from 'node:path';
import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { migrationsFolder } from '../database.js';
import { assertSchemaNotNewer } from '../schema-version.js';
import * as schema from './schema.js';

export type PostgresDatabase = NodePgDatabase<typeof schema> & { $client: pg.Pool };

export interface PostgresOptions {
  /** Pool size (default 4): the ledger writer holds one connection per flush, reports and admin reads the rest. */
  maxConnections?: number;
  /** Gives up connecting after this long (default 5 s), so an outage is noticed rather than waited out. */
  connectTimeoutMs?: number;
}

/** An arbitrary fixed key: every Tollgate migrating this database takes the same lock. */
const migrationLockKey = 7_271_001;

// bigint columns come back as strings by default; ours are epoch ms, counts and nano-dollars, all
// below 2^53 (storage/schema.ts), and the schema reads them as numbers. Aggregates over them are
// `numeric` (type 1700) and stay strings for the callers that need exact sums.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export function postgresMigrationsFolder(): string {
  return join(migrationsFolder(), 'pg');
}

/** A pool and drizzle over it; nothing is sent until the first query. */
export function connectPostgres(url: string, options: PostgresOptions = {}): PostgresDatabase {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 4,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    // A server that stops answering mid-query (a network partition) must not hold a flush forever.
    query_timeout: 30_000,
    idleTimeoutMillis: 30_000,
    application_name: 'tollgate',
  });
  // An idle connection the server closes (a restart, an outage) emits here; the next query reconnects.
  pool.on('error', () => {});
  return drizzle(pool, { schema }) as PostgresDatabase;
}

/** Applies the migrations the database lacks; throws when it is newer than this code. */
export async function migratePostgres(database: PostgresDatabase): Promise<{ applied: number }> {
  const folder = postgresMigrationsFolder();
  const client = await database.$client.connect();
  const ignore = () => {};
  // A server that goes away mid-migration fails the query; the client's own error event adds nothing.
  client.on('error', ignore);
  try {
    await client.query('select pg_advisory_lock($1)', [migrationLockKey]);
    try {
      const before = await appliedMigrations(client);
      assertSchemaNotNewer(before.newest, folder, 'the PostgreSQL database');
      await migrate(drizzle(client, { schema }), { migrationsFolder: folder });
      const after = await appliedMigrations(client);
      return { applied: after.count - before.count };
    } finally {
      await client.query('select pg_advisory_unlock($1)', [migrationLockKey]);
    }
  } finally {
    client.off('error', ignore);
    client.release();
  }
}

/** Opens and migrates: what the gateway and the CLI do at start. */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<PostgresDatabase> {
  const database = connectPostgres(url, options);
  try {
    await migratePostgres(database);
  } catch (error) {
    await database.$client.end();
    throw error;
  }
  return database;
}

async function appliedMigrations(client: pg.PoolClient): Promise<{ count: number; newest: number | undefined }> {
  const exists = await client.query("select to_regclass('drizzle.__drizzle_migrations') is not null as present");
  if (!exists.rows[0].present) return { count: 0, newest: undefined };
  const result = await client.query('select count(*)::int as count, max(created_at) as newest from drizzle.__drizzle_migrations');
  const { count, newest } = result.rows[0] as { count: number; newest: number | null };
  return { count, newest: newest === null ? undefined : Number(newest) };
}

/** The URL without its password, for messages. */
export function displayPostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}
