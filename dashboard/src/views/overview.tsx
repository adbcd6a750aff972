/**
 * @module dashboard/views/overview
 * Cost and usage for the filters: totals, cost per day stacked by tenant or model, tokens by
 * model, and the top tenants, keys, prompts and end users. Every figure is from
 * `GET /admin/reports/usage` with the same filters; the CSV button downloads the server's own
 * CSV of the chart's figures (day × tenant or model).
 */
import type { ChartConfiguration } from 'chart.js';
import { apiUrl, getJson, totalTokens, type Session, type UsageReport, type UsageRow } from '../api.js';
import { ChartCanvas, palette } from '../components/chart-canvas.js';
import { Cell, SortableTable, type Column } from '../components/sortable-table.js';
import { reportParams, type Filters } from '../filters.js';
import { usdFloat } from '../money.js';
import { useData } from '../use-data.js';

const reportPath = '/admin/reports/usage';

function report(filters: Filters, groupBy: string) {
  return getJson<UsageReport>(reportPath, reportParams(filters, { groupBy }));
}

export function Overview({ filters, session, exact, onChange }: { filters: Filters; session: Session; exact: boolean; onChange: (patch: Partial<Filters>) => void }) {
  const stack = session.role === 'tenant' && filters.stack === 'tenant' ? 'model' : filters.stack;
  const key = JSON.stringify([filters.from, filters.to, filters.tz, filters.tenant, filters.model, filters.tag]);
  const daily = useData(() => report(filters, `day,${stack}`), [key, stack]);
  const byModel = useData(() => report(filters, 'model'), [key]);
  const csvHref = apiUrl(reportPath, reportParams(filters, { groupBy: `day,${stack}`, format: 'csv' }));
  if (daily.error) return <p class="error" role="alert" data-testid="view-error">{daily.error.message}</p>;
  const totals = daily.data?.totals;
  return (
    <section aria-labelledby="overview-title" data-testid="overview" data-loading={daily.loading || byModel.loading ? 'true' : 'false'}>
      <div class="view-head">
        <h2 id="overview-title">Cost and usage</h2>
        <a class="button" href={csvHref} download data-testid="download-csv">
          Download CSV
        </a>
      </div>
      {daily.data?.alignment === 'hour' && <p class="notice">In {filters.tz} days start at the first whole UTC hour after local midnight (the zone is offset by a half hour).</p>}
      <div class="cards" data-testid="totals">
        <Card label="Cost" testId="total-cost">
          {totals && <Cell value={totals.cost_usd} kind="money" exact={exact} />}
        </Card>
        <Card label="Requests" testId="total-requests">
          {totals && <Cell value={totals.requests} kind="number" exact={exact} />}
        </Card>
        <Card label="Tokens" testId="total-tokens">
          {totals && <Cell value={totalTokens(totals)} kind="number" exact={exact} />}
        </Card>
        <Card label="Errors" testId="total-errors">
          {totals && <Cell value={totals.errors} kind="number" exact={exact} />}
        </Card>
        <Card label="Unpriced calls" testId="total-unpriced">
          {totals && <Cell value={totals.unpriced_requests} kind="number" exact={exact} />}
        </Card>
      </div>
      <div class="panel">
        <div class="panel-head">
          <h3>Cost per day by {stack}</h3>
          <div class="toggle" role="group" aria-label="Stack by">
            {(session.role === 'tenant' ? ['model'] : ['tenant', 'model']).map((option) => (
              <button type="button" key={option} aria-pressed={stack === option} data-stack={option} onClick={() => onChange({ stack: option as Filters['stack'] })}>
                by {option}
              </button>
            ))}
          </div>
        </div>
        {daily.data && <ChartCanvas testId="cost-chart" label={`Cost per day stacked by ${stack}`} config={costChart(daily.data.data, stack)} />}
      </div>
      <div class="panel">
        <h3>Tokens by model</h3>
        {byModel.data && <ChartCanvas testId="tokens-chart" label="Tokens by model" config={tokensChart(byModel.data.data)} />}
      </div>
      <div class="grid-2">
        {session.role !== 'tenant' && <TopTable title="Top tenants" dimension="tenant" filters={filters} exact={exact} />}
        <TopTable title="Top keys" dimension="key" filters={filters} exact={exact} />
        <TopTable title="Top prompts" dimension="prompt" filters={filters} exact={exact} />
        <TopTable title="Top end users" dimension="end_user" filters={filters} exact={exact} />
      </div>
    </section>
  );
}

