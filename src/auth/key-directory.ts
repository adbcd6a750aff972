/**
 * @module auth/key-directory
 * Tenants and API keys as the gateway holds them in memory, whichever database keeps the record:
 * the maps every request reads (no query on the request path), the reads routes and the CLI make,
 * and the rows the configuration file declares. `KeyStore` (SQLite, synchronous) and
 * `PgKeyStore` (PostgreSQL, asynchronous writes) extend it; routes and commands `await` a write
 * either way, so they do not know which database is behind it.
 */
import type { QuotaLimitsConfig, TollgateConfig } from '../../schemas/config.js';
import { GatewayError } from '../errors/gateway-error.js';
import { displayPrefix, hashApiKey } from './api-key.js';

type MaybePromise<T> = T | Promise<T>;

export type KeyRole = 'tenant' | 'finance' | 'admin';

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
  /** false: never body-captured (`logs.bodyCapture`), whatever the list says. */
  allowBodyCapture: boolean;
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
  allowBodyCapture?: boolean;
}

export interface NewKey {
  tenantId: string | null;
  name: string;
  role?: KeyRole;
  scopes?: KeyScopes;
  quotas?: QuotaLimitsConfig;
  expiresAt?: number | null;
}

/** A tenant row as either database returns it (JSON columns parsed, flags as booleans). */
export interface TenantRow {
  id: string;
  quotas: Record<string, number>;
  models: string[] | null;
  services: string[] | null;
  timeZone: string;
  unpricedModels: string | null;
  allowBodyCapture: boolean;
  source: string;
  createdAt: number;
  updatedAt: number;
}

export interface KeyRow {
  id: string;
  tenantId: string | null;
  name: string;
  role: string;
  hash: string;
  prefix: string;
  scopes: Record<string, string[]>;
  quotas: Record<string, number>;
  expiresAt: number | null;
  revokedAt: number | null;
  source: string;
  createdAt: number;
  updatedAt: number;
}

export abstract class KeyDirectory {
  protected keysByHash = new Map<string, KeyRecord>();
  protected keysById = new Map<string, KeyRecord>();
  protected tenantsById = new Map<string, TenantRecord>();

  /** Runs before every read: SQLite checks its change counter there; PostgreSQL is told by a timer. */
  protected beforeRead(): void {}

  /** Finds the key a request presented (by hash) and its tenant. */
  lookup(rawKey: string): { key: KeyRecord; tenant: TenantRecord | undefined } | undefined {
    this.beforeRead();
    const key = this.keysByHash.get(hashApiKey(rawKey));
    if (!key) return undefined;
    return { key, tenant: key.tenantId ? this.tenantsById.get(key.tenantId) : undefined };
  }

  tenant(id: string): TenantRecord | undefined {
    this.beforeRead();
    return this.tenantsById.get(id);
  }

