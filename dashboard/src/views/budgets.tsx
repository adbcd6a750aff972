/**
 * @module dashboard/views/budgets
 * Every day and month budget of the tenants in view (`GET /admin/budgets`), soonest to run out
 * first, with the one that runs out first called out; and a burn-down of the chosen budget:
 * spend so far this period (cumulative, from the usage report in the budget's time zone), the
 * projection to the period's end at the current rate, and the limit.
 */
import type { ChartConfiguration } from 'chart.js';
import { getJson, totalTokens, type UsageReport } from '../api.js';
import { ChartCanvas } from '../components/chart-canvas.js';
import { csvText, downloadCsv } from '../components/csv.js';
import { Cell, SortableTable, type Column } from '../components/sortable-table.js';
import { today, type Filters } from '../filters.js';
import { usdCents } from '../money.js';
import { useData } from '../use-data.js';

export interface Budget {
  scope: 'tenant' | 'key';
  tenant: string;
  key: string | null;
  key_name: string | null;
  metric: 'cost_usd' | 'tokens';
  window: 'day' | 'month';
  period: string;
  period_start: string;
  period_end: string;
  time_zone: string;
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

export const budgetId = (budget: Pick<Budget, 'scope' | 'tenant' | 'key' | 'metric' | 'window'>) =>
  `${budget.scope}:${budget.key ?? budget.tenant}:${budget.metric}:${budget.window}`;

const describe = (budget: Budget) => `${budget.window === 'month' ? 'monthly' : 'daily'} ${budget.metric === 'cost_usd' ? 'spend' : 'token'} budget`;
const amountKind = (budget: Budget) => (budget.metric === 'cost_usd' ? 'money' : 'number');
const when = (iso: string, zone: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: zone, dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

export function Budgets({ filters, exact, onChange }: { filters: Filters; exact: boolean; onChange: (patch: Partial<Filters>) => void }) {
  const loaded = useData(() => getJson<{ data: Budget[] }>('/admin/budgets', { tenant: filters.tenant }), [filters.tenant]);
  if (loaded.error) return <p class="error" role="alert" data-testid="view-error">{loaded.error.message}</p>;
  const budgets = loaded.data?.data ?? [];
  const first = budgets.find((budget) => budget.runs_out_at !== null);
  const selected = budgets.find((budget) => budgetId(budget) === filters.budget) ?? first ?? budgets[0];
  const amount = (field: keyof Budget) => (budget: Budget) => budget[field] as string | number;
  const columns: Column<Budget>[] = [
    { key: 'tenant', label: 'Tenant', value: (budget) => budget.tenant },
    { key: 'key', label: 'Key', value: (budget) => budget.key_name },
    { key: 'budget', label: 'Budget', value: describe },
    { key: 'limit', label: 'Limit', kind: 'money', value: amount('limit'), render: (budget) => <Cell value={budget.limit} kind={amountKind(budget)} exact={exact} /> },
    { key: 'spent', label: 'Spent', kind: 'money', value: amount('spent'), render: (budget) => <Cell value={budget.spent} kind={amountKind(budget)} exact={exact} /> },
    { key: 'percent_used', label: 'Used', kind: 'number', value: (budget) => budget.percent_used, render: (budget) => `${budget.percent_used}%` },
    { key: 'burn', label: 'Burn / day', kind: 'money', value: amount('burn_rate_per_day'), render: (budget) => <Cell value={budget.burn_rate_per_day} kind={amountKind(budget)} exact={exact} /> },
    { key: 'projected', label: 'Projected', kind: 'money', value: amount('projected'), render: (budget) => <Cell value={budget.projected} kind={amountKind(budget)} exact={exact} /> },
    { key: 'runs_out_at', label: 'Runs out', value: (budget) => budget.runs_out_at, render: (budget) => (budget.runs_out_at ? when(budget.runs_out_at, budget.time_zone) : 'not this period') },
  ];
  const exportCsv = () =>
    downloadCsv(
      'tollgate-budgets.csv',
      csvText(
        ['tenant', 'key', 'metric', 'window', 'period', 'limit', 'spent', 'remaining', 'percent_used', 'burn_rate_per_day', 'projected', 'runs_out_at'],
        budgets.map((budget) => [budget.tenant, budget.key, budget.metric, budget.window, budget.period, budget.limit, budget.spent, budget.remaining, budget.percent_used, budget.burn_rate_per_day, budget.projected, budget.runs_out_at]),
      ),
    );
  return (
    <section aria-labelledby="budgets-title" data-testid="budgets" data-loading={loaded.loading ? 'true' : 'false'}>
      <div class="view-head">
        <h2 id="budgets-title">Budgets this period</h2>
        <button type="button" class="button" onClick={exportCsv} data-testid="download-csv">
          Download CSV
        </button>
      </div>
      {first ? (
        <p class="callout" data-testid="runs-out-first">
          Runs out first: <strong>{first.scope === 'key' ? `key ${first.key_name} of ${first.tenant}` : first.tenant}</strong>, {describe(first)} —{' '}
          <strong data-exact={first.runs_out_at!}>{when(first.runs_out_at!, first.time_zone)}</strong> at the current rate ({first.percent_used}% used, projected{' '}
          {first.metric === 'cost_usd' ? usdCents(String(first.projected)) : first.projected}).
        </p>
      ) : (
        !loaded.loading && <p class="callout" data-testid="runs-out-first">No budget runs out this period at the current rate.</p>
      )}
      <SortableTable
        testId="budgets-table"
        columns={columns}
        rows={budgets}
        exact={exact}
        initialSort={{ key: 'runs_out_at', descending: false }}
        onRowClick={(budget) => onChange({ budget: budgetId(budget) })}
        rowClass={(budget) => (selected && budgetId(budget) === budgetId(selected) ? 'selected' : undefined)}
        empty="No tenant or key in view has a day or month budget."
      />
      {selected && <BurnDown budget={selected} />}
    </section>
  );
}

function BurnDown({ budget }: { budget: Budget }) {
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
