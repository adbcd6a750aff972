/**
 * @module dashboard/views/budgets
 * Every day and month budget of the tenants in view (`GET /admin/budgets`), soonest to run out
 * first, with the one that runs out first called out; a click on a budget shows its burn-down.
 */
import { getJson } from '../api.js';
import { csvText, downloadCsv } from '../components/csv.js';
import { Cell, SortableTable, type Column } from '../components/sortable-table.js';
import type { Filters } from '../filters.js';
import { usdCents } from '../money.js';
import { useData } from '../use-data.js';
import { budgetId, describe, type Budget } from './budget-model.js';
import { BurnDown } from './burn-down.js';

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
