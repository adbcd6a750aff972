/**
 * @module auth/key-store
 * Tenants and API keys, kept in memory for the hot path and in SQLite as the record. Every change
 * made here (admin API, CLI in this process) updates memory at once; every change, whichever
 * process makes it (the CLI, a second gateway, a cluster worker), bumps the `keys` change counter,
 * which every read checks first (see `storage/change-counter.ts`: about a microsecond while
 * nothing changed). So a key created or revoked by `tollgate keys …` in another process is in
 * force for the very next request.
 */
import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { QuotaLimitsConfig, TollgateConfig } from '../../schemas/config.js';
import type { TollgateDatabase } from '../storage/database.js';
import { apiKeys, tenants } from '../storage/schema.js';
import { writeTransaction } from '../storage/write-transaction.js';
import { displayPrefix, generateApiKey, hashApiKey } from './api-key.js';
import { ConfigConflictError, configConflicts } from './config-conflicts.js';
import { GatewayError } from '../errors/gateway-error.js';
import { ChangeCounter } from '../storage/change-counter.js';

export type KeyRole = 'tenant' | 'finance' | 'admin';

type Transaction = Parameters<Parameters<TollgateDatabase['transaction']>[0]>[0];

export interface KeyScopes {
  models?: string[];
  prompts?: string[];
  services?: string[];
  permissions?: string[];
}

export interface TenantRecord {
  id: string;
  quotas: QuotaLimitsConfig;
  models: string[] | null;
  /** REST services the tenant may call; null means every one. */
  services: string[] | null;
  timeZone: string;
  unpricedModels: 'reject' | 'allow' | null;
  source: 'config' | 'api';
  createdAt: number;
}

export interface KeyRecord {
  id: string;
  tenantId: string | null;
  name: string;
  role: KeyRole;
  hash: string;
  prefix: string;
  scopes: KeyScopes;
  quotas: QuotaLimitsConfig;
  expiresAt: number | null;
  revokedAt: number | null;
  source: 'config' | 'api';
  createdAt: number;
}

export interface NewTenant {
  id: string;
  quotas?: QuotaLimitsConfig;
  models?: string[] | null;
  services?: string[] | null;
  timeZone?: string;
  unpricedModels?: 'reject' | 'allow' | null;
}

export interface NewKey {
  tenantId: string | null;
  name: string;
  role?: KeyRole;
  scopes?: KeyScopes;
  quotas?: QuotaLimitsConfig;
  expiresAt?: number | null;
}

export class KeyStore {
  private keysByHash = new Map<string, KeyRecord>();
  private keysById = new Map<string, KeyRecord>();
  private tenantsById = new Map<string, TenantRecord>();
  private readonly changes: ChangeCounter;

  constructor(private readonly database: TollgateDatabase) {
    this.changes = new ChangeCounter(database.$client, 'keys');
    this.load();
  }

  /** Finds the key a request presented (by hash) and its tenant. */
  lookup(rawKey: string): { key: KeyRecord; tenant: TenantRecord | undefined } | undefined {
    this.refreshIfChanged();
    const key = this.keysByHash.get(hashApiKey(rawKey));
    if (!key) return undefined;
    return { key, tenant: key.tenantId ? this.tenantsById.get(key.tenantId) : undefined };
  }

  tenant(id: string): TenantRecord | undefined {
    this.refreshIfChanged();
    return this.tenantsById.get(id);
  }

