/**
 * @module reports/report-response
 * A usage report as an HTTP response that streams: JSON (`{...meta, totals, data: [...]}`) or
 * RFC 4180 CSV with a header row. Rows are encoded as they are read and sent in chunks of about
 * 64 KB, with backpressure (the next rows are read only when the client took the last chunk), so
 * an export of millions of rows needs no more memory than one chunk.
 */
import { csvLine } from './csv.js';
/** What a report route streams: meta and totals first, then rows with these columns. */
export interface StreamableReport {
  meta: { from: string | null; to: string | null };
  totals: object;
  columns: string[];
  rows(): AsyncGenerator<object>;
  /** The CSV file name's first word, e.g. `usage`. */
  name?: string;
}

const chunkBytes = 64 * 1024;

export function reportResponse(report: StreamableReport, format: 'json' | 'csv', headers: Record<string, string> = {}): Response {
  const encoder = new TextEncoder();
  const rows = report.rows();
  const head =
    format === 'csv' ? csvLine(report.columns) : `${JSON.stringify({ ...report.meta, totals: report.totals }).slice(0, -1)},"data":[`;
  let first = true;
  let pending = head;
  let done = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (!done && pending.length < chunkBytes) {
        const next = await rows.next();
        if (next.done) {
          done = true;
          if (format === 'json') pending += ']}';
          break;
        }
        pending += format === 'csv' ? csvLine(report.columns.map((column) => (next.value as Record<string, string | number | null>)[column])) : `${first ? '' : ','}${JSON.stringify(next.value)}`;
        first = false;
      }
      if (pending.length > 0) controller.enqueue(encoder.encode(pending));
      pending = '';
      if (done) controller.close();
    },
    async cancel() {
      await rows.return(undefined);
    },
  });
  const contentType = format === 'csv' ? 'text/csv; charset=utf-8; header=present' : 'application/json';
  const disposition: Record<string, string> = format === 'csv' ? { 'content-disposition': `attachment; filename="${csvFileName(report)}"` } : {};
  return new Response(body, { headers: { 'content-type': contentType, 'cache-control': 'no-store', ...disposition, ...headers } });
}

function csvFileName(report: StreamableReport): string {
  const day = (iso: string | null) => (iso ? iso.slice(0, 10) : 'all');
  return `tollgate-${report.name ?? 'usage'}-${day(report.meta.from)}-to-${day(report.meta.to)}.csv`;
}
