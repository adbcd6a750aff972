/**
 * @module prompts/check-definition
 * Everything that makes a prompt definition usable, whatever its source (a file, a database row,
 * the body of `POST /admin/prompts`): its size and the cost of its schemas
 * (`definition-limits.ts`), the zod format, then the checks zod cannot express — every
 * placeholder names an input property, no unsupported template tags, both schemas compile, and
 * the examples satisfy them. Compiling here also fills the validator cache used per request.
 */
import { promptDefinitionSchema, type PromptDefinition } from '../../schemas/prompt-file.js';
import { describeZodIssues, formatProblemLines } from '../errors/zod-issues.js';
import { placeholdersOf, unsupportedTagsOf } from './placeholders.js';
import { definitionLimitProblems } from './definition-limits.js';
import { compiledPrompt, SchemaCompileError, type CompiledPrompt } from './schema-compiler.js';
import { describeSchemaErrors, formatFieldProblems } from './schema-errors.js';

export interface PromptCheckOptions {
  /** Why a model name is not served by this gateway (see `models/known-models.ts`); undefined when it is. */
  modelProblem?: (model: string) => string | undefined;
}

export type PromptDefinitionCheck =
  | { ok: true; definition: PromptDefinition }
  | { ok: false; problems: string[] };

/**
 * Parses and checks a prompt definition; `problems` lists each one with where it is
 * (`messages.1.content: ...`).
 *
 * @example
 * const check = checkPromptDefinition(body);
 * if (!check.ok) throw badRequest(check.problems.join('; '), null, 'invalid_prompt');
 */
export function checkPromptDefinition(raw: unknown, options: PromptCheckOptions = {}): PromptDefinitionCheck {
  const tooLarge = definitionLimitProblems(raw);
  if (tooLarge.length > 0) return { ok: false, problems: tooLarge };
  const parsed = promptDefinitionSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: formatProblemLines(describeZodIssues(parsed.error.issues, raw, promptDefinitionSchema)) };
  const definition = parsed.data;
  const problems = placeholderProblems(definition);
  const modelProblem = options.modelProblem?.(definition.model);
  if (modelProblem) problems.unshift(`model: ${modelProblem}`);
  let compiled: CompiledPrompt | undefined;
  try {
    compiled = compiledPrompt(definition);
  } catch (error) {
    if (!(error instanceof SchemaCompileError)) throw error;
    problems.push(error.message);
  }
  if (compiled) problems.push(...exampleProblems(definition, compiled));
  return problems.length === 0 ? { ok: true, definition } : { ok: false, problems };
}

function placeholderProblems(definition: PromptDefinition): string[] {
  const problems: string[] = [];
  const properties = isObject(definition.input.properties) ? definition.input.properties : {};
  definition.messages.forEach((message, index) => {
    for (const tag of unsupportedTagsOf(message.content)) {
      problems.push(`messages.${index}.content: unsupported template syntax ${tag}; only {{variable}} placeholders are supported`);
    }
    for (const name of placeholdersOf(message.content)) {
      if (!Object.hasOwn(properties, name)) {
        problems.push(`messages.${index}.content: placeholder {{${name}}} is not a property of input.properties`);
      }
    }
  });
  return problems;
}

function exampleProblems(definition: PromptDefinition, compiled: CompiledPrompt): string[] {
  const problems: string[] = [];
  definition.examples.forEach((example, index) => {
    // Validate a copy: the input validator fills in defaults.
    if (!compiled.input(structuredClone(example.input))) {
      for (const line of formatFieldProblems(describeSchemaErrors(compiled.input.errors))) {
        problems.push(`examples.${index}.input: ${line}`);
      }
    }
    if (example.output === undefined) return;
    if (compiled.output) {
      if (!compiled.output(example.output)) {
        for (const line of formatFieldProblems(describeSchemaErrors(compiled.output.errors))) {
          problems.push(`examples.${index}.output: ${line}`);
        }
      }
    } else if (typeof example.output !== 'string') {
      problems.push(`examples.${index}.output: must be a string (the prompt's output is text)`);
    }
  });
  return problems;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
