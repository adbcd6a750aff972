/**
 * @module prompts/definition-limits
 * Bounds on a prompt definition's size, checked before anything walks or compiles it, whatever
 * its source (a file, a database row, the body of `POST /admin/prompts`): Ajv compiles a schema
 * into code on the event loop at a cost that grows with the schema (a schema of 1,000 properties
 * took seconds on a busy machine), and a definition is compiled in every gateway process.
 *
 * - nesting at most `maxJsonDepthCeiling` levels (checked without recursion: a YAML alias can even
 *   make a definition refer to itself);
 * - at most `maxPromptDefinitionBytes` as JSON;
 * - `input` and `output.schema` at most `maxPromptSchemaNodes` objects and arrays each.
 */
import { maxJsonDepthCeiling } from '../../schemas/limits.js';
import { nestsDeeperThan } from '../../providers/shared/json-structure.js';

export const maxPromptDefinitionBytes = 1_048_576;
export const maxPromptSchemaNodes = 500;

/** What makes the definition too large to check, one line each; empty when it is within bounds. */
export function definitionLimitProblems(raw: unknown): string[] {
  if (nestsDeeperThan(raw, maxJsonDepthCeiling)) return [`(root): nests objects and arrays deeper than ${maxJsonDepthCeiling} levels`];
  const bytes = Buffer.byteLength(JSON.stringify(raw) ?? '');
  if (bytes > maxPromptDefinitionBytes) return [`(root): is ${bytes} bytes as JSON; a prompt definition may have at most ${maxPromptDefinitionBytes}`];
  const problems: string[] = [];
  const definition = (typeof raw === 'object' && raw !== null ? raw : {}) as { input?: unknown; output?: { schema?: unknown } };
  for (const [where, schema] of [['input', definition.input], ['output.schema', definition.output?.schema]] as const) {
    if (countsMoreNodesThan(schema, maxPromptSchemaNodes)) {
      problems.push(`${where}: has more than ${maxPromptSchemaNodes} subschemas (objects and arrays); split the prompt or simplify its schema`);
    }
  }
  return problems;
}

/** Whether `value` holds more than `limit` objects and arrays; stops counting at the limit. */
function countsMoreNodesThan(value: unknown, limit: number): boolean {
  const pending: unknown[] = [value];
  let count = 0;
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current !== 'object' || current === null) continue;
    if (++count > limit) return true;
    for (const child of Object.values(current)) if (typeof child === 'object' && child !== null) pending.push(child);
  }
  return false;
}
