/**
 * @module dashboard/views/calls
 * The call explorer: the ledger's rows, newest first (`GET /admin/calls`), paged with the API's
 * cursor, filtered by the shared tenant, model and range and by status, kind, REST service and key.
 */
import { useState } from 'preact/hooks';
import { getJson } from '../api.js';
import { csvText, downloadCsv } from '../components/csv.js';
import { SortableTable, type Column } from '../components/sortable-table.js';
import type { Filters } from '../filters.js';
import { useData } from '../use-data.js';

interface CallRow {
  id: string;
  time: string;
  tenant_id: string | null;
  key_id: string | null;
  kind: string;
  model: string | null;
  provider: string | null;
  service: string | null;
  status: number;
  error_code: string | null;
  input_tokens: number;
  output_tokens: number;
  cost_usd: string | null;
  latency_ms: number;
  end_user: string | null;
  tags: Record<string, string> | null;
}

const dayAfter = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

export function Calls({ filters, exact }: { filters: Filters; exact: boolean }) {
  const [status, setStatus] = useState('');
  const [key, setKey] = useState('');
  const [kind, setKind] = useState('');
  const [service, setService] = useState('');
  const [cursors, setCursors] = useState<string[]>([]);
  const params = { tenant: filters.tenant, model: filters.model, status, kind, service, key, from: filters.from, to: dayAfter(filters.to), limit: '50', cursor: cursors[cursors.length - 1] };
  const loaded = useData(() => getJson<{ data: CallRow[]; next_cursor: string | null }>('/admin/calls', params), [JSON.stringify(params)]);
  const reset = () => setCursors([]);
  const rows = loaded.data?.data ?? [];
  const columns: Column<CallRow>[] = [
    { key: 'time', label: 'Time (UTC)', value: (row) => row.time.replace('T', ' ').slice(0, 19) },
    { key: 'tenant_id', label: 'Tenant', value: (row) => row.tenant_id },
    { key: 'model', label: 'Model', value: (row) => row.model },
    { key: 'kind', label: 'Kind', value: (row) => row.kind },
    { key: 'service', label: 'Service', value: (row) => row.service },
    { key: 'status', label: 'Status', kind: 'number', value: (row) => row.status },
    { key: 'tokens', label: 'In / out', value: (row) => `${row.input_tokens} / ${row.output_tokens}` },
    { key: 'cost_usd', label: 'Cost', kind: 'money', value: (row) => row.cost_usd },
    { key: 'latency_ms', label: 'ms', kind: 'number', value: (row) => row.latency_ms },
    { key: 'end_user', label: 'End user', value: (row) => row.end_user },
    { key: 'tags', label: 'Tags', value: (row) => (row.tags ? Object.entries(row.tags).map(([name, value]) => `${name}=${value}`).join(', ') : null) },
  ];
  const exportCsv = () =>
    downloadCsv(
      'tollgate-calls.csv',
      csvText(
        ['id', 'time', 'tenant', 'key', 'kind', 'model', 'provider', 'service', 'status', 'error_code', 'input_tokens', 'output_tokens', 'cost_usd', 'latency_ms', 'end_user'],
        rows.map((row) => [row.id, row.time, row.tenant_id, row.key_id, row.kind, row.model, row.provider, row.service, row.status, row.error_code, row.input_tokens, row.output_tokens, row.cost_usd, row.latency_ms, row.end_user]),
      ),
    );
  return (
    <section aria-labelledby="calls-title" data-testid="calls" data-loading={loaded.loading ? 'true' : 'false'}>
      <div class="view-head">
        <h2 id="calls-title">Calls</h2>
        <button type="button" class="button" onClick={exportCsv} data-testid="download-csv">
          Download CSV (this page)
        </button>
      </div>
      <div class="filters inline">
        <label>
          Status
          <select name="status" value={status} onChange={(event) => { setStatus((event.target as HTMLSelectElement).value); reset(); }}>
            <option value="">Any</option>
            <option value="ok">OK (&lt; 400)</option>
            <option value="error">Errors (≥ 400)</option>
            <option value="4xx">4xx</option>
            <option value="5xx">5xx</option>
            <option value="429">429</option>
          </select>
        </label>
        <label>
          Kind
          <select name="kind" value={kind} onChange={(event) => { setKind((event.target as HTMLSelectElement).value); reset(); }}>
            <option value="">Any</option>
            <option value="chat">Chat</option>
            <option value="prompt">Prompt API</option>
            <option value="proxy">REST service</option>
            <option value="embeddings">Embeddings</option>
            <option value="images">Images</option>
            <option value="audio">Audio</option>
            <option value="moderations">Moderations</option>
          </select>
        </label>
        <label>
          Service
          <input name="service" value={service} placeholder="billing" onChange={(event) => { setService((event.target as HTMLInputElement).value.trim()); reset(); }} />
        </label>
        <label>
          Key id
          <input name="key" value={key} placeholder="key_…" onChange={(event) => { setKey((event.target as HTMLInputElement).value.trim()); reset(); }} />
        </label>
      </div>
      {loaded.error && <p class="error" role="alert">{loaded.error.message}</p>}
      <SortableTable testId="calls-table" columns={columns} rows={rows} exact={exact} initialSort={{ key: 'time', descending: true }} empty="No calls match." />
      <div class="pager">
        <button type="button" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))} data-testid="previous-page">
          ← Newer
        </button>
        <span>Page {cursors.length + 1}</span>
        <button type="button" disabled={!loaded.data?.next_cursor} onClick={() => setCursors([...cursors, loaded.data!.next_cursor!])} data-testid="next-page">
          Older →
        </button>
      </div>
    </section>
  );
}
