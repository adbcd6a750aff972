/**
 * @module errors/zod-issues
 * The one place zod's validation issues become words a person can act on — for request bodies
 * (chat, embeddings, prompts, the admin API), the CLI, prompt files and the configuration file.
 * Each problem names its field (`messages[0].content`), says what was wrong and what is allowed:
 * "is missing: it must be a string", "must be at most 2 (got 3)", "must be one of "user",
 * "system" (got "usr")", "unknown key "timeoutMS". Did you mean "timeoutMs"? (allowed: …)".
 * Zod's own defaults ("Invalid input: expected string, received undefined") never reach anyone;
 * messages a schema wrote itself ("must be an IANA time zone…") are kept as written.
 *
 * @example
 * const result = schema.safeParse(body);
 * if (!result.success) describeZodIssues(result.error.issues, body, schema);
 * // [{ field: 'model', problem: 'is missing: it must be a string' }]
 */
import type { z } from 'zod';
import { didYouMean } from './closest-names.js';
import { knownKeysAt } from './schema-keys.js';

type Issue = z.core.$ZodIssue;

export interface FieldProblem {
  /** `messages[0].content`; '' for the value as a whole. */
  field: string;
  /** Starts lowercase, no final full stop: "must be a string, not a number". */
  problem: string;
}

/**
 * @param input the value that was validated, to say what was given (a type, a short value).
 * @param schema the schema, to list the keys allowed where an unknown one was found.
 */
export function describeZodIssues(issues: readonly Issue[], input?: unknown, schema?: z.ZodType): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  for (const issue of issues) {
    for (const problem of describeIssue(issue, [], input, schema)) {
      const key = `${problem.field}\u0000${problem.problem}`;
      if (seen.has(key)) continue;
      seen.add(key);
      problems.push(problem);
    }
  }
  return problems;
}

/** `field: problem` lines, for the configuration file, prompt files and the CLI. */
export function formatProblemLines(problems: readonly FieldProblem[], rootName = '(root)'): string[] {
  return problems.map(({ field, problem }) => `${field || rootName}: ${problem}`);
}

/** One sentence for an HTTP error message: "`model` is missing: it must be a string; `n` must be …". */
export function formatProblemSentence(problems: readonly FieldProblem[], limit = 10): string {
  const shown = problems.slice(0, limit).map(({ field, problem }) => (field ? `\`${field}\` ${problem}` : `the body ${problem}`));
  if (problems.length > limit) shown.push(`and ${problems.length - limit} more problems`);
  const sentence = shown.join('; ');
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
}

/** `['messages', 0, 'content']` → `messages[0].content`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text ? `.${String(segment)}` : String(segment);
  }
  return text;
}

function describeIssue(issue: Issue, prefix: PropertyKey[], root: unknown, schema: z.ZodType | undefined): FieldProblem[] {
  const path = [...prefix, ...issue.path];
  const given = valueAt(root, path);
  const field = formatPath(path);
  const one = (problem: string): FieldProblem[] => [{ field, problem }];
  switch (issue.code) {
    case 'invalid_type':
      if (given.found === false || given.value === undefined) return one(`is missing: it must be ${typeName(issue.expected)}`);
      return one(`must be ${typeName(issue.expected)}, not ${describeType(given.value)}`);
    case 'too_small':
      return one(ownMessage(issue) ?? tooSmall(issue, given.value));
    case 'too_big':
      return one(ownMessage(issue) ?? tooBig(issue, given.value));
    case 'invalid_value':
      return one(`must be ${oneOf(issue.values)}${gotValue(given.value)}`);
    case 'invalid_format':
      return one(ownMessage(issue) ?? formatProblem(issue));
    case 'not_multiple_of':
      return one(ownMessage(issue) ?? `must be a multiple of ${issue.divisor}${gotValue(given.value)}`);
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ field, problem: unknownKey(key, schema ? knownKeysAt(schema, path, root) : undefined) }));
    case 'invalid_union':
      return describeUnion(issue, path, root, schema);
    case 'invalid_key':
      return issue.issues.flatMap((inner) => describeIssue(inner, path, root, schema)).map((problem) => ({ ...problem, problem: `(as a key) ${problem.problem}` }));
    case 'invalid_element':
      return issue.issues.flatMap((inner) => describeIssue(inner, path, root, schema));
    case 'custom':
      return one(ownMessage(issue) ?? 'is not valid');
    default: {
      const unknownIssue: never = issue;
      return one((unknownIssue as Issue).message);
    }
  }
}

/**
 * A value that matched no member of a union. A discriminated union names the allowed
 * discriminator values; otherwise, when one member got past the value's type (its problems lie
 * deeper), that member's problems are the ones to fix; else the value's type was wrong for every
 * member, and the allowed types are listed.
 */
