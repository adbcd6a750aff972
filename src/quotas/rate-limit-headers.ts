/**
 * @module quotas/rate-limit-headers
 * OpenAI's `x-ratelimit-*` headers, from the counters a reservation touched and the values the
 * backend returned: no extra round trip. Requests and tokens each get a trio (limit, remaining,
 * reset) from the tightest per-minute window of tenant and key; a trio is left out when neither
 * has that limit. Token figures count reserved worst cases, so "remaining" is conservative until
 * calls settle.
 *
 * @example
 * formatResetDuration(350);    // "350ms"
 * formatResetDuration(12_000); // "12s"
 * formatResetDuration(90_000); // "1m30s"
 */
import type { PlannedCounter } from './counter-plan.js';
import { msUntilReset } from './windows.js';

/** `values[i]` is counter i's value; undefined when unknown (a refusal from a backend that sends only one). */
export function rateLimitHeaders(counters: PlannedCounter[], values: Array<number | undefined>, now: number): Record<string, string> {
  // Built field by field: it runs on every call, and spreading per-trio objects cost ~1.5% of
  // the CPU at saturation.
  const headers: Record<string, string> = {};
  addTrio(headers, requestHeaders, tightest(counters, values, 'req'), now);
  addTrio(headers, tokenHeaders, tightest(counters, values, 'tok'), now);
  return headers;
}

export function formatResetDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  let seconds = Math.ceil(ms / 1000);
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

interface Reading {
  counter: PlannedCounter;
  remaining: number;
}

function tightest(counters: PlannedCounter[], values: Array<number | undefined>, metric: 'req' | 'tok'): Reading | undefined {
  let best: Reading | undefined;
  for (let index = 0; index < counters.length; index++) {
    const counter = counters[index];
    const value = values[index];
    if (counter.metric !== metric || counter.kind !== 'minute' || value === undefined) continue;
    const remaining = Math.max(0, counter.limit - value);
    const tighter = !best || remaining < best.remaining || (remaining === best.remaining && counter.limit < best.counter.limit);
    if (tighter) best = { counter, remaining };
  }
  return best;
}

interface TrioNames {
  limit: string;
  remaining: string;
  reset: string;
}

const requestHeaders: TrioNames = { limit: 'x-ratelimit-limit-requests', remaining: 'x-ratelimit-remaining-requests', reset: 'x-ratelimit-reset-requests' };
const tokenHeaders: TrioNames = { limit: 'x-ratelimit-limit-tokens', remaining: 'x-ratelimit-remaining-tokens', reset: 'x-ratelimit-reset-tokens' };

function addTrio(headers: Record<string, string>, names: TrioNames, reading: Reading | undefined, now: number): void {
  if (!reading) return;
  headers[names.limit] = String(reading.counter.limit);
  headers[names.remaining] = String(reading.remaining);
  headers[names.reset] = formatResetDuration(msUntilReset(reading.counter.window, now));
}