function Card({ label, testId, children }: { label: string; testId: string; children: preact.ComponentChildren }) {
  return (
    <div class="card" data-testid={testId}>
      <span class="card-label">{label}</span>
      <span class="card-value">{children ?? '…'}</span>
    </div>
  );
}

function TopTable({ title, dimension, filters, exact }: { title: string; dimension: string; filters: Filters; exact: boolean }) {
  const key = JSON.stringify([filters.from, filters.to, filters.tz, filters.tenant, filters.model, filters.tag]);
  const loaded = useData(() => report(filters, dimension), [key, dimension]);
  const columns: Column<UsageRow>[] = [
    { key: dimension, label: title.replace('Top ', '').replace(/s$/, ''), value: (row) => (row[dimension] as string | null) ?? '(none)' },
    { key: 'requests', label: 'Requests', kind: 'number', value: (row) => row.requests },
    { key: 'tokens', label: 'Tokens', kind: 'number', value: (row) => totalTokens(row) },
    { key: 'cost_usd', label: 'Cost', kind: 'money', value: (row) => row.cost_usd },
  ];
  const csvHref = apiUrl(reportPath, reportParams(filters, { groupBy: dimension, format: 'csv' }));
  return (
    <div class="panel" data-loading={loaded.loading ? 'true' : 'false'}>
      <div class="panel-head">
        <h3>{title}</h3>
        <a href={csvHref} download class="small-link">
          CSV
        </a>
      </div>
      {loaded.error && <p class="error">{loaded.error.message}</p>}
      {loaded.data && (
        <SortableTable testId={`top-${dimension}`} columns={columns} rows={loaded.data.data} exact={exact} initialSort={{ key: 'cost_usd', descending: true }} />
      )}
    </div>
  );
}

function costChart(rows: UsageRow[], stack: string): ChartConfiguration {
  const days = [...new Set(rows.map((row) => String(row.day)))];
  const series = [...new Set(rows.map((row) => (row[stack] as string | null) ?? '(none)'))];
  return {
    type: 'bar',
    data: {
      labels: days,
      datasets: series.map((name, index) => ({
        label: name,
        backgroundColor: palette[index % palette.length],
        data: days.map((day) => usdFloat(rows.find((row) => row.day === day && ((row[stack] as string | null) ?? '(none)') === name)?.cost_usd ?? '0')),
      })),
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, title: { display: true, text: 'USD' } } }, plugins: { legend: { position: 'bottom' } } },
  };
}

function tokensChart(rows: UsageRow[]): ChartConfiguration {
  const figures: Array<[keyof UsageRow, string]> = [
    ['input_tokens', 'input'],
    ['cached_input_tokens', 'cached input'],
    ['cache_write_tokens', 'cache write'],
    ['output_tokens', 'output'],
    ['reasoning_tokens', 'reasoning'],
  ];
  return {
    type: 'bar',
    data: {
      labels: rows.map((row) => String(row.model ?? '(none)')),
      datasets: figures.map(([field, label], index) => ({ label, backgroundColor: palette[index], data: rows.map((row) => Number(row[field])) })),
    },
    options: { indexAxis: 'y', scales: { x: { stacked: true }, y: { stacked: true } }, plugins: { legend: { position: 'bottom' } } },
  };
}
