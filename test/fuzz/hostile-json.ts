/**
 * @module test/fuzz/hostile-json
 * fast-check arbitraries for the JSON an adversary sends: numbers at and beyond every edge
 * (including literals like `1e400` that `JSON.stringify` cannot write), strings from empty to
 * hundreds of kilobytes, nesting thousands of levels deep, keys repeated in one object, and JSON
 * schemas built to explode when expanded or sampled. Values are serialised with `toJsonText`,
 * which writes `RawJson` leaves verbatim and `RepeatedKeys` objects with every pair.
 */
import fc from 'fast-check';
import { deepObjectJson, doublingSchema, nestedArraysSchema } from '../helpers/hostile-input.js';

/** A piece of JSON text written as is. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** An object written with every pair in order, repeated keys included. */
export class RepeatedKeys {
  constructor(readonly pairs: Array<[string, unknown]>) {}
}

export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (value instanceof RepeatedKeys) return `{${value.pairs.map(([key, item]) => `${JSON.stringify(key)}:${toJsonText(item)}`).join(',')}}`;
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const members = Object.entries(value).filter(([, item]) => item !== undefined);
    return `{${members.map(([key, item]) => `${JSON.stringify(key)}:${toJsonText(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export const edgeNumber: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 1, arbitrary: fc.integer() },
  { weight: 2, arbitrary: fc.constantFrom(0, -1, 1, 2, 3, 64, 128, 129, 4096, 20_000_000, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53 - 1, 2 ** 53, -(2 ** 53), 1e20, 0.5, -0.5) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('1e400', '-1e400', '1e-400', '123456789012345678901234567890', '2147483648', '9007199254740993').map((text) => new RawJson(text)),
  },
);

const longString = fc.integer({ min: 1_000, max: 300_000 }).chain((length) => fc.constantFrom('a', 'é', '👋', ' ', '"').map((unit) => unit.repeat(length)));

export const edgeString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: longString },
  { weight: 1, arbitrary: fc.constantFrom('', 'demo', 'gpt-4o', '__proto__', 'constructor', '{{text}}', '<<<end text x>>>', '%', '../..', '\u0000', '\ud800') },
);

/** Objects and arrays nested 65 to 4,000 levels, as text. */
export const deepJson = fc.integer({ min: 65, max: 4_000 }).chain((levels) =>
  fc.constantFrom(new RawJson(deepObjectJson(levels)), new RawJson(`${'['.repeat(levels)}${']'.repeat(levels)}`)),
);

export const anyValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    edgeNumber,
    edgeString,
    fc.boolean(),
    fc.constant(null),
    deepJson,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(edgeString.filter((key) => key.length < 50), tie('value'), { maxKeys: 4 }),
    fc.tuple(edgeString.filter((key) => key.length < 50), tie('value'), tie('value')).map(([key, first, second]) => new RepeatedKeys([[key, first], [key, second]])),
  ),
})).value;

/** JSON schemas that are ordinary, or built to expand, sample or recurse without end. */
export const hostileSchema: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant({ type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1 } }, required: ['city'] }),
  fc.integer({ min: 1, max: 24 }).map(doublingSchema),
  fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 100 })).map(([depth, items]) => nestedArraysSchema(depth, items)),
  fc.constant({ type: 'object', properties: { s: { type: 'string', minLength: 2_147_483_647 } } }),
  fc.constant({ type: 'object', properties: { n: { $ref: '#' } } }),
  fc.constant({ allOf: [{ $ref: '#/$defs/a' }], $defs: { a: { allOf: [{ $ref: '#/$defs/a' }] } } }),
  fc.constant({ type: 'object', properties: { a: { $ref: '#/$defs/%E0%A4%A' } } }),
  fc.constant({ type: ['string', 'number', 'integer', 'boolean', 'object', 'array'], properties: { a: { type: ['string', 'number', 'integer', 'boolean', 'object', 'array'] } } }),
  deepJson,
  anyValue,
);
