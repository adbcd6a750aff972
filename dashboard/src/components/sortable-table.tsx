/**
 * @module dashboard/components/sortable-table
 * A table whose columns sort on click (numbers and exact money numerically, text by locale),
 * scrolling sideways on a narrow screen. Money cells show cents (or every digit with "exact
 * amounts") and always carry the API's exact value in `data-exact` and `title`.
 */
import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { usdCents, usdExact } from '../money.js';

export interface Column<Row> {
  key: string;
  label: string;
  kind?: 'text' | 'number' | 'money';
  value: (row: Row) => string | number | null;
  render?: (row: Row) => ComponentChildren;
}

interface Props<Row> {
  columns: Column<Row>[];
  rows: Row[];
  testId: string;
  exact: boolean;
  initialSort?: { key: string; descending: boolean };
  onRowClick?: (row: Row) => void;
  rowClass?: (row: Row) => string | undefined;
  empty?: string;
}

function compare(a: string | number | null, b: string | number | null, kind: Column<unknown>['kind']): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (kind === 'money') {
    const difference = BigInt(String(a).replace('.', '')) - BigInt(String(b).replace('.', ''));
    return difference === 0n ? 0 : difference < 0n ? -1 : 1;
  }
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

export function SortableTable<Row>({ columns, rows, testId, exact, initialSort, onRowClick, rowClass, empty }: Props<Row>) {
  const [sort, setSort] = useState(initialSort ?? { key: columns[0].key, descending: false });
  const sorted = useMemo(() => {
    const column = columns.find((candidate) => candidate.key === sort.key) ?? columns[0];
    const copy = [...rows];
    copy.sort((a, b) => compare(column.value(a), column.value(b), column.kind) * (sort.descending ? -1 : 1));
    return copy;
  }, [rows, sort, columns]);
  const toggle = (key: string) => setSort((current) => ({ key, descending: current.key === key ? !current.descending : true }));
  return (
    <div class="table-scroll">
      <table data-testid={testId}>
        <thead>
          <tr>
            {columns.map((column) => (
              <th
                key={column.key}
                class={column.kind === 'text' || column.kind === undefined ? '' : 'numeric'}
                aria-sort={sort.key === column.key ? (sort.descending ? 'descending' : 'ascending') : 'none'}
              >
                <button type="button" data-sort={column.key} onClick={() => toggle(column.key)}>
                  {column.label}
                  {sort.key === column.key ? (sort.descending ? ' ▼' : ' ▲') : ''}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sorted.length === 0 && (
            <tr>
              <td colSpan={columns.length} class="empty">
                {empty ?? 'Nothing in this range.'}
              </td>
            </tr>
          )}
          {sorted.map((row, index) => (
            <tr key={index} class={rowClass?.(row)} onClick={onRowClick ? () => onRowClick(row) : undefined}>
              {columns.map((column) => (
                <td key={column.key} class={column.kind === 'text' || column.kind === undefined ? '' : 'numeric'} data-column={column.key}>
                  {column.render ? column.render(row) : <Cell value={column.value(row)} kind={column.kind} exact={exact} />}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Cell({ value, kind, exact }: { value: string | number | null; kind?: Column<unknown>['kind']; exact: boolean }) {
  if (value === null) return <span class="muted">—</span>;
  if (kind === 'money') {
    return (
      <span data-exact={String(value)} title={`${value} USD`}>
        {exact ? usdExact(String(value)) : usdCents(String(value))}
      </span>
    );
  }
  if (kind === 'number' && typeof value === 'number') return <span data-exact={String(value)}>{value.toLocaleString('en-US')}</span>;
  return <span>{String(value)}</span>;
}
