/**
 * @module reports/csv
 * RFC 4180 CSV: CRLF line ends, a header row, a field quoted when it holds a comma, a quote, CR or
 * LF (quotes doubled). Text that a spreadsheet would run as a formula (starting with = + - @ or a
 * tab) gets a leading apostrophe, so a label such as an end user id can never become a formula;
 * figures are plain digits and decimal strings and are never changed.
 *
 * @example
 * csvLine(['acme', 'a,b', '1.500000000']);   // 'acme,"a,b",1.500000000\r\n'
 */

export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: ReadonlyArray<string | number | null | undefined>): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
