/**
 * @module quotas/counter-plan
 * Which counters a reservation touches: one per configured limit of the tenant and of the key, each
 * in its current window, named by the key layout below. Order matters: a backend names the first
 * counter that would overflow, so the longest-lived windows come first — a client told "your daily
 * budget is spent" learns more than one told "retry in 1 s" by the concurrency limit.
 *
 * Key layout (before the backend's prefix): `q:{t:<tenant>}:t:{metric}:{windowId}` for a tenant's
 * counters, `q:{t:<tenant>}:k:<key>:{metric}:{windowId}` for its keys' and
 * `q:{s:<service>}:s:{metric}:{windowId}` for a REST service's own (`quotas` in `services:`); ids
 * URI-encoded (key ids may hold `:`, and an encoded id holds no brace), metric req | tok | cost |
 * conc, window id from `windows.ts` or `c:<bucket>` for concurrency. `{t:<tenant>}` is a Redis
 * Cluster hash tag: every counter of a tenant and its keys lies in one slot, so the reserve script
 * runs on one node, atomically, as on a single server. A service's counters are shared by every
 * tenant, so they have a tag of their own: on a cluster, a call that meets both a service quota and
 * tenant or key quotas names two slots, reserved one after the other (slot-groups.ts, docs/quotas.md).
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

/** The counter's key; `keyId` for a key's counters, omitted for the tenant's own. */
export function counterKey(tenantId: string, keyId: string | undefined, metric: QuotaMetric, windowId: string): string {
  const owner = keyId === undefined ? 't' : `k:${encodeURIComponent(keyId)}`;
  return `q:{t:${encodeURIComponent(tenantId)}}:${owner}:${metric}:${windowId}`;
}

/** A REST service's own counter (shared by every tenant calling it). */
export function serviceCounterKey(service: string, metric: QuotaMetric, windowId: string): string {
  return `q:{s:${encodeURIComponent(service)}}:s:${metric}:${windowId}`;
}

export function planCounters(subject: QuotaSubject, demand: QuotaDemand, now: number, options: CounterPlanOptions): PlannedCounter[] {
  type KeyOf = (metric: QuotaMetric, windowId: string) => string;
  const scopes: Array<{ scope: QuotaScope; keyOf: KeyOf; limits: QuotaLimits }> = [
    { scope: 'tenant', keyOf: (metric, windowId) => counterKey(subject.tenantId, undefined, metric, windowId), limits: subject.tenantLimits },
    { scope: 'key', keyOf: (metric, windowId) => counterKey(subject.tenantId, subject.keyId, metric, windowId), limits: subject.keyLimits },
  ];
  const service = subject.service;
  if (service) scopes.push({ scope: 'service', keyOf: (metric, windowId) => serviceCounterKey(service.name, metric, windowId), limits: service.limits });
  const counters: PlannedCounter[] = [];
  for (const rule of rules) {
    for (const { scope, keyOf, limits } of scopes) {
      const limit = limits[rule.limit];
      if (limit === undefined || limit === null) continue;
      const key = (windowId: string) => keyOf(rule.metric, windowId);
      counters.push(plan(rule, scope, key, limit, subject.timeZone, demand, now, options));
    }
  }
  return counters;
}

function plan(
  rule: LimitRule,
  scope: QuotaScope,
  key: (windowId: string) => string,
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
      key: key(window.id),
      countAlso: [key(`c:${bucket - 1}`)],
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
  return { key: key(window.id), limit, amount, ttlMs: window.endMs - now + options.expirySlackMs, scope, metric, kind, window };
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
