/**
 * @module providers/gemini/json-schema
 * JSON Schema (what OpenAI clients send in `tools[].function.parameters` and
 * `response_format.json_schema.schema`) → Gemini's `Schema`, the OpenAPI 3.0 subset that
 * `functionDeclarations[].parameters` and `generationConfig.responseSchema` accept.
 * https://ai.google.dev/api/caching#Schema
 *
 * Why not `parametersJsonSchema`/`responseJsonSchema`, which take JSON Schema as is? They exist
 * only in v1beta and only for recent models, while `apiVersion` is the operator's choice; the
 * subset works on v1 and v1beta and on every model, at the price of this conversion.
 *
 * Gemini answers 400 "Unknown name …: Cannot find field" for any keyword outside its Schema, so:
 * - kept: type (upper-cased), description, enum (strings only), properties, required, items,
 *   anyOf, nullable, minimum, maximum, minItems, maxItems, minLength, maxLength, pattern,
 *   minProperties, maxProperties; `format` only where Gemini allows it (date-time and enum for
 *   strings, float/double, int32/int64), other string formats move into the description.
 * - rewritten: local `$ref`/`$defs`/`definitions` are inlined (a recursive reference becomes a
 *   described OBJECT: Gemini schemas cannot recurse); `allOf` is merged; `oneOf` becomes `anyOf`;
 *   `const` becomes a one-value enum; `type: [T, 'null']` and null members of `anyOf` become
 *   `nullable`; a schema with no type becomes STRING (Gemini has no "any value").
 * - dropped: $schema, $id, $comment, title, default, examples, additionalProperties,
 *   exclusiveMinimum/Maximum, multipleOf, uniqueItems, not, if/then/else and the rest.
 * Non-string enums and consts cannot be expressed; their values move into the description.
 *
 * Inlining has a budget: definitions that refer to each other twice per level double the schema
 * at every level (20 levels of a 2 KB schema made a 62 MB request). The converted schema may hold
 * `maxExpandedSchemaNodes` subschemas, nested `maxExpandedSchemaDepth` deep; beyond either, the
 * request gets a 400 `invalid_request_body` naming the schema, before anything large is built.
 */
import { maxExpandedSchemaDepth, maxExpandedSchemaNodes } from '../../schemas/limits.js';
import { badRequest, GatewayError } from '../../src/errors/gateway-error.js';

export interface GeminiSchema {
  type?: GeminiType;
  format?: string;
  description?: string;
  nullable?: boolean;
  enum?: string[];
  properties?: Record<string, GeminiSchema>;
  required?: string[];
  propertyOrdering?: string[];
  items?: GeminiSchema;
  anyOf?: GeminiSchema[];
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minProperties?: number;
  maxProperties?: number;
}

type GeminiType = 'STRING' | 'NUMBER' | 'INTEGER' | 'BOOLEAN' | 'ARRAY' | 'OBJECT';
type JsonSchema = Record<string, unknown>;

export interface SchemaOptions {
  /** Where the schema came from, for error messages (`tools[0].function.parameters`). */
  param: string;
  /**
   * Add `propertyOrdering` (response schemas only): without it Gemini may emit the properties of
   * a JSON answer in alphabetical order instead of the order the client declared.
   */
  propertyOrdering?: boolean;
}

interface Walk {
  root: JsonSchema;
  options: SchemaOptions;
  /** `$ref`s being expanded on the current path, to stop at recursion. */
  expanding: string[];
  /** Shared by the whole conversion (walks copied for a `$ref` share it too). */
  budget: { nodes: number; depth: number };
}
const allowedFormats: Record<string, readonly string[]> = {
  STRING: ['date-time', 'enum'],
  NUMBER: ['float', 'double'],
  INTEGER: ['int32', 'int64'],
};
const numericKeywords = [
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'minProperties',
  'maxProperties',
] as const;

export function toGeminiSchema(schema: JsonSchema, options: SchemaOptions): GeminiSchema {
  return convert(schema, { root: schema, options, expanding: [], budget: { nodes: 0, depth: 0 } });
}

/**
 * For `functionDeclarations[].parameters`: `undefined` when the function takes no arguments,
 * because Gemini rejects an OBJECT whose `properties` is empty.
 */
export function toGeminiParameters(schema: JsonSchema | undefined, options: SchemaOptions): GeminiSchema | undefined {
  if (!schema) return undefined;
  const converted = toGeminiSchema(schema, options);
  if (converted.type === 'OBJECT' && Object.keys(converted.properties ?? {}).length === 0) return undefined;
  return converted;
}

function convert(node: unknown, walk: Walk): GeminiSchema {
  enter(walk);
  try {
    return convertNode(node, walk);
  } finally {
    walk.budget.depth--;
  }
}

