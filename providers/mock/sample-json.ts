/**
 * @module providers/mock/sample-json
 * Builds the simplest value that satisfies a JSON Schema, deterministically, so that the mock
 * provider's structured outputs validate against whatever schema a prompt or client asks for.
 * Covers the keywords structured outputs use: type, enum, const, properties/required, items,
 * minItems, min/max, minLength, anyOf/oneOf, allOf, local $ref.
 */
type Schema = Record<string, unknown>;

export function sampleFromSchema(schema: unknown, root: unknown = schema, depth = 0): unknown {
  if (!isObject(schema) || depth > 12) return null;
  if (typeof schema.$ref === 'string') return sampleFromSchema(resolveRef(root, schema.$ref), root, depth + 1);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const options = schema[keyword];
    if (Array.isArray(options) && options.length > 0) return sampleFromSchema(options[0], root, depth + 1);
  }
  if (Array.isArray(schema.allOf)) {
    return sampleFromSchema(Object.assign({}, ...schema.allOf.filter(isObject)), root, depth + 1);
  }
  const type = Array.isArray(schema.type) ? schema.type.find((entry) => entry !== 'null') : schema.type;
  switch (type) {
    case 'object':
      return sampleObject(schema, root, depth);
    case 'array':
      return sampleArray(schema, root, depth);
    case 'string':
      return sampleString(schema);
    case 'integer':
      return clamp(0, schema, true);
    case 'number':
      return clamp(0.5, schema, false);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return isObject(schema.properties) ? sampleObject(schema, root, depth) : 'sample';
  }
}

function sampleObject(schema: Schema, root: unknown, depth: number): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const properties = isObject(schema.properties) ? schema.properties : {};
  for (const [key, propertySchema] of Object.entries(properties)) {
    result[key] = sampleFromSchema(propertySchema, root, depth + 1);
  }
  return result;
}

function sampleArray(schema: Schema, root: unknown, depth: number): unknown[] {
  const count = Math.max(1, typeof schema.minItems === 'number' ? schema.minItems : 1);
  const limited = typeof schema.maxItems === 'number' ? Math.min(count, schema.maxItems) : count;
  return Array.from({ length: limited }, () => sampleFromSchema(schema.items, root, depth + 1));
}

function sampleString(schema: Schema): string {
  const formats: Record<string, string> = {
    email: 'someone@example.com',
    uri: 'https://example.com/',
    'date-time': '2025-01-01T00:00:00Z',
    date: '2025-01-01',
    uuid: '00000000-0000-4000-8000-000000000000',
  };
  let value = (typeof schema.format === 'string' && formats[schema.format]) || 'sample';
  const minimum = typeof schema.minLength === 'number' ? schema.minLength : 0;
  while (value.length < minimum) value += ' sample';
  if (typeof schema.maxLength === 'number') value = value.slice(0, schema.maxLength);
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
    if (!isObject(current)) return undefined;
    current = current[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return current;
}

function isObject(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
