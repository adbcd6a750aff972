/**
 * @module calls/metering-services
 * What a metered call needs, gathered once at start-up: the price book, quota service, ledger
 * writer, and the money arithmetic. Keeping them behind this one object lets `MeteredCall` stay
 * ignorant of where state lives (in process, Redis, SQLite).
 */
import type { NormalizedUsage } from '../../providers/types.js';
import type { TenantCaller } from '../auth/authenticate.js';
import type { LedgerRow } from '../ledger/types.js';
import type { GatewayObserver } from '../observability/observer.js';
import type { OpenCalls } from './open-calls.js';
import type { ModelPrice, PriceBook } from '../metering/types.js';
import type { QuotaLimits, QuotaSubject } from '../quotas/types.js';
import type { QuotaService } from '../quotas/quota-service.js';

export interface MeteringServices {
  /** Calls that began and have not yet written their ledger row (shutdown waits for them). */
  openCalls: OpenCalls;
  prices: PriceBook;
  quotas: Pick<QuotaService, 'reserve' | 'windows' | 'largerThanLimit'>;
  /** `written()` resolves once the rows appended so far are in the database (for the call log). */
  ledger: { append(row: LedgerRow): void; written?(): Promise<void> };
  quotaSubject(caller: TenantCaller): QuotaSubject;
  cost(usage: NormalizedUsage, price: ModelPrice): number;
  worstCaseCost(promptTokens: number, maxOutputTokens: number, price: ModelPrice): number;
  formatUsd(nanoUsd: number): string;
  /** Metrics, logs and traces of every call (absent: none). */
  observe?: GatewayObserver;
}

/** Converts tenant and key quota settings (USD) to enforcement limits (nano-USD), once per record. */
export function subjectFactory(toLimits: (quotas: TenantCaller['tenant']['quotas']) => QuotaLimits): (caller: TenantCaller) => QuotaSubject {
  const cache = new WeakMap<object, QuotaLimits>();
  const limitsOf = (quotas: TenantCaller['tenant']['quotas']) => {
    let limits = cache.get(quotas);
    if (!limits) {
      limits = toLimits(quotas);
      cache.set(quotas, limits);
    }
    return limits;
  };
  return (caller) => ({
    tenantId: caller.tenant.id,
    keyId: caller.key.id,
    tenantLimits: limitsOf(caller.tenant.quotas),
    keyLimits: limitsOf(caller.key.quotas),
    timeZone: caller.tenant.timeZone,
  });
}
