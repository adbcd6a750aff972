/**
 * @module quotas/counter-plan
 * Which counters a reservation touches: one per configured limit of the tenant and of the key, each
 * in its current window, named by the key layout below. Order matters: a backend names the first
 * counter that would overflow, so the longest-lived windows come first — a client told "your daily
 * budget is spent" learns more than one told "retry in 1 s" by the concurrency limit.
 *
 * Key layout (before the backend's prefix): `q:{scope}:{id}:{metric}:{windowId}`, scope `t`
 * (tenant), `k` (API key) or `s` (REST service), id URI-encoded (key ids may hold `:`), metric req | tok | cost | conc,
 * window id from `windows.ts` or `c:<bucket>` for concurrency.
 */
import type { QuotaCounter, QuotaDemand, QuotaLimits, QuotaSubject } from './types.js';
import { dayWindow, minuteWindow, monthWindow, type QuotaWindow } from './windows.js';

export type QuotaScope = 'tenant' | 'key' | 'service';
export type QuotaMetric = 'req' | 'tok' | 'cost' | 'conc';
export type WindowKind = 'minute' | 'day' | 'month' | 'concurrency';

/** A counter with what it means, kept by the reservation for settle, release, headers and errors. */
export interface PlannedCounter extends QuotaCounter {
  limit: number;
  scope: QuotaScope;
  metric: QuotaMetric;
  kind: WindowKind;
  window: QuotaWindow;
}

export interface CounterPlanOptions {
  /** Concurrency slots live in buckets this long and count for one to two of them. */
  concurrencyBucketMs: number;
  /** Added to every TTL, to cover clock differences between gateway processes. */
  expirySlackMs: number;
}

interface LimitRule {
  limit: keyof QuotaLimits;
  metric: QuotaMetric;
  kind: WindowKind;
}

const rules: LimitRule[] = [
  { limit: 'costPerMonthNanoUsd', metric: 'cost', kind: 'month' },
  { limit: 'costPerDayNanoUsd', metric: 'cost', kind: 'day' },
  { limit: 'tokensPerDay', metric: 'tok', kind: 'day' },
  { limit: 'tokensPerMinute', metric: 'tok', kind: 'minute' },
  { limit: 'requestsPerMinute', metric: 'req', kind: 'minute' },
  { limit: 'concurrentRequests', metric: 'conc', kind: 'concurrency' },
];

const scopeLetters: Record<QuotaScope, string> = { tenant: 't', key: 'k', service: 's' };

export function counterKey(scope: QuotaScope, id: string, metric: QuotaMetric, windowId: string): string {
  return `q:${scopeLetters[scope]}:${encodeURIComponent(id)}:${metric}:${windowId}`;
}

export function planCounters(subject: QuotaSubject, demand: QuotaDemand, now: number, options: CounterPlanOptions): PlannedCounter[] {
  const scopes: Array<{ scope: QuotaScope; id: string; limits: QuotaLimits }> = [
    { scope: 'tenant', id: subject.tenantId, limits: subject.tenantLimits },
    { scope: 'key', id: subject.keyId, limits: subject.keyLimits },
  ];
  if (subject.service) scopes.push({ scope: 'service', id: subject.service.name, limits: subject.service.limits });
  const counters: PlannedCounter[] = [];
  for (const rule of rules) {
    for (const { scope, id, limits } of scopes) {
      const limit = limits[rule.limit];
      if (limit === undefined || limit === null) continue;
      counters.push(plan(rule, scope, id, limit, subject.timeZone, demand, now, options));
    }
  }
  return counters;
}

function plan(
  rule: LimitRule,
  scope: QuotaScope,
  id: string,
  limit: number,
  timeZone: string,
  demand: QuotaDemand,
  now: number,
  options: CounterPlanOptions,
): PlannedCounter {
  const { metric, kind } = rule;
  const amount = metric === 'tok' ? demand.tokens : metric === 'cost' ? demand.costNanoUsd : 1;
  if (kind === 'concurrency') {
    const bucketMs = options.concurrencyBucketMs;
    const bucket = Math.floor(now / bucketMs);
    const window = { id: `c:${bucket}`, startMs: bucket * bucketMs, endMs: (bucket + 1) * bucketMs };
    return {
      key: counterKey(scope, id, metric, window.id),
      countAlso: [counterKey(scope, id, metric, `c:${bucket - 1}`)],
      limit,
      amount,
      // Counted as the current bucket, then as the previous one: it must outlive the next bucket.
      ttlMs: window.endMs + bucketMs - now + options.expirySlackMs,
      scope,
      metric,
      kind,
      window,
    };
  }
  const window = windowFor(kind, now, timeZone);
  return { key: counterKey(scope, id, metric, window.id), limit, amount, ttlMs: window.endMs - now + options.expirySlackMs, scope, metric, kind, window };
}

function windowFor(kind: 'minute' | 'day' | 'month', now: number, timeZone: string): QuotaWindow {
  switch (kind) {
    case 'minute':
      return minuteWindow(now);
    case 'day':
      return dayWindow(now, timeZone);
    case 'month':
      return monthWindow(now, timeZone);
    default: {
      const unknownKind: never = kind;
      throw new Error(`unknown window kind ${String(unknownKind)}`);
    }
  }
}
