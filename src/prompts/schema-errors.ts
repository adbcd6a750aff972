/**
 * @module prompts/schema-errors
 * Turns Ajv errors into one line per bad field: the field's path (`contact.emails[1]`, `(root)`
 * for the value itself) and what is wrong with it, in words a caller can act on.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';

export interface FieldProblem {
  /** `text`, `company.website`, `emails[0]`; `(root)` for the whole value. */
  field: string;
  problem: string;
}

export const rootField = '(root)';

export function describeSchemaErrors(errors: readonly ErrorObject[] | null | undefined): FieldProblem[] {
  const seen = new Set<string>();
  const problems: FieldProblem[] = [];
  for (const error of errors ?? []) {
    const described = describeSchemaError(error);
    const key = `${described.field}\u0000${described.problem}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(described);
  }
  return problems;
}

export function formatFieldProblems(problems: readonly FieldProblem[]): string[] {
  return problems.map(({ field, problem }) => `${field}: ${problem}`);
}

function describeSchemaError(error: ErrorObject): FieldProblem {
  const segments = pointerSegments(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { field: fieldPath([...segments, String(params.missingProperty)]), problem: 'is required' };
    case 'additionalProperties':
      return {
        field: fieldPath([...segments, String(params.additionalProperty)]),
        problem: 'is not an allowed property',
      };
    case 'unevaluatedProperties':
      return {
        field: fieldPath([...segments, String(params.unevaluatedProperty)]),
        problem: 'is not an allowed property',
      };
    case 'enum':
      return { field: fieldPath(segments), problem: `must be one of ${listValues(params.allowedValues)}` };
    case 'const':
      return { field: fieldPath(segments), problem: `must be ${JSON.stringify(params.allowedValue)}` };
    default:
      return { field: fieldPath(segments), problem: error.message ?? `fails "${error.keyword}"` };
  }
}

function listValues(values: unknown): string {
  return Array.isArray(values) ? values.map((value) => JSON.stringify(value)).join(', ') : String(values);
}

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `['items', '0', 'name']` → `items[0].name`; keys that are not identifiers are quoted. */
function fieldPath(segments: readonly string[]): string {
  if (segments.length === 0) return rootField;
  let path = '';
  for (const segment of segments) {
    if (/^\d+$/.test(segment)) path += `[${segment}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(segment)) path += path === '' ? segment : `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}
