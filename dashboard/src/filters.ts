/**
 * @module dashboard/filters
 * The filters every view shares — date range, time zone, tenant, model, tag — and how they
 * become report parameters. They live in the URL's hash (never the session: that is in a cookie),
 * so a view can be bookmarked or sent to a colleague, who still needs their own key to open it.
 */
import type { Params } from './api.js';

export type View = 'overview' | 'budgets' | 'performance' | 'calls' | 'alerts' | 'audit';

export interface Filters {
  view: View;
  from: string;
  to: string;
  tz: string;
  tenant: string;
  model: string;
  tag: string;
  /** Stack the cost chart by tenant or by model. */
  stack: 'tenant' | 'model';
  /** A budget chosen in the budgets view: `scope:subject:metric:window`. */
  budget: string;
}

export const views: View[] = ['overview', 'budgets', 'performance', 'calls', 'alerts', 'audit'];
/** Views only an admin may open (the audit trail's API is for admins). */
export const adminViews: View[] = ['audit'];

/** Today's date in `tz`, YYYY-MM-DD. */
export function today(tz: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

const shift = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

export type Preset = 'this-month' | 'last-month' | 'last-7' | 'last-30';

export function presetRange(preset: Preset, tz: string): { from: string; to: string } {
  const now = today(tz);
  const firstOfMonth = `${now.slice(0, 8)}01`;
  switch (preset) {
    case 'this-month':
      return { from: firstOfMonth, to: now };
    case 'last-month': {
      const lastDay = shift(firstOfMonth, -1);
      return { from: `${lastDay.slice(0, 8)}01`, to: lastDay };
    }
    case 'last-7':
      return { from: shift(now, -6), to: now };
    case 'last-30':
      return { from: shift(now, -29), to: now };
  }
}

export function defaultFilters(tz: string): Filters {
  return { view: 'overview', ...presetRange('this-month', tz), tz, tenant: '', model: '', tag: '', stack: 'tenant', budget: '' };
}

/** The report parameters of the filters (dates are local to `tz`; `to` includes its day). */
export function reportParams(filters: Filters, extra: Params = {}): Params {
  return { from: filters.from, to: filters.to, tz: filters.tz, tenant: filters.tenant, model: filters.model, tag: filters.tag, ...extra };
}

export function readHash(fallback: Filters): Filters {
  const params = new URLSearchParams(window.location.hash.slice(1));
  const merged = { ...fallback };
  for (const name of Object.keys(fallback) as Array<keyof Filters>) {
    const value = params.get(name);
    if (value !== null) (merged as Record<string, string>)[name] = value;
  }
  if (!views.includes(merged.view)) merged.view = 'overview';
  if (merged.stack !== 'model') merged.stack = 'tenant';
  return merged;
}

export function writeHash(filters: Filters): void {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) if (value) params.set(name, value);
  const hash = `#${params.toString()}`;
  if (window.location.hash !== hash) window.history.replaceState(null, '', hash);
}
