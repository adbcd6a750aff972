/**
 * @module budgets/budget-status
 * Every money and token budget of a tenant and of its keys — the day and month quotas — with what
 * was spent this period (from the hourly rollups, in the tenant's time zone), the burn rate, the
 * projected spend at the period's end and the date it runs out at the current rate. Budgets that
 * run out soonest come first. Per-minute limits are rate limits, not budgets: see `GET /v1/usage`.
 */
import type { KeyRecord, TenantRecord } from '../auth/key-store.js';
import { formatNanoUsd } from '../metering/decimal.js';
import { quotaLimitsFromConfig, type QuotaLimits } from '../quotas/index.js';
import { dayWindow, monthWindow, type QuotaWindow } from '../quotas/windows.js';
import { spendTotals, totalTokens } from '../reports/spend-totals.js';
import { ceilToHour } from '../reports/time-buckets.js';
import type { SqlReader } from '../storage/sql-reader.js';
import { projectBudget } from './budget-math.js';

export interface BudgetStatus {
  scope: 'tenant' | 'key';
  tenant: string;
  key: string | null;
  key_name: string | null;
  metric: 'cost_usd' | 'tokens';
  window: 'day' | 'month';
  /** The period's id, e.g. `M:2026-07`. */
  period: string;
  period_start: string;
  period_end: string;
  time_zone: string;
  /** Decimal USD strings for `cost_usd`, integers for `tokens`. */
  limit: string | number;
  spent: string | number;
  remaining: string | number;
  percent_used: number;
  burn_rate_per_day: string | number;
  projected: string | number;
  projected_percent: number;
  runs_out_at: string | null;
  exhausted: boolean;
}

interface BudgetRule {
  limit: keyof QuotaLimits;
  metric: BudgetStatus['metric'];
  window: BudgetStatus['window'];
}

const rules: BudgetRule[] = [
  { limit: 'costPerMonthNanoUsd', metric: 'cost_usd', window: 'month' },
  { limit: 'costPerDayNanoUsd', metric: 'cost_usd', window: 'day' },
  { limit: 'tokensPerDay', metric: 'tokens', window: 'day' },
];

export async function budgetsOf(reader: SqlReader, tenant: TenantRecord, keys: readonly KeyRecord[], now = Date.now()): Promise<BudgetStatus[]> {
  const statuses = await subjectBudgets(reader, tenant, null, quotaLimitsFromConfig(tenant.quotas), now);
  for (const key of keys) {
    if (key.revokedAt !== null) continue;
    statuses.push(...(await subjectBudgets(reader, tenant, key, quotaLimitsFromConfig(key.quotas), now)));
  }
  return statuses;
}

/** Soonest run-out first, then the most used. */
export function byUrgency(a: BudgetStatus, b: BudgetStatus): number {
  const runOut = (status: BudgetStatus) => (status.runs_out_at === null ? Number.POSITIVE_INFINITY : Date.parse(status.runs_out_at));
  return runOut(a) - runOut(b) || b.percent_used - a.percent_used || a.tenant.localeCompare(b.tenant);
}

async function subjectBudgets(reader: SqlReader, tenant: TenantRecord, key: KeyRecord | null, limits: QuotaLimits, now: number): Promise<BudgetStatus[]> {
  const statuses: BudgetStatus[] = [];
  for (const rule of rules) {
    const limit = limits[rule.limit];
    if (limit === undefined) continue;
    const window: QuotaWindow = rule.window === 'day' ? dayWindow(now, tenant.timeZone) : monthWindow(now, tenant.timeZone);
    const figures = await spendTotals(reader, { tenant: tenant.id, key: key?.id, from: ceilToHour(window.startMs), to: ceilToHour(now + 1) });
    const spent = rule.metric === 'cost_usd' ? BigInt(figures.cost_nano_usd) : BigInt(totalTokens(figures));
    const projection = projectBudget({ limit: BigInt(limit), spent, periodStart: window.startMs, periodEnd: window.endMs, now });
    const amount = (value: bigint) => (rule.metric === 'cost_usd' ? formatNanoUsd(value) : Number(value));
    statuses.push({
      scope: key ? 'key' : 'tenant',
      tenant: tenant.id,
      key: key?.id ?? null,
      key_name: key?.name ?? null,
      metric: rule.metric,
      window: rule.window,
      period: window.id,
      period_start: new Date(window.startMs).toISOString(),
      period_end: new Date(window.endMs).toISOString(),
      time_zone: tenant.timeZone,
      limit: amount(BigInt(limit)),
      spent: amount(spent),
      remaining: amount(projection.remaining),
      percent_used: projection.percentUsed,
      burn_rate_per_day: amount(projection.ratePerDay),
      projected: amount(projection.projected),
      projected_percent: projection.projectedPercent,
      runs_out_at: projection.runsOutAt === null ? null : new Date(projection.runsOutAt).toISOString(),
      exhausted: spent >= BigInt(limit),
    });
  }
  return statuses;
}
