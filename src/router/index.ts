/**
 * @module router
 * The resilience layer shared by REST services and model groups: balancing, active health,
 * passive ejection, circuit breakers, retries with backoff and a budget, and timeouts. It picks
 * among targets and reports outcomes; it knows nothing about providers, HTTP or money.
 * Documented in docs/router.md. Import from here only.
 */
export { TargetPool } from './target-pool.js';
export { parseBalance, type BalanceSpec } from './balance-spec.js';
export { RouterError, DeadlineError, type RouterErrorCode, type DeadlinePhase } from './router-errors.js';
export { parseRetryAfter, backoffMs } from './backoff.js';
export { defaultBreaker, defaultOutlier, defaultRetries, defaultRetryBudget } from './pool-defaults.js';
export type * from './types.js';
