/**
 * @module dashboard/views/burn-down
 * A budget's burn-down: spend so far this period (cumulative, from the usage report in the
 * budget's time zone, per day for a month budget, per hour for a day budget), the projection to
 * the period's end at the current rate, and the limit.
 */
import type { ChartConfiguration } from 'chart.js';
import { getJson, totalTokens, type UsageReport } from '../api.js';
import { ChartCanvas } from '../components/chart-canvas.js';
import { today } from '../filters.js';
import { useData } from '../use-data.js';
import { budgetId, describe, type Budget } from './budget-model.js';

export function BurnDown({ budget }: { budget: Budget }) {
  const daily = budget.window === 'month';
  const loaded = useData(
    () =>
      getJson<UsageReport>('/admin/reports/usage', {
        groupBy: daily ? 'day' : 'hour',
        tz: budget.time_zone,
        from: budget.period_start,
        to: new Date(Math.min(Date.now(), Date.parse(budget.period_end)) + 3_600_000).toISOString().slice(0, 13) + ':00:00Z',
        tenant: budget.tenant,
        key: budget.key ?? undefined,
      }),
    [budgetId(budget), budget.period],
  );
  return (
    <div class="panel" data-testid="burn-down" data-budget={budgetId(budget)} data-loading={loaded.loading ? 'true' : 'false'}>
      <h3>
        Burn-down: {budget.scope === 'key' ? `key ${budget.key_name} of ${budget.tenant}` : budget.tenant}, {describe(budget)} ({budget.period.slice(2)})
      </h3>
      {loaded.error && <p class="error">{loaded.error.message}</p>}
      {loaded.data && <ChartCanvas testId="burn-down-chart" label="Spend so far, projection and limit" config={burnDownChart(budget, loaded.data, daily)} />}
    </div>
  );
}

function burnDownChart(budget: Budget, report: UsageReport, daily: boolean): ChartConfiguration {
  const start = Date.parse(budget.period_start);
  const end = Date.parse(budget.period_end);
  const step = daily ? 86_400_000 : 3_600_000;
  const labels: string[] = [];
  for (let time = start + step / 2; time < end; time += step) labels.push(daily ? today(budget.time_zone, new Date(time)) : `${new Date(time).getUTCHours()}h`);
  const value = (row: UsageReport['data'][number]) => (budget.metric === 'cost_usd' ? Number(row.cost_usd) : totalTokens(row));
  const perLabel = new Map<string, number>();
  for (const row of report.data) {
    const label = daily ? String(row.day) : `${new Date(String(row.hour)).getUTCHours()}h`;
    perLabel.set(label, (perLabel.get(label) ?? 0) + value(row));
  }
  const nowIndex = Math.min(labels.length - 1, Math.floor((Date.now() - start) / step));
  let running = 0;
  const actual = labels.map((label, index) => (index <= nowIndex ? (running += perLabel.get(label) ?? 0) : null));
  const projectedEnd = Number(budget.projected);
  const projection = labels.map((_, index) => (index < nowIndex ? null : running + ((projectedEnd - running) * (index - nowIndex)) / Math.max(1, labels.length - 1 - nowIndex)));
  const limit = Number(budget.limit);
  return {
    type: 'line',
    data: {
      labels,
      datasets: [
        { label: 'Spent so far', data: actual, borderColor: '#2563eb', backgroundColor: 'rgba(37, 99, 235, 0.15)', fill: true, pointRadius: 3 },
        { label: 'Projected at the current rate', data: projection, borderColor: '#ea580c', borderDash: [6, 4], pointRadius: 0 },
        { label: 'Limit', data: labels.map(() => limit), borderColor: '#dc2626', pointRadius: 0 },
      ],
    },
    // Early in a period a projection can be many times the limit: the axis stops at twice the
    // limit so the limit and the spend stay readable (the table has the projected figure).
    options: {
      plugins: { legend: { position: 'bottom' } },
      scales: { y: { beginAtZero: true, max: Math.max(limit * 2, running) * 1.05, title: { display: true, text: budget.metric === 'cost_usd' ? 'USD' : 'tokens' } } },
    },
  };
}
