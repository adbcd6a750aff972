/**
 * @module admin/present
 * How tenants and keys look in admin API answers (and the CLI): times as ISO strings, never a hash.
 */
import type { KeyRecord, TenantRecord } from '../auth/key-store.js';

const iso = (time: number | null) => (time === null ? null : new Date(time).toISOString());

export function presentTenant(tenant: TenantRecord) {
  return {
    id: tenant.id,
    quotas: tenant.quotas,
    models: tenant.models,
    timeZone: tenant.timeZone,
    unpricedModels: tenant.unpricedModels,
    source: tenant.source,
    createdAt: iso(tenant.createdAt),
  };
}

export function presentKey(key: KeyRecord, now = Date.now()) {
  const status = key.revokedAt !== null ? 'revoked' : key.expiresAt !== null && key.expiresAt <= now ? 'expired' : 'active';
  return {
    id: key.id,
    tenant: key.tenantId,
    name: key.name,
    role: key.role,
    prefix: key.prefix,
    status,
    scopes: key.scopes,
    quotas: key.quotas,
    expiresAt: iso(key.expiresAt),
    revokedAt: iso(key.revokedAt),
    createdAt: iso(key.createdAt),
    source: key.source,
  };
}
