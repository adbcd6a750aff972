/**
 * @module auth/config-conflicts
 * A tenant or key declared in the configuration file that collides with one created at runtime
 * (the CLI, the admin API). Tollgate refuses to merge them silently — a runtime tenant taken over
 * by the file kept its runtime keys beside the file's, and ended with two keys named `ci` —
 * so `serve` refuses to start and names each collision and how to resolve it:
 * - a tenant id in the file that a runtime tenant already uses;
 * - a key name in the file that an active runtime key of the same tenant already uses.
 */
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { TollgateConfig } from '../../schemas/config.js';
import type { TollgateDatabase } from '../storage/database.js';
import { apiKeys, tenants } from '../storage/schema.js';

export class ConfigConflictError extends Error {
  constructor(readonly conflicts: string[]) {
    super(`the configuration file collides with tenants or keys created at runtime:\n${conflicts.map((line) => `  - ${line}`).join('\n')}`);
    this.name = 'ConfigConflictError';
  }
}

export interface RuntimeKeyName {
  id: string;
  tenantId: string | null;
  name: string;
}

export function configConflicts(database: Pick<TollgateDatabase, 'select'>, config: Pick<TollgateConfig, 'tenants'>): string[] {
  const ids = Object.keys(config.tenants);
  if (ids.length === 0) return [];
  const runtimeTenants = database
    .select({ id: tenants.id })
    .from(tenants)
    .where(and(inArray(tenants.id, ids), eq(tenants.source, 'api')))
    .all();
  const runtimeKeys = database
    .select({ id: apiKeys.id, tenantId: apiKeys.tenantId, name: apiKeys.name })
    .from(apiKeys)
    .where(and(inArray(apiKeys.tenantId, ids), eq(apiKeys.source, 'api'), isNull(apiKeys.revokedAt)))
    .all();
  return describeConflicts(config, runtimeTenants.map(({ id }) => id), runtimeKeys);
}

/**
 * The collisions, given the runtime tenants among the file's tenant ids and the active runtime keys
 * of those tenants (either database reads them the same way).
 */
export function describeConflicts(config: Pick<TollgateConfig, 'tenants'>, runtimeTenantIds: readonly string[], runtimeKeys: readonly RuntimeKeyName[]): string[] {
  const conflicts: string[] = [];
  for (const id of runtimeTenantIds) {
    conflicts.push(
      `tenant "${id}" is declared in the file and was also created at runtime: delete the runtime one ` +
        `(\`tollgate tenants delete ${id}\`) or give the file's tenant another id`,
    );
  }
  for (const key of runtimeKeys) {
    const declared = config.tenants[key.tenantId!]?.keys.some((entry) => entry.name === key.name);
    if (!declared) continue;
    conflicts.push(
      `key "${key.name}" of tenant "${key.tenantId}" is declared in the file and also exists as runtime key ${key.id}: ` +
        `revoke it (\`tollgate keys revoke ${key.id}\`) or rename the file's key`,
    );
  }
  return conflicts;
}
