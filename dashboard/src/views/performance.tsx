/**
 * @module dashboard/views/performance
 * Latency and errors per provider per day (`GET /admin/reports/trends`): p50/p95 latency, p95
 * time to first token and the error rate, so a provider degrading over weeks shows before users
 * complain. Percentiles come from fixed histogram buckets: exact to the bucket.
 */
import type { ChartConfiguration } from 'chart.js';
import { apiUrl, getJson } from '../api.js';
import { ChartCanvas, palette } from '../components/chart-canvas.js';
import { SortableTable, type Column } from '../components/sortable-table.js';
import type { Filters } from '../filters.js';
import { useData } from '../use-data.js';

interface TrendRow {
  day: string;
  provider: string | null;
  requests: number;
  errors: number;
  error_rate: number | null;
  server_error_rate: number | null;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  ttft_p50_ms: number | null;
  ttft_p95_ms: number | null;
}

export function Performance({ filters, exact }: { filters: Filters; exact: boolean }) {
  const params = { groupBy: 'provider,day', from: filters.from, to: filters.to, tz: filters.tz, tenant: filters.tenant, model: filters.model };
  const loaded = useData(() => getJson<{ data: TrendRow[] }>('/admin/reports/trends', params), [JSON.stringify(params)]);
  if (loaded.error) return <p class="error" role="alert" data-testid="view-error">{loaded.error.message}</p>;
  const rows = loaded.data?.data ?? [];
  const columns: Column<TrendRow>[] = [
    { key: 'day', label: 'Day', value: (row) => row.day },
    { key: 'provider', label: 'Provider', value: (row) => row.provider },
    { key: 'requests', label: 'Requests', kind: 'number', value: (row) => row.requests },
    { key: 'error_rate', label: 'Error rate', kind: 'number', value: (row) => row.error_rate, render: (row) => percent(row.error_rate) },
    { key: 'latency_p50_ms', label: 'p50 ms', kind: 'number', value: (row) => row.latency_p50_ms },
    { key: 'latency_p95_ms', label: 'p95 ms', kind: 'number', value: (row) => row.latency_p95_ms },
    { key: 'ttft_p95_ms', label: 'TTFT p95 ms', kind: 'number', value: (row) => row.ttft_p95_ms },
  ];
  return (
    <section aria-labelledby="performance-title" data-testid="performance" data-loading={loaded.loading ? 'true' : 'false'}>
      <div class="view-head">
        <h2 id="performance-title">Latency and errors per provider</h2>
        <a class="button" download href={apiUrl('/admin/reports/trends', { ...params, format: 'csv' })} data-testid="download-csv">
          Download CSV
        </a>
      </div>
      <div class="grid-2">
        <div class="panel">
          <h3>Latency p50 / p95 (ms)</h3>
          <ChartCanvas testId="latency-chart" label="Latency per provider and day" config={lines(rows, [['latency_p50_ms', 'p50'], ['latency_p95_ms', 'p95']])} />
        </div>
        <div class="panel">
          <h3>Error rate</h3>
          <ChartCanvas testId="errors-chart" label="Error rate per provider and day" config={lines(rows, [['error_rate', 'errors']])} />
        </div>
      </div>
      <div class="panel">
        <h3>Per provider and day</h3>
        <div class="tall-table">
          <SortableTable testId="trends-table" columns={columns} rows={rows} exact={exact} initialSort={{ key: 'day', descending: false }} />
        </div>
      </div>
    </section>
  );
}

const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(2)}%`);

function lines(rows: TrendRow[], figures: Array<[keyof TrendRow, string]>): ChartConfiguration {
  const days = [...new Set(rows.map((row) => row.day))];
  const providers = [...new Set(rows.map((row) => row.provider ?? '(none)'))];
  const datasets = providers.flatMap((provider, index) =>
    figures.map(([field, label], position) => ({
      label: `${provider} ${label}`,
      borderColor: palette[index % palette.length],
      borderDash: position === 0 ? [] : [5, 4],
      pointRadius: 2,
      spanGaps: true,
      data: days.map((day) => (rows.find((row) => row.day === day && (row.provider ?? '(none)') === provider)?.[field] as number | null) ?? null),
    })),
  );
  return { type: 'line', data: { labels: days, datasets }, options: { plugins: { legend: { position: 'bottom' } }, scales: { y: { beginAtZero: true } } } };
}
