/**
 * @module storage/pg/numbered-parameters
 * SQL written with `?` placeholders (SQLite's) made PostgreSQL's `$1…`. A module of its own, free of
 * the pg driver, so that code shared by both databases does not load the driver on SQLite.
 */

/** `?` outside quoted text becomes `$1`, `$2`… in order. */
export function numberedParameters(sql: string): string {
  let index = 0;
  let quoted = false;
  let result = '';
  for (const character of sql) {
    if (character === "'") quoted = !quoted;
    result += character === '?' && !quoted ? `$${++index}` : character;
  }
  return result;
}
