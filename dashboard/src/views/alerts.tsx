/**
 * @module dashboard/views/alerts
 * Alerts raised (`GET /admin/alerts`): budget thresholds and spend spikes, with their webhook
 * delivery. A budget alert links to its budget's burn-down.
 */
import { getJson } from '../api.js';
import { csvText, downloadCsv } from '../components/csv.js';
import { SortableTable, type Column } from '../components/sortable-table.js';
import type { Filters } from '../filters.js';
import { useData } from '../use-data.js';
import { budgetId, type Budget } from './budget-model.js';

interface AlertRow {
  id: string;
  kind: 'budget_threshold' | 'spend_spike';
  tenant: string;
  created_at: string;
  message: string | null;
  status: string;
  attempts: number;
  payload: { budget?: Budget; threshold?: number };
}

export function Alerts({ filters, exact, onChange }: { filters: Filters; exact: boolean; onChange: (patch: Partial<Filters>) => void }) {
  const loaded = useData(() => getJson<{ data: AlertRow[] }>('/admin/alerts', { tenant: filters.tenant, limit: '200' }), [filters.tenant]);
  const rows = loaded.data?.data ?? [];
  const follow = (alert: AlertRow) => {
    const budget = alert.payload.budget;
    if (budget) onChange({ view: 'budgets', tenant: budget.tenant, budget: budgetId(budget) });
  };
  const columns: Column<AlertRow>[] = [
    { key: 'created_at', label: 'Raised (UTC)', value: (row) => row.created_at.replace('T', ' ').slice(0, 19) },
    { key: 'tenant', label: 'Tenant', value: (row) => row.tenant },
    { key: 'kind', label: 'Kind', value: (row) => (row.kind === 'budget_threshold' ? `budget ${row.payload.threshold}%` : 'spend spike') },
    { key: 'message', label: 'What happened', value: (row) => row.message },
    { key: 'status', label: 'Webhook', value: (row) => `${row.status}${row.attempts > 1 ? ` (${row.attempts} attempts)` : ''}` },
    {
      key: 'open',
      label: '',
      value: () => null,
      render: (row) =>
        row.payload.budget ? (
          <button type="button" class="small-link" data-testid="open-budget" onClick={() => follow(row)}>
            Open budget →
          </button>
        ) : null,
    },
  ];
  const exportCsv = () =>
    downloadCsv('tollgate-alerts.csv', csvText(['id', 'created_at', 'tenant', 'kind', 'status', 'attempts', 'message'], rows.map((row) => [row.id, row.created_at, row.tenant, row.kind, row.status, row.attempts, row.message])));
  return (
    <section aria-labelledby="alerts-title" data-testid="alerts" data-loading={loaded.loading ? 'true' : 'false'}>
      <div class="view-head">
        <h2 id="alerts-title">Alerts</h2>
        <button type="button" class="button" onClick={exportCsv} data-testid="download-csv">
          Download CSV
        </button>
      </div>
      {loaded.error && <p class="error" role="alert">{loaded.error.message}</p>}
      <SortableTable testId="alerts-table" columns={columns} rows={rows} exact={exact} initialSort={{ key: 'created_at', descending: true }} empty="No alerts." />
    </section>
  );
}