function describeUnion(issue: Extract<Issue, { code: 'invalid_union' }>, path: PropertyKey[], root: unknown, schema: z.ZodType | undefined): FieldProblem[] {
  const field = formatPath(path);
  if (issue.discriminator !== undefined && 'options' in issue && issue.options) {
    const given = valueAt(root, path);
    if (!given.found || given.value === undefined) return [{ field, problem: `is missing: it must be ${oneOf(issue.options)}` }];
    return [{ field, problem: `must be ${oneOf(issue.options)}${gotValue(given.value)}` }];
  }
  const branches = issue.errors;
  const deeper = branches.filter((branch) => branch.length > 0 && branch.every((inner) => inner.path.length > 0 || inner.code === 'invalid_union'));
  const closest = deeper.sort((left, right) => left.length - right.length)[0];
  if (closest) return closest.flatMap((inner) => describeIssue(inner, path, root, schema));
  const allowed = [...new Set(branches.flatMap((branch) => branch.filter((inner) => inner.path.length === 0).map(allowedByRootIssue)))];
  const given = valueAt(root, path);
  if (!given.found || given.value === undefined) return [{ field, problem: `is missing: it must be ${listWithOr(allowed)}` }];
  return [{ field, problem: `must be ${listWithOr(allowed)}, not ${describeType(given.value)}` }];
}

function allowedByRootIssue(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return typeName(issue.expected);
    case 'invalid_value':
      return oneOf(issue.values);
    default:
      return 'a valid value';
  }
}

/** A message the schema's author wrote, as opposed to zod's default wording. */
function ownMessage(issue: Issue): string | undefined {
  return /^(Invalid|Too (small|big)|Unrecognized|Expected)\b/.test(issue.message) ? undefined : issue.message;
}

function tooSmall(issue: Extract<Issue, { code: 'too_small' }>, value: unknown): string {
  const minimum = Number(issue.minimum);
  switch (issue.origin) {
    case 'string':
      return minimum === 1 ? 'must not be empty' : `must be at least ${minimum} characters long`;
    case 'array':
    case 'set':
      return minimum === 1 ? 'must not be empty: give at least one item' : `must have at least ${minimum} items`;
    default:
      return `must be ${issue.inclusive === false ? 'greater than' : 'at least'} ${minimum}${gotValue(value)}`;
  }
}

function tooBig(issue: Extract<Issue, { code: 'too_big' }>, value: unknown): string {
  const maximum = Number(issue.maximum);
  switch (issue.origin) {
    case 'string':
      return `must be at most ${maximum} characters long`;
    case 'array':
    case 'set':
      return `must have at most ${maximum} items`;
    default:
      return `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${maximum}${gotValue(value)}`;
  }
}

const formatNames: Record<string, string> = {
  date: 'a date such as 2027-01-01',
  datetime: 'a date and time such as 2027-01-01T00:00:00Z',
  url: 'a URL',
  email: 'an email address',
  uuid: 'a UUID',
};

function formatProblem(issue: Extract<Issue, { code: 'invalid_format' }>): string {
  const named = formatNames[issue.format];
  if (named) return `must be ${named}`;
  if (issue.format === 'regex' && issue.pattern) return `must match the pattern ${issue.pattern}`;
  return `must be a valid ${issue.format}`;
}

function unknownKey(key: string, known: string[] | undefined): string {
  if (!known || known.length === 0) return `has an unknown key "${key}"`;
  return `has an unknown key "${key}".${didYouMean(key, known, '"')} Allowed: ${known.join(', ')}`;
}

const typeNames: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  array: 'an array',
  object: 'an object',
  record: 'an object',
  null: 'null',
  date: 'a date',
  bigint: 'an integer',
};

function typeName(expected: string): string {
  return typeNames[expected] ?? expected;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'string') return value.length <= 40 ? `the string ${JSON.stringify(value)}` : 'a string';
  if (typeof value === 'boolean') return String(value);
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** ` (got 3)`, or nothing for values too long or too structured to repeat. */
function gotValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return ` (got ${value})`;
  if (typeof value === 'string' && value.length <= 40) return ` (got ${JSON.stringify(value)})`;
  if (value === null) return ' (got null)';
  return '';
}

function oneOf(values: readonly unknown[]): string {
  const shown = values.map((value) => JSON.stringify(value));
  return shown.length === 1 ? shown[0] : `one of ${shown.join(', ')}`;
}

function listWithOr(items: string[]): string {
  if (items.length <= 1) return items[0] ?? 'a valid value';
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): { found: boolean; value?: unknown } {
  let current: unknown = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) return { found: false };
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return { found: true, value: current };
}