  listTenants(): TenantRecord[] {
    this.refreshIfChanged();
    return [...this.tenantsById.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  key(id: string): KeyRecord | undefined {
    this.refreshIfChanged();
    return this.keysById.get(id);
  }

  listKeys(tenantId?: string | null): KeyRecord[] {
    this.refreshIfChanged();
    return [...this.keysById.values()]
      .filter((key) => tenantId === undefined || key.tenantId === tenantId)
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  /** Whether any operator key could call the admin API now (not revoked, not expired). */
  hasActiveOperatorKey(now = Date.now()): boolean {
    this.refreshIfChanged();
    for (const key of this.keysById.values()) {
      if (key.tenantId === null && key.revokedAt === null && (key.expiresAt === null || key.expiresAt > now)) return true;
    }
    return false;
  }

  createTenant(input: NewTenant, source: 'config' | 'api' = 'api'): TenantRecord {
    const now = Date.now();
    const row = {
      id: input.id,
      quotas: (input.quotas ?? {}) as Record<string, number>,
      models: input.models ?? null,
      services: input.services ?? null,
      timeZone: input.timeZone ?? 'UTC',
      unpricedModels: input.unpricedModels ?? null,
      source,
      createdAt: now,
      updatedAt: now,
    };
    this.write((transaction) => transaction.insert(tenants).values(row).run());
    return this.tenantsById.get(input.id)!;
  }

  updateTenant(id: string, patch: Omit<Partial<NewTenant>, 'id'>): TenantRecord | undefined {
    const values: Partial<typeof tenants.$inferInsert> = { updatedAt: Date.now() };
    if (patch.quotas !== undefined) values.quotas = patch.quotas as Record<string, number>;
    if (patch.models !== undefined) values.models = patch.models;
    if (patch.services !== undefined) values.services = patch.services;
    if (patch.timeZone !== undefined) values.timeZone = patch.timeZone;
    if (patch.unpricedModels !== undefined) values.unpricedModels = patch.unpricedModels;
    const result = this.write((transaction) => transaction.update(tenants).set(values).where(eq(tenants.id, id)).run());
    return result.changes > 0 ? this.tenantsById.get(id) : undefined;
  }

  /** Deletes a tenant and its keys; its ledger rows stay. */
  deleteTenant(id: string): boolean {
    return this.write((transaction) => {
      transaction.delete(apiKeys).where(eq(apiKeys.tenantId, id)).run();
      return transaction.delete(tenants).where(eq(tenants.id, id)).run().changes > 0;
    });
  }

  /**
   * Creates a key and returns it in clear once; only its hash is kept. Names are unique among a
   * tenant's (or the operators') active keys: a second `ci` is a 409 until the first is revoked.
   */
  createKey(input: NewKey): { record: KeyRecord; key: string } {
    const taken = this.listKeys(input.tenantId).find((existing) => existing.name === input.name && existing.revokedAt === null);
    if (taken) {
      const owner = input.tenantId === null ? 'An operator key' : `Tenant \`${input.tenantId}\` already has an active key that`;
      throw new GatewayError(409, `${owner} is named \`${input.name}\` (${taken.id}); revoke it first or choose another name.`, {
        code: 'key_name_taken',
        param: 'name',
      });
    }
    const key = generateApiKey();
    const id = `key_${randomBytes(9).toString('base64url')}`;
    this.write((transaction) => insertKeyRow(transaction, id, input, hashApiKey(key), displayPrefix(key), 'api', Date.now()));
    return { record: this.keysById.get(id)!, key };
  }

  /** Revokes a key; it fails from the next request on. Returns false when no such key exists. */
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
    this.write((transaction) => {
      const conflicts = configConflicts(transaction, config);
      if (conflicts.length > 0) throw new ConfigConflictError(conflicts);
      transaction.delete(apiKeys).where(eq(apiKeys.source, 'config')).run();
      const configTenantIds = Object.keys(config.tenants);
      for (const [id, tenant] of Object.entries(config.tenants)) {
        const values = {
          quotas: tenant.quotas as Record<string, number>,
          models: tenant.models ?? null,
          services: tenant.services ?? null,
          timeZone: tenant.timeZone,
          unpricedModels: tenant.unpricedModels ?? null,
          source: 'config',
          updatedAt: now,
        };
        transaction
          .insert(tenants)
          .values({ id, ...values, createdAt: now })
          .onConflictDoUpdate({ target: tenants.id, set: values })
          .run();
        for (const key of tenant.keys) {
          const hash = key.hash ?? hashApiKey(key.key!);
          const prefix = key.key ? displayPrefix(key.key) : hash.slice(7, 17);
          insertKeyRow(transaction, `cfg_${id}_${key.name}`, {
            tenantId: id,
            name: key.name,
            role: 'tenant',
            scopes: key.scopes,
            quotas: key.quotas,
            expiresAt: key.expiresAt ? Date.parse(key.expiresAt) : null,
          }, hash, prefix, 'config', now);
        }
      }
      for (const operator of config.operators) {
        const hash = operator.hash ?? hashApiKey(operator.key!);
        const prefix = operator.key ? displayPrefix(operator.key) : hash.slice(7, 17);
        insertKeyRow(transaction, `op_${operator.name}`, { tenantId: null, name: operator.name, role: operator.role }, hash, prefix, 'config', now);
      }
      const stale = transaction.select({ id: tenants.id }).from(tenants).where(eq(tenants.source, 'config')).all();
      for (const { id } of stale) {
        if (!configTenantIds.includes(id)) transaction.delete(tenants).where(eq(tenants.id, id)).run();
      }
    });
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
    this.tenantsById = new Map(
      tenantRows.map((row) => [
        row.id,
        {
          id: row.id,
          quotas: row.quotas as QuotaLimitsConfig,
          models: row.models ?? null,
          services: row.services ?? null,
          timeZone: row.timeZone,
          unpricedModels: (row.unpricedModels as TenantRecord['unpricedModels']) ?? null,
          source: row.source as TenantRecord['source'],
          createdAt: row.createdAt,
        },
      ]),
    );
    const keys: KeyRecord[] = keyRows.map((row) => ({
      id: row.id,
      tenantId: row.tenantId,
      name: row.name,
      role: row.role as KeyRole,
      hash: row.hash,
      prefix: row.prefix,
      scopes: row.scopes as KeyScopes,
      quotas: row.quotas as QuotaLimitsConfig,
      expiresAt: row.expiresAt,
      revokedAt: row.revokedAt,
      source: row.source as KeyRecord['source'],
      createdAt: row.createdAt,
    }));
    this.keysByHash = new Map(keys.map((key) => [key.hash, key]));
    this.keysById = new Map(keys.map((key) => [key.id, key]));
  }
}

function insertKeyRow(
  database: Pick<TollgateDatabase, 'insert'>,
  id: string,
  input: NewKey,
  hash: string,
  prefix: string,
  source: 'config' | 'api',
  now: number,
): void {
  database
    .insert(apiKeys)
    .values({
      id,
      tenantId: input.tenantId,
      name: input.name,
      role: input.role ?? 'tenant',
      hash,
      prefix,
      scopes: (input.scopes ?? {}) as Record<string, string[]>,
      quotas: (input.quotas ?? {}) as Record<string, number>,
      expiresAt: input.expiresAt ?? null,
      revokedAt: null,
      source,
      createdAt: now,
      updatedAt: now,
    })
    .run();
}
