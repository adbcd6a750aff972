/**
 * @module errors/schema-keys
 * The keys a zod object schema allows at a path, for "unknown key … Allowed: …" messages. Walks
 * the schema along the path, beside the value that was validated, through wrappers (optional,
 * default, nullable, pipes), arrays, records and unions: a discriminated union follows the member
 * the value's discriminator names; other unions merge their object members' keys. Best effort,
 * reading zod 4's `_zod.def` description of a schema.
 */
import type { z } from 'zod';

interface Definition {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  values?: unknown[];
  entries?: Record<string, unknown>;
  in?: z.ZodType;
  getter?: () => z.ZodType;
}

const definitionOf = (schema: z.ZodType): Definition => (schema as unknown as { _zod: { def: Definition } })._zod.def;

/** The allowed keys of the object at `path` (`value` is the whole validated value), or undefined. */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[], value?: unknown): string[] | undefined {
  const keys = new Set<string>();
  for (const object of objectsAt(schema, path, value, 0)) for (const key of Object.keys(object)) keys.add(key);
  return keys.size > 0 ? [...keys] : undefined;
}

function objectsAt(schema: z.ZodType, path: readonly PropertyKey[], value: unknown, depth: number): Array<Record<string, z.ZodType>> {
  if (depth > 64) return [];
  const definition = definitionOf(schema);
  const unwrapped = unwrap(definition);
  if (unwrapped) return objectsAt(unwrapped, path, value, depth + 1);
  if (definition.type === 'union') {
    return unionMembersFor(definition, value).flatMap((option) => objectsAt(option, path, value, depth + 1));
  }
  if (path.length === 0) return definition.type === 'object' && definition.shape ? [definition.shape] : [];
  const [segment, ...rest] = path;
  const child = isObject(value) ? (value as Record<PropertyKey, unknown>)[segment] : undefined;
  switch (definition.type) {
    case 'object': {
      const member = definition.shape?.[String(segment)];
      return member ? objectsAt(member, rest, child, depth + 1) : [];
    }
    case 'array':
      return definition.element ? objectsAt(definition.element, rest, child, depth + 1) : [];
    case 'record':
      return definition.valueType ? objectsAt(definition.valueType, rest, child, depth + 1) : [];
    default:
      return [];
  }
}

/** The members of a discriminated union whose discriminator matches the value; every member otherwise. */
function unionMembersFor(definition: Definition, value: unknown): z.ZodType[] {
  const options = definition.options ?? [];
  const discriminator = definition.discriminator;
  if (!discriminator || !isObject(value)) return options;
  const given = (value as Record<string, unknown>)[discriminator];
  const matching = options.filter((option) => {
    const field = definitionOf(option).shape?.[discriminator];
    return field !== undefined && literalValues(field).includes(given);
  });
  return matching.length > 0 ? matching : options;
}

function literalValues(schema: z.ZodType): unknown[] {
  const definition = definitionOf(schema);
  if (definition.type === 'literal') return definition.values ?? [];
  if (definition.type === 'enum') return Object.values(definition.entries ?? {});
  const unwrapped = unwrap(definition);
  return unwrapped ? literalValues(unwrapped) : [];
}

function unwrap(definition: Definition): z.ZodType | undefined {
  switch (definition.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'catch':
    case 'readonly':
      return definition.innerType;
    case 'pipe':
      return definition.in;
    case 'lazy':
      return definition.getter?.();
    default:
      return undefined;
  }
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null;
}
