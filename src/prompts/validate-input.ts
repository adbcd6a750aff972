/**
 * @module prompts/validate-input
 * Checks a request body against a prompt's input schema before anything is rendered, and a model's
 * JSON answer against its output schema. Input errors list every bad field at once (Ajv
 * `allErrors`), so a caller fixes them in one round trip.
 *
 * Size limits, beyond what the schema says: a string anywhere in the input whose schema sets no
 * `maxLength` is capped at `defaultMaxStringLength` (32,768) characters, and the whole input,
 * serialised as JSON, at `maxPromptInputBytes` (256 KiB).
 */
import { GatewayError } from '../errors/gateway-error.js';
import { compiledPrompt } from './schema-compiler.js';
import { describeSchemaErrors, formatFieldProblems } from './schema-errors.js';
import type { PromptVersion } from './types.js';

export const maxPromptInputBytes = 262_144;

export type PromptOutputCheck = { valid: true } | { valid: false; errors: string[] };

/**
 * The variables to render: a copy of `body` with the schema's defaults filled in. Throws a 400
 * `GatewayError` (`code: 'invalid_prompt_input'`, `param`: the first bad field).
 *
 * @example
 * const variables = validatePromptInput(version, await c.req.json());
 * const messages = renderPrompt(version, variables);
 */
export function validatePromptInput(version: PromptVersion, body: unknown): Record<string, unknown> {
  const label = `prompt "${version.definition.name}" (version ${version.definition.version})`;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidInput(`the body of ${label} must be a JSON object of its variables`, null);
  }
  checkTotalSize(body as Record<string, unknown>, label);
  const variables = structuredClone(body) as Record<string, unknown>;
  const validate = compiledPrompt(version.definition).input;
  if (!validate(variables)) {
    const problems = describeSchemaErrors(validate.errors);
    throw invalidInput(`invalid input for ${label}: ${formatFieldProblems(problems).join('; ')}`, problems[0]?.field ?? null);
  }
  return variables;
}

/** For `output.type: json`, the parsed answer against `output.schema`; a text output must be a string. */
export function validatePromptOutput(version: PromptVersion, value: unknown): PromptOutputCheck {
  const validate = compiledPrompt(version.definition).output;
  if (!validate) return typeof value === 'string' ? { valid: true } : { valid: false, errors: ['(root): must be a string'] };
  if (validate(value)) return { valid: true };
  return { valid: false, errors: formatFieldProblems(describeSchemaErrors(validate.errors)) };
}

function checkTotalSize(variables: Record<string, unknown>, label: string): void {
  const total = Buffer.byteLength(JSON.stringify(variables));
  if (total <= maxPromptInputBytes) return;
  let largest: { name: string; bytes: number } | undefined;
  for (const [name, value] of Object.entries(variables)) {
    const bytes = Buffer.byteLength(JSON.stringify(value) ?? '');
    if (!largest || bytes > largest.bytes) largest = { name, bytes };
  }
  const detail = largest ? `; the largest field is ${largest.name} (${largest.bytes} bytes)` : '';
  throw invalidInput(
    `the input of ${label} is ${total} bytes as JSON; the limit is ${maxPromptInputBytes}${detail}`,
    largest?.name ?? null,
  );
}

function invalidInput(message: string, param: string | null): GatewayError {
  return new GatewayError(400, message, { code: 'invalid_prompt_input', param });
}
