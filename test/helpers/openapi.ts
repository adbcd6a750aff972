/**
 * @module test/helpers/openapi
 * Validates what Tollgate emits against the official OpenAI OpenAPI document
 * (`../shared/conformance/openai/openapi.json`). The document is OpenAPI 3.1 with OpenAPI-3.0
 * style `nullable: true` left in places; those are rewritten to 3.1 form before Ajv (draft 2020)
 * compiles the schemas, as the conformance README describes.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { expect } from 'vitest';
import { conformancePath } from './conformance.js';

const specPath = conformancePath('openai/openapi.json');
const specId = 'https://tollgate.test/openai-openapi.json';

export type SpecSchemaName =
  | 'CreateChatCompletionResponse'
  | 'CreateChatCompletionStreamResponse'
  | 'CreateEmbeddingResponse'
  | 'ListModelsResponse'
  | 'Model'
  | 'ErrorResponse'
  | 'CreateChatCompletionRequest'
  | 'Response'
  | 'ResponseStreamEvent'
  | 'CreateCompletionResponse'
  | 'ImagesResponse'
  | 'CreateModerationResponse'
  | 'CreateTranscriptionResponseJson';

let compiled: Map<SpecSchemaName, ValidateFunction> | undefined;
let ajvInstance: Ajv2020 | undefined;
let specSchemas: Record<string, any> | undefined;

function validators(): Map<SpecSchemaName, ValidateFunction> {
  if (compiled) return compiled;
  const spec = JSON.parse(readFileSync(specPath, 'utf8'));
  const schemas = rewriteNullable(spec.components.schemas) as Record<string, any>;
  specSchemas = schemas;
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  ajv.addFormat('unixtime', { type: 'number', validate: (value: number) => Number.isInteger(value) && value >= 0 });
  // Formats the spec names only as documentation; values are checked by `type`.
  for (const format of ['uri', 'binary', 'float', 'double', 'int32', 'int64', 'date', 'date-time', 'email']) {
    ajv.addFormat(format, true);
  }
  ajv.addSchema({ $id: specId, components: { schemas } });
  ajvInstance = ajv;
  compiled = new Map();
  for (const name of [
    'CreateChatCompletionResponse',
    'CreateChatCompletionStreamResponse',
    'CreateEmbeddingResponse',
    'ListModelsResponse',
    'Model',
    'ErrorResponse',
    'CreateChatCompletionRequest',
    'Response',
    'ResponseStreamEvent',
    'CreateCompletionResponse',
    'ImagesResponse',
    'CreateModerationResponse',
    'CreateTranscriptionResponseJson',
  ] as SpecSchemaName[]) {
    compiled.set(name, ajv.compile({ $ref: `${specId}#/components/schemas/${name}` }));
  }
  return compiled;
}

/** OpenAPI 3.0 `nullable: true` → 3.1: add `null` to `type`, or wrap in `anyOf` when there is no type. */
function rewriteNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteNullable);
  if (node === null || typeof node !== 'object') return node;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) result[key] = rewriteNullable(value);
  if (result.nullable !== true) return result;
  delete result.nullable;
  if (Array.isArray(result.enum) && !result.enum.includes(null)) result.enum = [...result.enum, null];
  if (typeof result.type === 'string') return { ...result, type: [result.type, 'null'] };
  if (Array.isArray(result.type)) return { ...result, type: [...result.type, 'null'] };
  return { anyOf: [result, { type: 'null' }] };
}

/** Returns the validation errors (empty when valid). */
export function specErrors(schema: SpecSchemaName, value: unknown): string[] {
  const validate = validators().get(schema)!;
  if (validate(value)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '(root)'} ${error.message} ${JSON.stringify(error.params)}`);
}

/** Asserts `value` conforms to the named schema of the official spec. */
export function expectSpecValid(schema: SpecSchemaName, value: unknown): void {
  const errors = specErrors(schema, value);
  expect(errors, `${schema} violations in ${JSON.stringify(value).slice(0, 2000)}`).toEqual([]);
}

const eventValidators = new Map<string, ValidateFunction>();

/**
 * Validates a Responses stream event against the one schema of `ResponseStreamEvent`'s members
 * whose `type` it names (the union's own errors would list every member's).
 */
export function expectResponseEventValid(event: { type: string }): void {
  validators();
  let validate = eventValidators.get(event.type);
  if (!validate) {
    const members: Array<{ $ref: string }> = specSchemas!.ResponseStreamEvent.anyOf;
    const name = members
      .map((member) => member.$ref.split('/').at(-1)!)
      .find((candidate) => (specSchemas![candidate]?.properties?.type?.enum ?? []).includes(event.type));
    expect(name, `no ResponseStreamEvent member has type ${event.type}`).toBeDefined();
    validate = ajvInstance!.compile({ $ref: `${specId}#/components/schemas/${name}` });
    eventValidators.set(event.type, validate);
  }
  const errors = validate(event) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || '(root)'} ${error.message} ${JSON.stringify(error.params)}`);
  expect(errors, `${event.type} violations in ${JSON.stringify(event).slice(0, 2000)}`).toEqual([]);
}
