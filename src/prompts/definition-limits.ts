/**
 * @module prompts/definition-limits
 * Bounds on a prompt definition, checked before anything walks or compiles it, whatever its
 * source (a file, a database row, the body of `POST /admin/prompts`), because what a schema says
 * turns into work on the event loop — at compile time in every gateway process, and at every call:
 *
 * - nesting at most `maxJsonDepthCeiling` levels (checked without recursion: a YAML alias can even
 *   make a definition refer to itself), and at most `maxPromptDefinitionBytes` as JSON;
 * - `input` and `output.schema` at most `maxPromptSchemaNodes` objects and arrays each: Ajv
 *   compiles a schema into code at a cost that grows with it (1,000 properties took seconds on a
 *   busy machine);
 * - `uniqueItems` only with `maxItems` of at most `maxUniqueItems`: checking uniqueness compares
 *   every pair of items;
 * - no `pattern` (or `patternProperties` key) that repeats a repetition (`(a+)+`, see
 *   `nested-quantifiers.ts`): one near-miss input would backtrack for minutes.
 */
import { maxJsonDepthCeiling } from '../../schemas/limits.js';
import { nestsDeeperThan } from '../../providers/shared/json-structure.js';
import { hasNestedQuantifier } from './nested-quantifiers.js';

export const maxPromptDefinitionBytes = 1_048_576;
export const maxPromptSchemaNodes = 500;
export const maxUniqueItems = 1_000;

/** What makes the definition unsafe to load, one line each (`input.properties.code.pattern: …`); empty when it is within bounds. */
export function definitionLimitProblems(raw: unknown): string[] {
  if (nestsDeeperThan(raw, maxJsonDepthCeiling)) return [`(root): nests objects and arrays deeper than ${maxJsonDepthCeiling} levels`];
  const bytes = Buffer.byteLength(JSON.stringify(raw) ?? '');
  if (bytes > maxPromptDefinitionBytes) return [`(root): is ${bytes} bytes as JSON; a prompt definition may have at most ${maxPromptDefinitionBytes}`];
  const definition = (typeof raw === 'object' && raw !== null ? raw : {}) as { input?: unknown; output?: { schema?: unknown } };
  return [...schemaProblems(definition.input, 'input'), ...schemaProblems(definition.output?.schema, 'output.schema')];
}

function schemaProblems(schema: unknown, where: string): string[] {
  const problems: string[] = [];
  const pending: Array<{ value: unknown; path: string }> = [{ value: schema, path: where }];
  let nodes = 0;
  while (pending.length > 0) {
    const { value, path } = pending.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (++nodes > maxPromptSchemaNodes) {
      return [`${where}: has more than ${maxPromptSchemaNodes} subschemas (objects and arrays); split the prompt or simplify its schema`];
    }
    const node = value as Record<string, unknown>;
    if (!Array.isArray(node)) problems.push(...keywordProblems(node, path));
    for (const [key, child] of Object.entries(node)) pending.push({ value: child, path: `${path}.${key}` });
  }
  return problems;
}

function keywordProblems(node: Record<string, unknown>, path: string): string[] {
  const problems: string[] = [];
  if (node.uniqueItems === true && !(typeof node.maxItems === 'number' && node.maxItems <= maxUniqueItems)) {
    problems.push(`${path}.uniqueItems: needs a maxItems of at most ${maxUniqueItems} (checking uniqueness compares every pair of items)`);
  }
  const patterns = typeof node.pattern === 'string' ? [node.pattern] : [];
  if (typeof node.patternProperties === 'object' && node.patternProperties !== null) patterns.push(...Object.keys(node.patternProperties));
  for (const pattern of patterns) {
    if (hasNestedQuantifier(pattern)) {
      problems.push(`${path}: the pattern ${JSON.stringify(pattern.slice(0, 100))} repeats a repetition, which can take exponential time on a near-miss input; rewrite it (e.g. (a+)+ as a+)`);
    }
  }
  return problems;
}
