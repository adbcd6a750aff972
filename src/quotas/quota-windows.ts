/**
 * @module quotas/quota-windows
 * What is left of every quota window of a tenant and a key, read from the live counters (so
 * reservations of calls in flight count, as they do for the next request's admission). Used by
 * `GET /v1/usage`. A counter that does not exist yet is a window with nothing used.
 */
import { planCounters, type CounterPlanOptions, type QuotaMetric, type QuotaScope, type WindowKind } from './counter-plan.js';
import type { QuotaBackend, QuotaSubject } from './types.js';

export interface QuotaWindowState {
  scope: QuotaScope;
  metric: QuotaMetric;
  window: WindowKind;
  /** The window's id, e.g. `d:2026-07-01` or `M:2026-07`. */
  windowId: string;
  startMs: number;
  endMs: number;
  limit: number;
  used: number;
  remaining: number;
}

export async function readQuotaWindows(backend: QuotaBackend, subject: QuotaSubject, now: number, options: CounterPlanOptions): Promise<QuotaWindowState[]> {
  const counters = planCounters(subject, { tokens: 0, costNanoUsd: 0 }, now, options);
  const keys = counters.flatMap((counter) => [counter.key, ...(counter.countAlso ?? [])]);
  const values = keys.length > 0 ? await backend.read(keys) : [];
  let position = 0;
  return counters.map((counter) => {
    let used = 0;
    for (let index = 0; index < 1 + (counter.countAlso?.length ?? 0); index++) used += values[position++] ?? 0;
    return {
      scope: counter.scope,
      metric: counter.metric,
      window: counter.kind,
      windowId: counter.window.id,
      startMs: counter.window.startMs,
      endMs: counter.window.endMs,
      limit: counter.limit,
      used,
      remaining: Math.max(0, counter.limit - used),
    };
  });
}
