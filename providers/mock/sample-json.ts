/**
 * @module providers/mock/sample-json
 * Builds the simplest value that satisfies a JSON Schema, deterministically, so that the mock
 * provider's structured outputs validate against whatever schema a prompt or client asks for.
 * Covers the keywords structured outputs use: type, enum, const, properties/required, items,
 * minItems, min/max, minLength, anyOf/oneOf, allOf, local $ref.
 *
 * What a schema asks for multiplies: four nested arrays of `minItems: 60` are 13 million values,
 * and `minLength: 2147483647` a 2 GB string. A sample holds at most `maxSampleValues` values and
 * `maxSampleCharacters` characters of strings; a schema that needs more is refused with a 400
 * before anything large is built.
 */
import { GatewayError } from '../../src/errors/gateway-error.js';

type Schema = Record<string, unknown>;

export const maxSampleValues = 10_000;
export const maxSampleCharacters = 1_000_000;
/** `$ref`s and nested schemas followed before a value is cut short with `null`. */
const maxSampleDepth = 12;

/** What samples built so far have used; one budget may be shared by several samples (one per tool). */
export interface SampleBudget {
  values: number;
  characters: number;
}

interface Budget extends SampleBudget {
  root: unknown;
}

export function newSampleBudget(): SampleBudget {
  return { values: 0, characters: 0 };
}

export function sampleFromSchema(schema: unknown, shared: SampleBudget = newSampleBudget()): unknown {
  const budget: Budget = { root: schema, values: shared.values, characters: shared.characters };
  const value = sample(schema, budget, 0);
  shared.values = budget.values;
  shared.characters = budget.characters;
  return value;
}

function sample(schema: unknown, budget: Budget, depth: number): unknown {
  if (++budget.values > maxSampleValues) throw tooLarge(`more than ${maxSampleValues} values`);
  if (!isObject(schema) || depth > maxSampleDepth) return null;
  if (typeof schema.$ref === 'string') return sample(resolveRef(budget.root, schema.$ref), budget, depth + 1);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const options = schema[keyword];
    if (Array.isArray(options) && options.length > 0) return sample(options[0], budget, depth + 1);
  }
  if (Array.isArray(schema.allOf)) {
    return sample(Object.assign({}, ...schema.allOf.filter(isObject)), budget, depth + 1);
  }
  const type = Array.isArray(schema.type) ? schema.type.find((entry) => entry !== 'null') : schema.type;
  switch (type) {
    case 'object':
      return sampleObject(schema, budget, depth);
    case 'array':
      return sampleArray(schema, budget, depth);
    case 'string':
      return sampleString(schema, budget);
    case 'integer':
      return clamp(0, schema, true);
    case 'number':
      return clamp(0.5, schema, false);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return isObject(schema.properties) ? sampleObject(schema, budget, depth) : 'sample';
  }
}

function sampleObject(schema: Schema, budget: Budget, depth: number): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const properties = isObject(schema.properties) ? schema.properties : {};
  for (const [key, propertySchema] of Object.entries(properties)) {
    result[key] = sample(propertySchema, budget, depth + 1);
  }
  return result;
}

function sampleArray(schema: Schema, budget: Budget, depth: number): unknown[] {
  const count = Math.max(1, typeof schema.minItems === 'number' ? schema.minItems : 1);
  const limited = typeof schema.maxItems === 'number' ? Math.min(count, schema.maxItems) : count;
  if (budget.values + limited > maxSampleValues) throw tooLarge(`an array of ${limited} items`);
  return Array.from({ length: limited }, () => sample(schema.items, budget, depth + 1));
}

const formats: Record<string, string> = {
  email: 'someone@example.com',
  uri: 'https://example.com/',
  'date-time': '2025-01-01T00:00:00Z',
  date: '2025-01-01',
  uuid: '00000000-0000-4000-8000-000000000000',
};

function sampleString(schema: Schema, budget: Budget): string {
  let value = (typeof schema.format === 'string' && formats[schema.format]) || 'sample';
  const minimum = typeof schema.minLength === 'number' ? schema.minLength : 0;
  if (value.length < minimum) {
    if (budget.characters + minimum > maxSampleCharacters) throw tooLarge(`a string of ${minimum} characters`);
    value += ' sample'.repeat(Math.ceil((minimum - value.length) / 7));
  }
  if (typeof schema.maxLength === 'number') value = value.slice(0, Math.max(0, schema.maxLength));
  budget.characters += value.length;
  if (budget.characters > maxSampleCharacters) throw tooLarge(`more than ${maxSampleCharacters} characters`);
  return value;
}

function clamp(preferred: number, schema: Schema, integer: boolean): number {
  let value = preferred;
  if (typeof schema.minimum === 'number') value = Math.max(value, schema.minimum);
  if (typeof schema.exclusiveMinimum === 'number') value = Math.max(value, schema.exclusiveMinimum + (integer ? 1 : 0.5));
  if (typeof schema.maximum === 'number') value = Math.min(value, schema.maximum);
  if (typeof schema.exclusiveMaximum === 'number') value = Math.min(value, schema.exclusiveMaximum - (integer ? 1 : 0.5));
  return integer ? Math.ceil(value) : value;
}

function resolveRef(root: unknown, reference: string): unknown {
  if (!reference.startsWith('#/')) return undefined;
  let current: unknown = root;
  for (const segment of reference.slice(2).split('/')) {
    const key = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

function tooLarge(what: string): GatewayError {
  const limits = `a sample holds at most ${maxSampleValues} values and ${maxSampleCharacters} characters`;
  return new GatewayError(400, `The mock provider cannot sample this JSON schema: it asks for ${what}, and ${limits}.`, { code: 'invalid_request_body' });
}

function isObject(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
