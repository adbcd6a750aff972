/**
 * @module quotas
 * Quota enforcement: the only way in. Everything else in this folder is internal. See
 * docs/quotas.md for windows, the reserve → settle/release flow, headers, errors, the Redis key
 * layout and failure policies.
 *
 * @example
 * const quotas = createQuotaService(config.redis);
 * const reservation = await quotas.reserve(subject, { tokens, costNanoUsd });
 */
import type { RedisConfig } from '../../schemas/config.js';
import { MemoryQuotaBackend } from './memory-backend.js';
import { QuotaService } from './quota-service.js';
import type { QuotaBackend } from './types.js';

export type { QuotaActual, QuotaBackend, QuotaCounter, QuotaDemand, QuotaLimits, QuotaSubject, Reservation, ReserveOutcome } from './types.js';
export { QuotaService, type FailurePolicy, type QuotaServiceOptions } from './quota-service.js';
export { MemoryQuotaBackend, type MemoryQuotaBackendOptions } from './memory-backend.js';
export type { RedisQuotaBackend, RedisQuotaBackendOptions } from './redis-backend.js';
export { quotaLimitsFromConfig, usdToNanoUsd } from './quota-limits.js';
export type { QuotaWindowState } from './quota-windows.js';
export { counterKey } from './counter-plan.js';
export { dayWindow, minuteWindow, monthWindow, msUntilReset, type QuotaWindow } from './windows.js';
export { formatResetDuration } from './rate-limit-headers.js';
export { largerThanLimitError, QuotaRefusal } from './quota-errors.js';
export type { PlannedCounter } from './counter-plan.js';
export { IpcQuotaBackend, serveQuotaIpc } from './ipc-backend.js';

/**
 * Redis when configured (shared by every gateway process), otherwise in-process counters. ioredis
 * is loaded only when Redis is configured: it costs ~10 MB of memory to load.
 */
export async function createQuotaBackend(redis: RedisConfig | undefined): Promise<QuotaBackend> {
  if (!redis) return new MemoryQuotaBackend();
  const { RedisQuotaBackend } = await import('./redis-backend.js');
  return new RedisQuotaBackend({ url: redis.url, cluster: redis.cluster, keyPrefix: redis.keyPrefix, commandTimeoutMs: redis.commandTimeoutMs });
}

/**
 * The backend of `createQuotaBackend` with the configured failure policies. Without Redis the
 * policies never apply (the in-process backend cannot be unavailable).
 */
export async function createQuotaService(redis: RedisConfig | undefined, backend?: QuotaBackend): Promise<QuotaService> {
  const failurePolicy = redis?.onUnavailable ?? { rateLimits: 'failOpen', money: 'failClosed' };
  return new QuotaService(backend ?? (await createQuotaBackend(redis)), { failurePolicy });
}