  listTenants(): TenantRecord[] {
    this.beforeRead();
    return [...this.tenantsById.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  key(id: string): KeyRecord | undefined {
    this.beforeRead();
    return this.keysById.get(id);
  }

  listKeys(tenantId?: string | null): KeyRecord[] {
    this.beforeRead();
    return [...this.keysById.values()]
      .filter((key) => tenantId === undefined || key.tenantId === tenantId)
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  /** Whether any operator key could call the admin API now (not revoked, not expired). */
  hasActiveOperatorKey(now = Date.now()): boolean {
    this.beforeRead();
    for (const key of this.keysById.values()) {
      if (key.tenantId === null && key.revokedAt === null && (key.expiresAt === null || key.expiresAt > now)) return true;
    }
    return false;
  }

  abstract createTenant(input: NewTenant, source?: 'config' | 'api'): MaybePromise<TenantRecord>;
  abstract updateTenant(id: string, patch: Omit<Partial<NewTenant>, 'id'>): MaybePromise<TenantRecord | undefined>;
  /** Deletes a tenant and its keys; its ledger rows stay. */
  abstract deleteTenant(id: string): MaybePromise<boolean>;
  /** Creates a key and returns it in clear once; only its hash is kept. */
  abstract createKey(input: NewKey): MaybePromise<{ record: KeyRecord; key: string }>;
  /** Revokes a key; it fails from the next request on. Returns false when no such key exists. */
  abstract revokeKey(id: string): MaybePromise<boolean>;
  /** Makes the database match the configuration file's tenants and keys (see `KeyStore.syncFromConfig`). */
  abstract syncFromConfig(config: TollgateConfig): MaybePromise<void>;
  /** Re-reads tenants and keys now: another instance said it changed them. */
  abstract reload(): MaybePromise<void>;

  /**
   * Names are unique among a tenant's (or the operators') active keys: a second `ci` is a 409
   * until the first is revoked.
   */
  protected assertKeyNameFree(input: NewKey): void {
    const taken = this.listKeys(input.tenantId).find((existing) => existing.name === input.name && existing.revokedAt === null);
    if (!taken) return;
    const owner = input.tenantId === null ? 'An operator key' : `Tenant \`${input.tenantId}\` already has an active key that`;
    throw new GatewayError(409, `${owner} is named \`${input.name}\` (${taken.id}); revoke it first or choose another name.`, {
      code: 'key_name_taken',
      param: 'name',
    });
  }

  /** Replaces memory with these rows. */
  protected apply(tenantRows: readonly TenantRow[], keyRows: readonly KeyRow[]): void {
    this.tenantsById = new Map(tenantRows.map((row) => [row.id, tenantRecord(row)]));
    const keys = keyRows.map(keyRecord);
    this.keysByHash = new Map(keys.map((key) => [key.hash, key]));
    this.keysById = new Map(keys.map((key) => [key.id, key]));
  }
}

function tenantRecord(row: TenantRow): TenantRecord {
  return {
    id: row.id,
    quotas: row.quotas as QuotaLimitsConfig,
    models: row.models ?? null,
    services: row.services ?? null,
    timeZone: row.timeZone,
    unpricedModels: (row.unpricedModels as TenantRecord['unpricedModels']) ?? null,
    allowBodyCapture: row.allowBodyCapture,
    source: row.source as TenantRecord['source'],
    createdAt: row.createdAt,
  };
}

function keyRecord(row: KeyRow): KeyRecord {
  return {
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
  };
}

/** The row a new tenant is stored as. */
export function newTenantRow(input: NewTenant, source: 'config' | 'api', now: number): TenantRow {
  return {
    id: input.id,
    quotas: (input.quotas ?? {}) as Record<string, number>,
    models: input.models ?? null,
    services: input.services ?? null,
    timeZone: input.timeZone ?? 'UTC',
    unpricedModels: input.unpricedModels ?? null,
    allowBodyCapture: input.allowBodyCapture ?? true,
    source,
    createdAt: now,
    updatedAt: now,
  };
}

/** The columns a tenant update sets. */
export function tenantPatchValues(patch: Omit<Partial<NewTenant>, 'id'>, now: number): Partial<TenantRow> {
  const values: Partial<TenantRow> = { updatedAt: now };
  if (patch.quotas !== undefined) values.quotas = patch.quotas as Record<string, number>;
  if (patch.models !== undefined) values.models = patch.models;
  if (patch.services !== undefined) values.services = patch.services;
  if (patch.timeZone !== undefined) values.timeZone = patch.timeZone;
  if (patch.unpricedModels !== undefined) values.unpricedModels = patch.unpricedModels;
  if (patch.allowBodyCapture !== undefined) values.allowBodyCapture = patch.allowBodyCapture;
  return values;
}

export function newKeyRow(id: string, input: NewKey, hash: string, prefix: string, source: 'config' | 'api', now: number): KeyRow {
  return {
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
  };
}

/** What the configuration file declares: its tenants (without times) and every key row, tenant and operator. */
export function configDeclarations(config: TollgateConfig, now: number): { tenants: Array<Omit<TenantRow, 'createdAt'>>; keys: KeyRow[] } {
  const tenants: Array<Omit<TenantRow, 'createdAt'>> = [];
  const keys: KeyRow[] = [];
  for (const [id, tenant] of Object.entries(config.tenants)) {
    tenants.push({
      id,
      quotas: tenant.quotas as Record<string, number>,
      models: tenant.models ?? null,
      services: tenant.services ?? null,
      timeZone: tenant.timeZone,
      unpricedModels: tenant.unpricedModels ?? null,
      allowBodyCapture: tenant.allowBodyCapture,
      source: 'config',
      updatedAt: now,
    });
    for (const key of tenant.keys) {
      const hash = key.hash ?? hashApiKey(key.key!);
      const prefix = key.key ? displayPrefix(key.key) : hash.slice(7, 17);
      const input: NewKey = { tenantId: id, name: key.name, role: 'tenant', scopes: key.scopes, quotas: key.quotas, expiresAt: key.expiresAt ? Date.parse(key.expiresAt) : null };
      keys.push(newKeyRow(`cfg_${id}_${key.name}`, input, hash, prefix, 'config', now));
    }
  }
  for (const operator of config.operators) {
    const hash = operator.hash ?? hashApiKey(operator.key!);
    const prefix = operator.key ? displayPrefix(operator.key) : hash.slice(7, 17);
    keys.push(newKeyRow(`op_${operator.name}`, { tenantId: null, name: operator.name, role: operator.role }, hash, prefix, 'config', now));
  }
  return { tenants, keys };
}
