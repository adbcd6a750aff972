/**
 * @module dashboard/json-diff
 * What an audited change changed: the before and after JSON flattened to dotted paths
 * (`quotas.requestsPerMinute`), and one line per path whose value differs — added, removed or
 * changed. Arrays are compared whole (a key list is read as one value), objects path by path.
 */

export interface DiffLine {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: string;
  after?: string;
}

function flatten(value: unknown, prefix: string, into: Map<string, string>): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && prefix) into.set(prefix, '{}');
    for (const [key, item] of entries) flatten(item, prefix ? `${prefix}.${key}` : key, into);
  } else if (value !== undefined) {
    into.set(prefix || '(value)', JSON.stringify(value));
  }
  return into;
}

export function jsonDiff(before: unknown, after: unknown): DiffLine[] {
  const old = before === null || before === undefined ? new Map<string, string>() : flatten(before, '', new Map());
  const now = after === null || after === undefined ? new Map<string, string>() : flatten(after, '', new Map());
  const lines: DiffLine[] = [];
  for (const path of [...new Set([...old.keys(), ...now.keys()])].sort()) {
    const was = old.get(path);
    const is = now.get(path);
    if (was === is) continue;
    lines.push({ path, kind: was === undefined ? 'added' : is === undefined ? 'removed' : 'changed', before: was, after: is });
  }
  return lines;
}