/** Counts one more subschema at one more level, refusing the schema past either limit. */
function enter(walk: Walk): void {
  const { budget, options } = walk;
  if (++budget.nodes > maxExpandedSchemaNodes) {
    throw expansionError(`expands to more than ${maxExpandedSchemaNodes} subschemas once its $refs are inlined`, options.param);
  }
  if (++budget.depth > maxExpandedSchemaDepth) {
    throw expansionError(`nests deeper than ${maxExpandedSchemaDepth} levels once its $refs are inlined`, options.param);
  }
}

function expansionError(what: string, param: string): GatewayError {
  return new GatewayError(
    400,
    `${param}: the JSON schema ${what}; Gemini takes no $ref, so Tollgate inlines every reference. Reuse definitions less, or flatten the schema.`,
    { code: 'invalid_request_body', param },
  );
}

function convertNode(node: unknown, walk: Walk): GeminiSchema {
  if (node === true || node === undefined) return { type: 'STRING' };
  if (!isObject(node)) throw badRequest('a JSON schema must be an object', walk.options.param);
  if (typeof node.$ref === 'string') return convertReference(node, walk);
  if (Array.isArray(node.allOf)) return convert(mergeAllOf(node, walk), walk);
  const union = [node.anyOf, node.oneOf].find(Array.isArray) as unknown[] | undefined;
  if (union) return convertUnion(node, union, walk);
  if (Array.isArray(node.type)) return convertTypeList(node, node.type, walk);
  return convertSingle(node, walk);
}

function convertSingle(node: JsonSchema, walk: Walk): GeminiSchema {
  if (node.type === 'null') return { type: 'STRING', nullable: true };
  const result: GeminiSchema = {};
  const enumValues = Array.isArray(node.enum) ? node.enum : 'const' in node ? [node.const] : undefined;
  const type = geminiType(node.type, enumValues, node);
  if (type) result.type = type;
  let description = typeof node.description === 'string' ? node.description : undefined;
  if (typeof node.format === 'string' && type) {
    if (allowedFormats[type]?.includes(node.format)) result.format = node.format;
    else if (type === 'STRING') description = appendNote(description, `Format: ${node.format}.`);
  }
  if (enumValues) {
    const nonNull = enumValues.filter((value) => value !== null);
    if (nonNull.length < enumValues.length) result.nullable = true;
    if (nonNull.every((value) => typeof value === 'string')) result.enum = nonNull as string[];
    else description = appendNote(description, `Allowed values: ${nonNull.map((value) => JSON.stringify(value)).join(', ')}.`);
  }
  if (description !== undefined) result.description = description;
  if (node.nullable === true) result.nullable = true;
  if (type === 'OBJECT') convertProperties(node, result, walk);
  if (type === 'ARRAY') result.items = convertItems(node.items, walk);
  for (const keyword of numericKeywords) {
    if (typeof node[keyword] === 'number') result[keyword] = node[keyword];
  }
  if (typeof node.pattern === 'string' && type === 'STRING') result.pattern = node.pattern;
  return result;
}

function convertProperties(node: JsonSchema, result: GeminiSchema, walk: Walk): void {
  if (!isObject(node.properties)) return;
  const properties: Record<string, GeminiSchema> = {};
  for (const [name, property] of Object.entries(node.properties)) properties[name] = convert(property, walk);
  result.properties = properties;
  const names = Object.keys(properties);
  if (Array.isArray(node.required)) {
    const required = node.required.filter((name): name is string => typeof name === 'string' && name in properties);
    if (required.length > 0) result.required = required;
  }
  if (walk.options.propertyOrdering && names.length > 1) result.propertyOrdering = names;
}

/** Tuple forms (`items: [A, B]`, `prefixItems`) have no Gemini equivalent: any of the members. */
function convertItems(items: unknown, walk: Walk): GeminiSchema {
  if (!Array.isArray(items)) return convert(items, walk);
  if (items.length === 1) return convert(items[0], walk);
  return { anyOf: items.map((item) => convert(item, walk)) };
}

function convertReference(node: JsonSchema, walk: Walk): GeminiSchema {
  const reference = node.$ref as string;
  const { $ref: _ignored, ...siblings } = node;
  const description = typeof siblings.description === 'string' ? siblings.description : undefined;
  if (walk.expanding.includes(reference)) {
    return { type: 'OBJECT', description: appendNote(description, `A nested ${refName(reference)} (recursive).`) };
  }
  const target = resolveReference(reference, walk);
  const converted = convert(target, { ...walk, expanding: [...walk.expanding, reference] });
  if (description !== undefined) converted.description = description;
  if (siblings.nullable === true) converted.nullable = true;
  return converted;
}

function resolveReference(reference: string, walk: Walk): unknown {
  if (!reference.startsWith('#')) {
    throw badRequest(`the JSON schema refers to "${reference}": only local references (#/$defs/…) are supported`, walk.options.param);
  }
  let target: unknown = walk.root;
  for (const token of reference.slice(1).split('/').filter(Boolean)) {
    const key = decodeToken(token).replace(/~1/g, '/').replace(/~0/g, '~');
    target = isObject(target) && Object.hasOwn(target, key) ? target[key] : undefined;
  }
  if (target === undefined) throw badRequest(`the JSON schema refers to "${reference}", which it does not define`, walk.options.param);
  return target;
}

