/**
 * @module admin/present
 * How tenants and keys look in admin API answers (and the CLI): times as ISO strings, never a
 * hash, money as exact decimal USD strings with nine decimals (`"5.000000000"`), as in every cost
 * Tollgate reports — whether the limit was written as a YAML number or given as a string.
 */
import type { QuotaLimitsConfig } from '../../schemas/config.js';
import type { KeyRecord, TenantRecord } from '../auth/key-store.js';
import { formatNanoUsd, usdToNano } from '../metering/decimal.js';

const iso = (time: number | null) => (time === null ? null : new Date(time).toISOString());

export function presentQuotas(quotas: QuotaLimitsConfig): QuotaLimitsConfig {
  const presented: QuotaLimitsConfig = { ...quotas };
  if (quotas.costPerDayUsd !== undefined) presented.costPerDayUsd = formatNanoUsd(usdToNano(quotas.costPerDayUsd));
  if (quotas.costPerMonthUsd !== undefined) presented.costPerMonthUsd = formatNanoUsd(usdToNano(quotas.costPerMonthUsd));
  return presented;
}

export function presentTenant(tenant: TenantRecord) {
  return {
    id: tenant.id,
    quotas: presentQuotas(tenant.quotas),
    models: tenant.models,
    services: tenant.services,
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
    quotas: presentQuotas(key.quotas),
    expiresAt: iso(key.expiresAt),
    revokedAt: iso(key.revokedAt),
    createdAt: iso(key.createdAt),
    source: key.source,
  };
}
