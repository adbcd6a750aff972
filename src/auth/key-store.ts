/**
 * @module auth/key-store
 * Tenants and API keys, kept in memory for the hot path (`key-directory.ts`) and in SQLite as the
 * record. Every change made here (admin API, CLI in this process) updates memory at once; every
 * change, whichever process makes it (the CLI, a second gateway, a cluster worker), bumps the
 * `keys` change counter, which every read checks first (see `storage/change-counter.ts`: about a
 * microsecond while nothing changed). So a key created or revoked by `tollgate keys …` in another
 * process is in force for the very next request. On PostgreSQL, `pg-key-store.ts` takes its place.
 */
import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { TollgateConfig } from '../../schemas/config.js';
import type { TollgateDatabase } from '../storage/database.js';
import { apiKeys, tenants } from '../storage/schema.js';
import { writeTransaction } from '../storage/write-transaction.js';
import { displayPrefix, generateApiKey, hashApiKey } from './api-key.js';
import { ConfigConflictError, configConflicts } from './config-conflicts.js';
import { ChangeCounter } from '../storage/change-counter.js';
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

export type { KeyRecord, KeyRole, KeyScopes, NewKey, NewTenant, TenantRecord } from './key-directory.js';

type Transaction = Parameters<Parameters<TollgateDatabase['transaction']>[0]>[0];

export class KeyStore extends KeyDirectory {
  private readonly changes: ChangeCounter;

  constructor(private readonly database: TollgateDatabase) {
    super();
    this.changes = new ChangeCounter(database.$client, 'keys');
    this.load();
  }

  protected override beforeRead(): void {
    this.refreshIfChanged();
  }

  createTenant(input: NewTenant, source: 'config' | 'api' = 'api'): TenantRecord {
    const row = newTenantRow(input, source, Date.now());
    this.write((transaction) => transaction.insert(tenants).values(row).run());
    return this.tenantsById.get(input.id)!;
  }

  updateTenant(id: string, patch: Omit<Partial<NewTenant>, 'id'>): TenantRecord | undefined {
    const values = tenantPatchValues(patch, Date.now());
    const result = this.write((transaction) => transaction.update(tenants).set(values).where(eq(tenants.id, id)).run());
    return result.changes > 0 ? this.tenantsById.get(id) : undefined;
  }

  deleteTenant(id: string): boolean {
    return this.write((transaction) => {
      transaction.delete(apiKeys).where(eq(apiKeys.tenantId, id)).run();
      return transaction.delete(tenants).where(eq(tenants.id, id)).run().changes > 0;
    });
  }

  createKey(input: NewKey): { record: KeyRecord; key: string } {
    this.assertKeyNameFree(input);
    const key = generateApiKey();
    const id = `key_${randomBytes(9).toString('base64url')}`;
    const row = newKeyRow(id, input, hashApiKey(key), displayPrefix(key), 'api', Date.now());
    this.write((transaction) => transaction.insert(apiKeys).values(row).run());
    return { record: this.keysById.get(id)!, key };
  }

  revokeKey(id: string): boolean {
    const now = Date.now();
    const result = this.write((transaction) =>
      transaction
        .update(apiKeys)
        .set({ revokedAt: now, updatedAt: now })
        .where(sql`${apiKeys.id} = ${id} and ${apiKeys.revokedAt} is null`)
        .run(),
    );
    return result.changes > 0 || this.keysById.get(id)?.revokedAt != null;
  }

  /**
   * Makes the database match the configuration file's tenants, tenant keys and operator keys:
   * rows from the file are rewritten; rows the file no longer declares are removed. Tenants and
   * keys created at runtime are left alone. Throws `ConfigConflictError`, changing nothing, when
   * the file declares a tenant or key that collides with one created at runtime.
   */
  syncFromConfig(config: TollgateConfig): void {
    const now = Date.now();
    const declared = configDeclarations(config, now);
    this.write((transaction) => {
      const conflicts = configConflicts(transaction, config);
      if (conflicts.length > 0) throw new ConfigConflictError(conflicts);
      transaction.delete(apiKeys).where(eq(apiKeys.source, 'config')).run();
      for (const { id, ...values } of declared.tenants) {
        transaction
          .insert(tenants)
          .values({ id, ...values, createdAt: now })
          .onConflictDoUpdate({ target: tenants.id, set: values })
          .run();
      }
      for (const row of declared.keys) transaction.insert(apiKeys).values(row).run();
      const stale = transaction.select({ id: tenants.id }).from(tenants).where(eq(tenants.source, 'config')).all();
      for (const { id } of stale) {
        if (!(id in config.tenants)) transaction.delete(tenants).where(eq(tenants.id, id)).run();
      }
    });
    this.load();
  }

  reload(): void {
    this.load();
  }

  /** Reloads when another process changed tenants or keys since the last read; see the module header. */
  refreshIfChanged(): boolean {
    if (!this.changes.changed()) return false;
    this.load();
    return true;
  }

  /** One write: a transaction that also bumps the change counter, then a reload. */
  private write<T>(change: (transaction: Transaction) => T): T {
    const result = writeTransaction(this.database, (transaction) => {
      const value = change(transaction);
      this.changes.bump();
      return value;
    });
    this.load();
    return result;
  }

  private load(): void {
    const { tenantRows, keyRows } = this.changes.readConsistently(() => ({
      tenantRows: this.database.select().from(tenants).all(),
      keyRows: this.database.select().from(apiKeys).all(),
    }));
    this.apply(tenantRows, keyRows);
  }
}