/** `anyOf`/`oneOf`: null members become `nullable`; a single remaining member is inlined. */
function convertUnion(node: JsonSchema, members: unknown[], walk: Walk): GeminiSchema {
  const { anyOf: _anyOf, oneOf: _oneOf, ...rest } = node;
  const nonNull = members.filter((member) => !(isObject(member) && member.type === 'null'));
  const nullable = nonNull.length < members.length || node.nullable === true;
  let result: GeminiSchema;
  if (nonNull.length === 0) {
    result = { type: 'STRING' };
  } else if (nonNull.length === 1) {
    result = convert(isObject(nonNull[0]) ? { ...rest, ...nonNull[0] } : nonNull[0], walk);
    if (typeof rest.description === 'string') result.description = rest.description;
  } else {
    result = { anyOf: nonNull.map((member) => convert(member, walk)) };
    if (typeof rest.description === 'string') result.description = rest.description;
  }
  if (nullable) result.nullable = true;
  return result;
}

/** `type: ['string', 'null']` → nullable STRING; several non-null types → anyOf. */
function convertTypeList(node: JsonSchema, types: unknown[], walk: Walk): GeminiSchema {
  const nonNull = types.filter((type) => type !== 'null');
  const nullable = nonNull.length < types.length;
  const result =
    nonNull.length <= 1
      ? convert({ ...node, type: nonNull[0] }, walk)
      : {
          anyOf: nonNull.map((type) => convert({ ...node, type, description: undefined }, walk)),
          ...(typeof node.description === 'string' ? { description: node.description } : {}),
        };
  if (nullable) result.nullable = true;
  return result;
}

/** Shallow merge, enough for the usual `allOf: [{$ref: Base}, {properties: …}]` composition. */
function mergeAllOf(node: JsonSchema, walk: Walk): JsonSchema {
  const { allOf, ...rest } = node;
  const merged: JsonSchema = {};
  const properties: JsonSchema = {};
  const required = new Set<string>();
  for (const member of [...(allOf as unknown[]), rest]) {
    const resolved = resolveForMerge(member, walk);
    for (const [key, value] of Object.entries(resolved)) {
      if (key === 'properties' && isObject(value)) Object.assign(properties, value);
      else if (key === 'required' && Array.isArray(value)) value.forEach((name) => required.add(String(name)));
      else if (!(key in merged)) merged[key] = value;
    }
  }
  if (Object.keys(properties).length > 0) {
    merged.properties = properties;
    merged.type ??= 'object';
  }
  if (required.size > 0) merged.required = [...required];
  return merged;
}

function resolveForMerge(member: unknown, walk: Walk): JsonSchema {
  if (!isObject(member)) return {};
  let resolved = member;
  for (let hops = 0; typeof resolved.$ref === 'string' && hops < maxExpandedSchemaDepth; hops++) {
    const { $ref, ...siblings } = resolved;
    const target = resolveReference($ref as string, walk);
    resolved = { ...(isObject(target) ? target : {}), ...siblings };
  }
  if (!Array.isArray(resolved.allOf)) return resolved;
  // An allOf that refers back to itself would merge forever: nested merges count like subschemas.
  enter(walk);
  try {
    return mergeAllOf(resolved, walk);
  } finally {
    walk.budget.depth--;
  }
}

function geminiType(type: unknown, enumValues: unknown[] | undefined, node: JsonSchema): GeminiType | undefined {
  switch (type) {
    case 'string':
      return 'STRING';
    case 'number':
      return 'NUMBER';
    case 'integer':
      return 'INTEGER';
    case 'boolean':
      return 'BOOLEAN';
    case 'array':
      return 'ARRAY';
    case 'object':
      return 'OBJECT';
    default:
      return inferType(enumValues, node);
  }
}

/** No (or an unknown) `type`: infer it from the other keywords. */
function inferType(enumValues: unknown[] | undefined, node: JsonSchema): GeminiType {
  if (isObject(node.properties)) return 'OBJECT';
  if (node.items !== undefined) return 'ARRAY';
  const sample = enumValues?.find((value) => value !== null);
  if (typeof sample === 'number') return Number.isInteger(sample) ? 'INTEGER' : 'NUMBER';
  if (typeof sample === 'boolean') return 'BOOLEAN';
  return 'STRING';
}

/** A percent-encoded pointer token; taken as written when it is not valid percent-encoding. */
function decodeToken(token: string): string {
  try {
    return decodeURIComponent(token);
  } catch {
    return token;
  }
}

function refName(reference: string): string {
  return reference.split('/').pop() || 'object';
}

function appendNote(description: string | undefined, note: string): string {
  return description ? `${description} (${note})` : note;
}

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
