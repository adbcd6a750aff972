/**
 * @module observability/observer
 * What the request path tells observability, and nothing more: the one interface the metered call,
 * the quota service and the router call, so none of them knows about Prometheus, logs or traces.
 * Every method is cheap and never throws; with metrics, logs and tracing all off the gateway
 * passes `noopObserver`.
 *
 * The router (retries, fallbacks, breakers, cache) reports through `retry`, `fallback`,
 * `breakerState`, `cacheHit` and `cacheMiss`; label values must be configured names (models,
 * deployments), never something a caller sent.
 */
import type { LedgerRow } from '../ledger/types.js';

export interface CallAdmission {
  routeKind: string;
  tenantId: string;
  publicModel: string | null;
  providerName: string | null;
  providerType: string | null;
  service: string | null;
}

export interface RetryEvent {
  /** The public model (or service) being routed. */
  model: string;
  /** The deployment or target that failed and is being retried, e.g. `openai/gpt-4o`. */
  target: string;
  /** Why: an error code such as `upstream_timeout`, `rate_limit_exceeded`, `upstream_error`. */
  reason: string;
}

export interface FallbackEvent {
  model: string;
  /** The model or deployment given up on, and the one tried next. */
  from: string;
  to: string;
  reason: string;
}

export interface BreakerEvent {
  model: string;
  target: string;
  state: 'closed' | 'half_open' | 'open';
}

export interface CacheEvent {
  routeKind: string;
  model: string;
}

export interface QuotaRefusalEvent {
  tenantId: string;
  /** `tenant` or `key`. */
  scope: string;
  /** `requests_per_minute`, `tokens_per_minute`, `tokens_per_day`, `cost_per_day`, `cost_per_month`, `concurrent_requests`. */
  limit: string;
  /** `minute`, `day`, `month` or `concurrency`. */
  window: string;
}

/** Ends a traced phase of a call; pass the error when it failed. */
export type PhaseEnd = (error?: unknown) => void;

export interface GatewayObserver {
  /** A call was admitted (scope, price policy and quota passed): it is in flight. */
  callAdmitted(requestId: string, admission: CallAdmission): void;
  /** The first byte of a streamed answer is leaving. */
  firstByte(requestId: string): void;
  /** The call's one ledger row was handed to the ledger: the call is over. */
  callFinished(row: LedgerRow): void;
  /** Starts a traced phase of the call (e.g. `quota.reserve`); undefined when the call is not traced. */
  phase(requestId: string, name: string): PhaseEnd | undefined;
  retry(event: RetryEvent): void;
  fallback(event: FallbackEvent): void;
  breakerState(event: BreakerEvent): void;
  cacheHit(event: CacheEvent): void;
  cacheMiss(event: CacheEvent): void;
  quotaRefusal(event: QuotaRefusalEvent): void;
}

const nothing = () => undefined;

export const noopObserver: GatewayObserver = {
  callAdmitted: nothing,
  firstByte: nothing,
  callFinished: nothing,
  phase: nothing,
  retry: nothing,
  fallback: nothing,
  breakerState: nothing,
  cacheHit: nothing,
  cacheMiss: nothing,
  quotaRefusal: nothing,
};
