/**
 * @module auth/pg-key-store
 * Tenants and API keys on PostgreSQL, shared by every instance. Reads are the memory of
 * `key-directory.ts`, as on SQLite: nothing is queried on the request path. A write is one
 * transaction that also bumps the `keys` change counter; the writer then re-reads its memory and
 * tells the other instances (a Redis notice when there is Redis), and the rest see the counter move
 * at their next check (`storage/pg/pg-change-counters.ts`, every second) in any case.
 */
import { randomBytes } from 'node:crypto';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { TollgateConfig } from '../../schemas/config.js';
import { announceChange } from '../coordination/local-changes.js';
import { bumpPgChange } from '../storage/pg/pg-change-counters.js';
import type { PostgresDatabase } from '../storage/pg/postgres-database.js';
import { apiKeys, tenants } from '../storage/pg/schema.js';
import { displayPrefix, generateApiKey, hashApiKey } from './api-key.js';
import { ConfigConflictError, describeConflicts } from './config-conflicts.js';
import {
  configDeclarations,
  KeyDirectory,
  newKeyRow,
  newTenantRow,
  tenantPatchValues,
  type KeyRecord,
  type NewKey,
  type NewTenant,
  type TenantRecord,
} from './key-directory.js';

type PgTransaction = Parameters<Parameters<PostgresDatabase['transaction']>[0]>[0];

/** Every instance syncing the configuration at once takes this lock in turn (an arbitrary fixed key). */
const configSyncLockKey = 7_271_002;

export class PgKeyStore extends KeyDirectory {
  private loadsStarted = 0;
  private loadApplied = 0;

  private constructor(private readonly database: PostgresDatabase) {
    super();
  }

  /** A store holding every tenant and key the database has now. */
  static async open(database: PostgresDatabase): Promise<PgKeyStore> {
    const store = new PgKeyStore(database);
    await store.reload();
    return store;
  }

  async createTenant(input: NewTenant, source: 'config' | 'api' = 'api'): Promise<TenantRecord> {
    const row = newTenantRow(input, source, Date.now());
    await this.write((transaction) => transaction.insert(tenants).values(row));
    return this.tenantsById.get(input.id)!;
  }

  async updateTenant(id: string, patch: Omit<Partial<NewTenant>, 'id'>): Promise<TenantRecord | undefined> {
    const values = tenantPatchValues(patch, Date.now());
    const updated = await this.write(async (transaction) => (await transaction.update(tenants).set(values).where(eq(tenants.id, id))).rowCount ?? 0);
    return updated > 0 ? this.tenantsById.get(id) : undefined;
  }

  async deleteTenant(id: string): Promise<boolean> {
    return this.write(async (transaction) => {
      await transaction.delete(apiKeys).where(eq(apiKeys.tenantId, id));
      return ((await transaction.delete(tenants).where(eq(tenants.id, id))).rowCount ?? 0) > 0;
    });
  }

  async createKey(input: NewKey): Promise<{ record: KeyRecord; key: string }> {
    this.assertKeyNameFree(input);
    const key = generateApiKey();
    const id = `key_${randomBytes(9).toString('base64url')}`;
    const row = newKeyRow(id, input, hashApiKey(key), displayPrefix(key), 'api', Date.now());
    await this.write((transaction) => transaction.insert(apiKeys).values(row));
    return { record: this.keysById.get(id)!, key };
  }

  async revokeKey(id: string): Promise<boolean> {
    const now = Date.now();
    const revoked = await this.write(
      async (transaction) =>
        (await transaction.update(apiKeys).set({ revokedAt: now, updatedAt: now }).where(sql`${apiKeys.id} = ${id} and ${apiKeys.revokedAt} is null`)).rowCount ?? 0,
    );
    return revoked > 0 || this.keysById.get(id)?.revokedAt != null;
  }

  /** As `KeyStore.syncFromConfig`; instances starting together take turns (an advisory lock). */
  async syncFromConfig(config: TollgateConfig): Promise<void> {
    const now = Date.now();
    const declared = configDeclarations(config, now);
    await this.write(async (transaction) => {
      await transaction.execute(sql`select pg_advisory_xact_lock(${configSyncLockKey})`);
      const conflicts = await pgConfigConflicts(transaction, config);
      if (conflicts.length > 0) throw new ConfigConflictError(conflicts);
      await transaction.delete(apiKeys).where(eq(apiKeys.source, 'config'));
      for (const { id, ...values } of declared.tenants) {
        await transaction
          .insert(tenants)
          .values({ id, ...values, createdAt: now })
          .onConflictDoUpdate({ target: tenants.id, set: values });
      }
      if (declared.keys.length > 0) await transaction.insert(apiKeys).values(declared.keys);
      const stale = await transaction.select({ id: tenants.id }).from(tenants).where(eq(tenants.source, 'config'));
      const gone = stale.map(({ id }) => id).filter((id) => !(id in config.tenants));
      if (gone.length > 0) await transaction.delete(tenants).where(inArray(tenants.id, gone));
    });
  }

  /** Re-reads every tenant and key. Of reads that overlap, the one started last wins. */
  async reload(): Promise<void> {
    const ticket = ++this.loadsStarted;
    // One snapshot for both tables, so a key is never read without the tenant created with it.
    const [tenantRows, keyRows] = await this.database.transaction(
      async (transaction) => [await transaction.select().from(tenants), await transaction.select().from(apiKeys)] as const,
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
    if (ticket < this.loadApplied) return;
    this.loadApplied = ticket;
    this.apply(tenantRows, keyRows);
  }

  /** One write: a transaction that also bumps the change counter, then a reload and a notice. */
  private async write<T>(change: (transaction: PgTransaction) => Promise<T> | PromiseLike<T>): Promise<T> {
    const result = await this.database.transaction(async (transaction) => {
      const value = await change(transaction);
      await bumpPgChange(transaction, 'keys');
      return value;
    });
    await this.reload();
    announceChange('keys');
    return result;
  }
}

async function pgConfigConflicts(transaction: PgTransaction, config: TollgateConfig): Promise<string[]> {
  const ids = Object.keys(config.tenants);
  if (ids.length === 0) return [];
  const runtimeTenants = await transaction
    .select({ id: tenants.id })
    .from(tenants)
    .where(and(inArray(tenants.id, ids), eq(tenants.source, 'api')));
  const runtimeKeys = await transaction
    .select({ id: apiKeys.id, tenantId: apiKeys.tenantId, name: apiKeys.name })
    .from(apiKeys)
    .where(and(inArray(apiKeys.tenantId, ids), eq(apiKeys.source, 'api'), isNull(apiKeys.revokedAt)));
  return describeConflicts(config, runtimeTenants.map(({ id }) => id), runtimeKeys);
}
