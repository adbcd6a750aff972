/**
 * @module openapi/embed-prompt-schema
 * A prompt's own JSON Schema (its `input`, or its JSON `output`) made safe to place inside the
 * OpenAPI document. Written for a standalone schema, it may say things that mean something else,
 * or nothing, once embedded:
 * - `#/$defs/x` would point into the OpenAPI document's root: its `$defs` (and draft-07
 *   `definitions`) move to `components.schemas` under `<component>.<def>`, and the refs follow;
 *   a ref into the root itself (`#`, `#/properties/...`) moves the root there too;
 * - `$schema` and `$id` would switch dialect or base URI mid-document: dropped;
 * - `$anchor`s could collide between prompts: prefixed with the component name;
 * - refs to other documents cannot be resolved: dropped (the subschema then accepts anything);
 * - `nullable: true`, an OpenAPI 3.0 keyword that 3.1 dropped (Ajv still accepts it), becomes a
 *   `null` type.
 * Everything else is kept as written: the prompt library compiles every schema with Ajv in strict
 * draft 2020-12 mode, and 2020-12 is OpenAPI 3.1's own dialect.
 *
 * @example
 * embedPromptSchema({ type: 'object', properties: { a: { $ref: '#/$defs/a' } }, $defs: { a: { type: 'string' } } }, 'prompt.x.input');
 * // → { schema: { type: 'object', properties: { a: { $ref: '#/components/schemas/prompt.x.input.a' } } },
 * //     components: { 'prompt.x.input.a': { type: 'string' } } }
 */
import type { JsonSchema } from './openapi-types.js';

export interface EmbeddedSchema {
  /** The schema to place where the prompt's schema goes. */
  schema: JsonSchema;
  /** Schemas it refers to, for `components.schemas`. */
  components: Record<string, JsonSchema>;
}

/** Keywords whose value is a map of name → subschema. */
const schemaMapKeywords = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
/** Keywords whose value is a list of subschemas. */
const schemaListKeywords = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
/** Keywords whose value is one subschema. */
const schemaKeywords = new Set([
  'items',
  'additionalProperties',
  'unevaluatedItems',
  'unevaluatedProperties',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'contentSchema',
]);

const componentNamePattern = /[^A-Za-z0-9._-]/g;

export function embedPromptSchema(schema: JsonSchema, componentName: string): EmbeddedSchema {
  const defNames = new Map<string, string>();
  const components: Record<string, JsonSchema> = {};
  const used = new Set<string>([componentName]);
  for (const keyword of ['$defs', 'definitions']) {
    for (const defName of Object.keys(asObject(schema[keyword]) ?? {})) {
      defNames.set(`${keyword}/${defName}`, uniqueName(`${componentName}.${defName.replace(componentNamePattern, '_')}`, used));
    }
  }
  let refersToRoot = false;
  const rewriter: Rewriter = {
    componentName,
    ref(ref) {
      const target = relocateRef(ref, componentName, defNames);
      if (target?.intoRoot) refersToRoot = true;
      return target?.ref;
    },
  };
  const { $defs: _defs, definitions: _definitions, ...root } = schema;
  const embeddedRoot = rewriteSchema(root, rewriter) as JsonSchema;
  for (const [path, name] of defNames) {
    const [keyword, defName] = splitOnce(path);
    components[name] = asSchema(rewriteSchema(asObject(schema[keyword])![defName], rewriter));
  }
  if (!refersToRoot) return { schema: embeddedRoot, components };
  components[componentName] = embeddedRoot;
  return { schema: { $ref: `#/components/schemas/${componentName}` }, components };
}

interface Rewriter {
  componentName: string;
  /** The new ref, or undefined to drop it. */
  ref(ref: string): string | undefined;
}

