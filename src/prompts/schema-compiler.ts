/**
 * @module prompts/schema-compiler
 * Compiles a prompt's `input` and `output.schema` once per definition (cached in a WeakMap keyed by
 * the definition object, so a version dropped from the library is garbage-collected with its
 * validators). Two shared Ajv instances (draft 2020-12, formats; inputs get defaults filled in,
 * outputs are never changed): a new instance costs about 10 ms;
 * each schema is removed from Ajv's own registry right after compiling, so schemas never accumulate
 * there and two prompts may use the same `$id`.
 *
 * Ajv runs in strict mode for schemas: an unknown keyword (`maxlength`) or format (`emial`) is an
 * error when the prompt is loaded, instead of a constraint that silently never applies.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { PromptDefinition } from '../../schemas/prompt-file.js';

/** Strings in the input without their own `maxLength` are capped at this many characters. */
export const defaultMaxStringLength = 32_768;

export interface CompiledPrompt {
  /** The input schema with `defaultMaxStringLength` applied, defaults filled in (`useDefaults`). */
  input: ValidateFunction;
  /** For `output.type: json`. */
  output?: ValidateFunction;
}

type SchemaObject = Record<string, unknown>;

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

const sharedOptions = {
  allErrors: true,
  addUsedSchema: false,
  strictSchema: true,
  strictNumbers: true,
  strictTypes: false,
  strictTuples: false,
  strictRequired: false,
  logger: false,
} as const;

/** Inputs get their schema defaults filled in, so an optional variable with a default renders it. */
const inputAjv = addFormats(new Ajv2020({ ...sharedOptions, useDefaults: true }));
/** Outputs are checked, never changed. */
const outputAjv = addFormats(new Ajv2020(sharedOptions));

const cache = new WeakMap<PromptDefinition, CompiledPrompt>();

/** The compiled validators of a definition; throws a `SchemaCompileError` naming the schema. */
export function compiledPrompt(definition: PromptDefinition): CompiledPrompt {
  let compiled = cache.get(definition);
  if (!compiled) {
    compiled = {
      input: compileSchema(inputAjv, 'input', withDefaultStringCaps(definition.input)),
      output:
        definition.output.type === 'json' ? compileSchema(outputAjv, 'output.schema', definition.output.schema) : undefined,
    };
    cache.set(definition, compiled);
  }
  return compiled;
}

export class SchemaCompileError extends Error {
  constructor(
    readonly where: 'input' | 'output.schema',
    message: string,
  ) {
    super(`${where}: ${message}`);
    this.name = 'SchemaCompileError';
  }
}

function compileSchema(ajv: Ajv2020, where: 'input' | 'output.schema', schema: SchemaObject): ValidateFunction {
  try {
    return ajv.compile(schema);
  } catch (error) {
    throw new SchemaCompileError(where, (error as Error).message);
  } finally {
    ajv.removeSchema(schema);
  }
}

/** Keywords whose value is one subschema, a list of them, or a map of them. */
const singleSchemaKeywords = ['additionalProperties', 'items', 'contains', 'not', 'if', 'then', 'else', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties'];
const schemaListKeywords = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const schemaMapKeywords = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];

/**
 * A copy of `schema` where every subschema that may hold a string (its `type` is absent or allows
 * `string`) and has no `maxLength`, `enum` or `const` gets `maxLength: cap`. `maxLength` only ever
 * constrains strings, so nothing else changes; boolean schemas and absent keywords are left alone
 * (adding them would change what `unevaluatedProperties` sees).
 */
export function withDefaultStringCaps(schema: SchemaObject, cap = defaultMaxStringLength): SchemaObject {
  return capSubschema(schema, cap) as SchemaObject;
}

function capSubschema(schema: unknown, cap: number): unknown {
  if (!isSchemaObject(schema)) return schema;
  const copy: SchemaObject = { ...schema };
  for (const keyword of singleSchemaKeywords) {
    if (keyword in copy) copy[keyword] = capSubschema(copy[keyword], cap);
  }
  for (const keyword of schemaListKeywords) {
    const list = copy[keyword];
    if (Array.isArray(list)) copy[keyword] = list.map((entry) => capSubschema(entry, cap));
  }
  for (const keyword of schemaMapKeywords) {
    const map = copy[keyword];
    if (isSchemaObject(map)) {
      copy[keyword] = Object.fromEntries(Object.entries(map).map(([key, entry]) => [key, capSubschema(entry, cap)]));
    }
  }
  if (mayBeString(copy) && !('maxLength' in copy) && !('enum' in copy) && !('const' in copy) && !('$ref' in copy)) {
    copy.maxLength = cap;
  }
  return copy;
}

function mayBeString(schema: SchemaObject): boolean {
  const type = schema.type;
  if (type === undefined) return !hasSubschemaStructure(schema);
  return type === 'string' || (Array.isArray(type) && type.includes('string'));
}

/** A schema made only of combinators (`anyOf`, …) gets its caps inside them, not on itself. */
function hasSubschemaStructure(schema: SchemaObject): boolean {
  return schemaListKeywords.some((keyword) => keyword in schema) || 'properties' in schema || 'items' in schema;
}

function isSchemaObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
