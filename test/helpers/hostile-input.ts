/**
 * @module test/helpers/hostile-input
 * Small requests that used to do large damage (issue 9), built by one function each so unit and
 * end-to-end tests send exactly the same thing.
 */

/** Definitions `l0`…`l{levels-1}`, each an object whose two properties both refer to the next: doubles per level once inlined. */
export function doublingSchema(levels: number): Record<string, unknown> {
  const defs: Record<string, unknown> = {};
  for (let level = 0; level < levels; level++) {
    const next = level + 1 < levels ? { $ref: `#/$defs/l${level + 1}` } : { type: 'string' };
    defs[`l${level}`] = { type: 'object', properties: { left: next, right: next } };
  }
  return { type: 'object', properties: { root: { $ref: '#/$defs/l0' } }, $defs: defs };
}

/** Arrays of arrays, `depth` levels, each with `minItems`: minItems^depth strings once sampled. */
export function nestedArraysSchema(depth: number, minItems: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: 'string' };
  for (let level = 0; level < depth; level++) schema = { type: 'array', minItems, items: schema };
  return { type: 'object', properties: { rows: schema }, required: ['rows'] };
}

/** JSON text of an object nested `levels` deep: `{"a":{"a":…1…}}`. */
export function deepObjectJson(levels: number): string {
  return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}