function rewriteSchema(node: unknown, rewriter: Rewriter): unknown {
  const schema = asObject(node);
  if (!schema) return node;
  const result: JsonSchema = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (keyword === '$schema' || keyword === '$id') continue;
    if ((keyword === '$ref' || keyword === '$dynamicRef') && typeof value === 'string') {
      const ref = rewriter.ref(value);
      if (ref !== undefined) result[keyword] = ref;
    } else if ((keyword === '$anchor' || keyword === '$dynamicAnchor') && typeof value === 'string') {
      result[keyword] = `${rewriter.componentName}.${value}`;
    } else if (schemaMapKeywords.has(keyword) && asObject(value)) {
      result[keyword] = Object.fromEntries(Object.entries(asObject(value)!).map(([name, sub]) => [name, rewriteSchema(sub, rewriter)]));
    } else if (schemaListKeywords.has(keyword) && Array.isArray(value)) {
      result[keyword] = value.map((sub) => rewriteSchema(sub, rewriter));
    } else if (keyword === 'dependencies' && asObject(value)) {
      // draft-07: each entry is a list of property names or a subschema.
      result[keyword] = Object.fromEntries(
        Object.entries(asObject(value)!).map(([name, sub]) => [name, Array.isArray(sub) ? sub : rewriteSchema(sub, rewriter)]),
      );
    } else if (schemaKeywords.has(keyword)) {
      result[keyword] = rewriteSchema(value, rewriter);
    } else {
      result[keyword] = value;
    }
  }
  return modernize(result);
}

/** OpenAPI 3.0's `nullable: true` (which Ajv accepts, so prompts may use it) → a `null` type. */
function modernize(schema: JsonSchema): JsonSchema {
  if (!('nullable' in schema)) return schema;
  const { nullable, ...rest } = schema;
  return nullable === true ? allowNull(rest) : rest;
}

function allowNull(schema: JsonSchema): JsonSchema {
  const withNullEnum = Array.isArray(schema.enum) && !schema.enum.includes(null) ? { ...schema, enum: [...schema.enum, null] } : schema;
  if (typeof schema.type === 'string') return { ...withNullEnum, type: [schema.type, 'null'] };
  if (Array.isArray(schema.type)) return schema.type.includes('null') ? withNullEnum : { ...withNullEnum, type: [...schema.type, 'null'] };
  return { anyOf: [schema, { type: 'null' }] };
}

/** Where a ref of the prompt's schema points once embedded; undefined for refs to other documents. */
function relocateRef(ref: string, componentName: string, defNames: Map<string, string>): { ref: string; intoRoot: boolean } | undefined {
  if (!ref.startsWith('#')) return undefined;
  const fragment = ref.slice(1);
  if (fragment !== '' && !fragment.startsWith('/')) return { ref: `#${componentName}.${fragment}`, intoRoot: false };
  const segments = fragment === '' ? [] : fragment.slice(1).split('/').map(decodeSegment);
  const [keyword, defName, ...rest] = segments;
  const defComponent = defName === undefined ? undefined : defNames.get(`${keyword}/${defName}`);
  if (defComponent) return { ref: pointer([defComponent, ...rest]), intoRoot: false };
  return { ref: pointer([componentName, ...segments]), intoRoot: true };
}

const pointer = (segments: string[]) => `#/components/schemas/${segments.map(encodeSegment).join('/')}`;
const encodeSegment = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');

function decodeSegment(segment: string): string {
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    // Not percent-encoded after all: take it as written.
  }
  return decoded.replaceAll('~1', '/').replaceAll('~0', '~');
}

function uniqueName(name: string, used: Set<string>): string {
  let candidate = name;
  for (let counter = 2; used.has(candidate); counter++) candidate = `${name}_${counter}`;
  used.add(candidate);
  return candidate;
}

function splitOnce(path: string): [string, string] {
  const slash = path.indexOf('/');
  return [path.slice(0, slash), path.slice(slash + 1)];
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Component schemas must be objects; `true`/`false` become their object equivalents. */
function asSchema(value: unknown): JsonSchema {
  if (value === false) return { not: {} };
  return asObject(value) ?? {};
}
