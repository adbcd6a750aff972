/**
 * @module dashboard/views/audit
 * The audit trail, for admins (`GET /admin/audit`): every administrative change and refused
 * authentication, newest first, filtered by action, actor, target and a UTC date range, paged
 * with the API's cursor. A row opens to show what the change changed: its before and after as a
 * diff, one line per changed field.
 */
import { useState } from 'preact/hooks';
import { getJson } from '../api.js';
import type { Filters } from '../filters.js';
import { jsonDiff } from '../json-diff.js';
import { useData } from '../use-data.js';

interface AuditRow {
  id: number;
  time: string;
  actor_kind: string;
  actor: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  source: string | null;
  before: unknown;
  after: unknown;
  detail: unknown;
}

const actions = ['', 'tenant.create', 'tenant.update', 'tenant.delete', 'key.create', 'key.revoke', 'operator.create', 'prompt.publish', 'prompt.deprecate', 'subscription.request', 'subscription.decide', 'config.load', 'prompts.reload', 'auth.refused', 'auth.forbidden'];

export function Audit({ filters }: { filters: Filters }) {
  const [action, setAction] = useState('');
  const [actor, setActor] = useState('');
  const [target, setTarget] = useState('');
  const [from, setFrom] = useState(filters.from);
  const [to, setTo] = useState(filters.to);
  const [cursors, setCursors] = useState<string[]>([]);
  const [open, setOpen] = useState<number | undefined>(undefined);
  const params = { action, actor, target, from: from && `${from}T00:00:00.000Z`, to: to && `${to}T23:59:59.999Z`, limit: '25', cursor: cursors[cursors.length - 1] };
  const loaded = useData(() => getJson<{ data: AuditRow[]; next_cursor: string | null }>('/admin/audit', params), [JSON.stringify(params)]);
  const rows = loaded.data?.data ?? [];
  const filter = (set: (value: string) => void) => (event: Event) => {
    set((event.target as HTMLInputElement | HTMLSelectElement).value.trim());
    setCursors([]);
  };
  return (
    <section aria-labelledby="audit-title" data-testid="audit" data-loading={loaded.loading ? 'true' : 'false'}>
      <div class="view-head">
        <h2 id="audit-title">Audit trail</h2>
      </div>
      <div class="filters inline">
        <label>
          Action
          <select name="action" value={action} onChange={filter(setAction)}>
            {actions.map((name) => (
              <option value={name} key={name}>
                {name || 'Any'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Actor
          <input name="actor" value={actor} placeholder="key id or admin" onChange={filter(setActor)} />
        </label>
        <label>
          Target
          <input name="target" value={target} placeholder="tenant, key or prompt id" onChange={filter(setTarget)} />
        </label>
        <label>
          From (UTC)
          <input type="date" name="audit-from" value={from} onChange={filter(setFrom)} />
        </label>
        <label>
          To (UTC)
          <input type="date" name="audit-to" value={to} onChange={filter(setTo)} />
        </label>
      </div>
      {loaded.error && <p class="error" role="alert">{loaded.error.message}</p>}
      <div class="table-scroll">
        <table data-testid="audit-table">
          <thead>
            <tr>
              <th>Time (UTC)</th>
              <th>Actor</th>
              <th>Action</th>
              <th>Target</th>
              <th>From</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td colSpan={5}>No audit events match.</td>
              </tr>
            )}
            {rows.map((row) => [
              <tr key={row.id} data-audit-id={row.id} class="clickable" onClick={() => setOpen(open === row.id ? undefined : row.id)} aria-expanded={open === row.id}>
                <td>{row.time.replace('T', ' ').slice(0, 19)}</td>
                <td>{row.actor ?? row.actor_kind}</td>
                <td>{row.action}</td>
                <td>{row.target_type ? `${row.target_type} ${row.target_id ?? ''}` : ''}</td>
                <td>{row.source ?? ''}</td>
              </tr>,
              open === row.id && (
                <tr key={`${row.id}-diff`} class="diff-row">
                  <td colSpan={5}>
                    <ChangeDiff row={row} />
                  </td>
                </tr>
              ),
            ])}
          </tbody>
        </table>
      </div>
      <div class="pager">
        <button type="button" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))} data-testid="audit-previous-page">
          ← Newer
        </button>
        <span>Page {cursors.length + 1}</span>
        <button type="button" disabled={!loaded.data?.next_cursor} onClick={() => setCursors([...cursors, loaded.data!.next_cursor!])} data-testid="audit-next-page">
          Older →
        </button>
      </div>
    </section>
  );
}

function ChangeDiff({ row }: { row: AuditRow }) {
  const lines = jsonDiff(row.before, row.after);
  return (
    <div data-testid="audit-diff">
      {lines.length === 0 ? (
        <p>No field changed.</p>
      ) : (
        <table class="diff">
          <thead>
            <tr>
              <th>Field</th>
              <th>Before</th>
              <th>After</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((line) => (
              <tr key={line.path} class={`diff-${line.kind}`} data-path={line.path}>
                <td>{line.path}</td>
                <td class="before">{line.before ?? '—'}</td>
                <td class="after">{line.after ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {row.detail !== null && row.detail !== undefined && <pre class="detail">{JSON.stringify(row.detail, null, 2)}</pre>}
    </div>
  );
}
