/**
 * @module ledger/pg/pg-ledger-sql
 * The statements of one PostgreSQL ledger flush, as multi-row inserts: the calls (skipping ids
 * already written, returning those that were new) and one upsert per rollup table adding the
 * increments of the new rows. A statement takes at most 65,535 parameters, so long lists are cut
 * into several statements of the same shape.
 */
import { callColumns } from '../call-params.js';
import type { RollupTarget } from '../rollup-targets.js';

const maxParameters = 60_000;

export interface Statement {
  text: string;
  values: unknown[];
}

/** Placeholder lists by shape: a steady load repeats a few batch sizes, and building one is 70,000 strings. */
const valuesLists = new Map<string, string>();

function valuesList(rowCount: number, width: number): string {
  const shape = `${rowCount}x${width}`;
  let text = valuesLists.get(shape);
  if (text === undefined) {
    text = buildValuesList(rowCount, width);
    if (valuesLists.size >= 64) valuesLists.clear();
    valuesLists.set(shape, text);
  }
  return text;
}

function buildValuesList(rowCount: number, width: number): string {
  const rows: string[] = [];
  for (let row = 0; row < rowCount; row++) {
    const placeholders: string[] = [];
    for (let column = 1; column <= width; column++) placeholders.push(`$${row * width + column}`);
    rows.push(`(${placeholders.join(', ')})`);
  }
  return rows.join(', ');
}

function chunks<T>(items: readonly T[], width: number): T[][] {
  const size = Math.max(1, Math.floor(maxParameters / width));
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

/** `INSERT INTO calls … ON CONFLICT DO NOTHING RETURNING id`, for rows given as `toCallParams` arrays. */
export function insertCallsStatements(rows: ReadonlyArray<readonly unknown[]>): Statement[] {
  const width = callColumns.length;
  return chunks(rows, width).map((chunk) => ({
    text: `INSERT INTO calls (${callColumns.join(', ')}) VALUES ${valuesList(chunk.length, width)} ON CONFLICT DO NOTHING RETURNING id`,
    values: chunk.flat(),
  }));
}

/** `INSERT … ON CONFLICT (key) DO UPDATE SET figure = table.figure + excluded.figure`. */
export function upsertRollupStatements(target: RollupTarget, increments: ReadonlyArray<ReadonlyArray<unknown>>): Statement[] {
  const width = target.columns.length;
  const key = target.columns.slice(0, target.keyLength);
  const sums = target.columns.slice(target.keyLength).map((column) => `${column} = ${target.table}.${column} + excluded.${column}`);
  return chunks(increments, width).map((chunk) => ({
    text: `INSERT INTO ${target.table} (${target.columns.join(', ')}) VALUES ${valuesList(chunk.length, width)}
      ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${sums.join(', ')}`,
    values: chunk.flat(),
  }));
}
