/**
 * @module observability/wiring
 * Small helpers `createServices` uses to put observability around what already exists: the
 * configured keys registered with the log redactor, the Redis quota backend timed, and database
 * work off the request path timed.
 */
import type { TollgateConfig } from '../../schemas/config.js';
import { registerSecret } from '../logging/logger.js';
import type { QuotaBackend } from '../quotas/types.js';
import { TimedQuotaBackend } from './metrics/timed-quota-backend.js';
import type { Observability } from './observability.js';

/** Tenant and operator keys written in the configuration: never to appear in a log line. */
export function registerConfiguredKeys(config: TollgateConfig): void {
  for (const tenant of Object.values(config.tenants)) {
    for (const key of tenant.keys) registerSecret(key.key);
  }
  for (const operator of config.operators) registerSecret(operator.key);
}

/** Redis commands are timed; the in-process and IPC backends are not (nothing leaves the process, or Redis is not involved). */
export function timedQuotaBackend(backend: QuotaBackend, config: TollgateConfig, observability: Observability): QuotaBackend {
  if (!config.redis || !observability.operations) return backend;
  return new TimedQuotaBackend(backend, observability.operations);
}

/** Runs synchronous database work, timing it and counting failures (which are rethrown). */
export function timedDatabaseWork<T>(observability: Observability, operation: string, work: () => T): T {
  const operations = observability.operations;
  if (!operations) return work();
  const startedAt = performance.now();
  try {
    const result = work();
    operations.databaseDuration.observe({ operation }, (performance.now() - startedAt) / 1000);
    return result;
  } catch (error) {
    operations.databaseErrors.inc({ operation });
    throw error;
  }
}
