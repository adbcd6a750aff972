import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors/gateway-error.js';
import { doublingSchema } from '../../test/helpers/hostile-input.js';
import { toGeminiParameters, toGeminiSchema } from './json-schema.js';

const param = 'tools[0].function.parameters';

describe('toGeminiSchema', () => {
  it('drops keywords Gemini rejects and upper-cases types', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'https://example.com/weather',
      title: 'Weather',
      type: 'object',
      additionalProperties: false,
      properties: {
        city: { type: 'string', description: 'City name', default: 'Paris', examples: ['Rome'], minLength: 1 },
        days: { type: 'integer', minimum: 1, maximum: 14, exclusiveMaximum: 15, multipleOf: 1 },
        tags: { type: 'array', items: { type: 'string' }, uniqueItems: true, maxItems: 5 },
      },
      required: ['city', 'missing'],
    };
    expect(toGeminiSchema(schema, { param })).toEqual({
      type: 'OBJECT',
      properties: {
        city: { type: 'STRING', description: 'City name', minLength: 1 },
        days: { type: 'INTEGER', minimum: 1, maximum: 14 },
        tags: { type: 'ARRAY', items: { type: 'STRING' }, maxItems: 5 },
      },
      required: ['city'],
    });
  });

  it('inlines local $ref/$defs and definitions, keeping the referring description', () => {
    const schema = {
      type: 'object',
      properties: {
        home: { $ref: '#/$defs/Address', description: 'Where they live' },
        work: { $ref: '#/definitions/Address' },
      },
      $defs: { Address: { type: 'object', properties: { street: { type: 'string' } }, required: ['street'] } },
      definitions: { Address: { type: 'object', properties: { zip: { type: 'string' } } } },
    };
    expect(toGeminiSchema(schema, { param })).toEqual({
      type: 'OBJECT',
      properties: {
        home: { type: 'OBJECT', description: 'Where they live', properties: { street: { type: 'STRING' } }, required: ['street'] },
        work: { type: 'OBJECT', properties: { zip: { type: 'STRING' } } },
      },
    });
  });

  it('stops a recursive $ref with a described OBJECT', () => {
    const schema = {
      $defs: { Node: { type: 'object', properties: { value: { type: 'string' }, next: { $ref: '#/$defs/Node' } } } },
      $ref: '#/$defs/Node',
    };
    expect(toGeminiSchema(schema, { param })).toEqual({
      type: 'OBJECT',
      properties: { value: { type: 'STRING' }, next: { type: 'OBJECT', description: 'A nested Node (recursive).' } },
    });
  });

  it('refuses remote and dangling references', () => {
    expect(() => toGeminiSchema({ $ref: 'https://example.com/schema.json' }, { param })).toThrow(/only local references/);
    expect(() => toGeminiSchema({ $ref: '#/$defs/Nope' }, { param })).toThrow(/does not define/);
  });

  it('turns const into a one-value enum, and non-string enums into a description', () => {
    expect(toGeminiSchema({ const: 'fixed' }, { param })).toEqual({ type: 'STRING', enum: ['fixed'] });
    expect(toGeminiSchema({ type: 'string', enum: ['a', 'b', null] }, { param })).toEqual({ type: 'STRING', enum: ['a', 'b'], nullable: true });
    expect(toGeminiSchema({ type: 'integer', enum: [1, 2, 3], description: 'Level' }, { param })).toEqual({
      type: 'INTEGER',
      description: 'Level (Allowed values: 1, 2, 3.)',
    });
    expect(toGeminiSchema({ const: true }, { param })).toEqual({ type: 'BOOLEAN', description: 'Allowed values: true.' });
  });

  it('turns type lists and null members of anyOf/oneOf into nullable', () => {
    expect(toGeminiSchema({ type: ['string', 'null'], description: 'Maybe' }, { param })).toEqual({ type: 'STRING', description: 'Maybe', nullable: true });
    expect(toGeminiSchema({ anyOf: [{ type: 'number' }, { type: 'null' }], description: 'Optional number' }, { param })).toEqual({
      type: 'NUMBER',
      description: 'Optional number',
      nullable: true,
    });
    expect(toGeminiSchema({ oneOf: [{ type: 'string' }, { type: 'object', properties: { id: { type: 'integer' } } }] }, { param })).toEqual({
      anyOf: [{ type: 'STRING' }, { type: 'OBJECT', properties: { id: { type: 'INTEGER' } } }],
    });
    expect(toGeminiSchema({ type: ['string', 'integer', 'null'] }, { param })).toEqual({
      anyOf: [{ type: 'STRING' }, { type: 'INTEGER' }],
      nullable: true,
    });
  });

  it('merges allOf, following references', () => {
    const schema = {
      $defs: { Base: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } },
      allOf: [{ $ref: '#/$defs/Base' }, { properties: { name: { type: 'string' } }, required: ['name'] }],
    };
    expect(toGeminiSchema(schema, { param })).toEqual({
      type: 'OBJECT',
      properties: { id: { type: 'STRING' }, name: { type: 'STRING' } },
      required: ['id', 'name'],
    });
  });

  it('keeps only the formats Gemini allows, moving string formats into the description', () => {
    expect(toGeminiSchema({ type: 'string', format: 'date-time' }, { param })).toEqual({ type: 'STRING', format: 'date-time' });
    expect(toGeminiSchema({ type: 'string', format: 'email', description: 'Contact' }, { param })).toEqual({ type: 'STRING', description: 'Contact (Format: email.)' });
    expect(toGeminiSchema({ type: 'number', format: 'double' }, { param })).toEqual({ type: 'NUMBER', format: 'double' });
    expect(toGeminiSchema({ type: 'integer', format: 'uint8' }, { param })).toEqual({ type: 'INTEGER' });
  });

  it('infers a missing type, and treats an untyped schema as a STRING', () => {
    expect(toGeminiSchema({ properties: { a: {} } }, { param })).toEqual({ type: 'OBJECT', properties: { a: { type: 'STRING' } } });
    expect(toGeminiSchema({ items: { type: 'boolean' } }, { param })).toEqual({ type: 'ARRAY', items: { type: 'BOOLEAN' } });
  });

  it('adds propertyOrdering for response schemas only', () => {
    const schema = { type: 'object', properties: { b: { type: 'string' }, a: { type: 'string' } } };
    expect(toGeminiSchema(schema, { param, propertyOrdering: true }).propertyOrdering).toEqual(['b', 'a']);
    expect(toGeminiSchema(schema, { param }).propertyOrdering).toBeUndefined();
  });
});

describe('toGeminiParameters', () => {
  it('omits the parameters of a function without arguments', () => {
    expect(toGeminiParameters({ type: 'object', properties: {} }, { param })).toBeUndefined();
    expect(toGeminiParameters({ type: 'object' }, { param })).toBeUndefined();
    expect(toGeminiParameters(undefined, { param })).toBeUndefined();
  });
});

describe('expansion budget', () => {
  it('inlines a schema that doubles per level while it stays small', () => {
    const converted = toGeminiSchema(doublingSchema(8), { param });
    expect(JSON.stringify(converted).length).toBeLessThan(100_000);
  });

  it('refuses a schema that doubles 20 times with a 400 naming it, at once and without building it', () => {
    const schema = doublingSchema(20);
    expect(JSON.stringify(schema).length).toBeLessThan(3000);
    expect(() => toGeminiSchema(schema, { param })).toThrow(GatewayError);
    // Timed once the code is compiled: the refusal costs the budget's worth of work, no more.
    const started = performance.now();
    let thrown: any;
    try {
      toGeminiSchema(schema, { param });
    } catch (error) {
      thrown = error;
    }
    expect(performance.now() - started).toBeLessThan(200);
    expect(thrown).toMatchObject({ status: 400, code: 'invalid_request_body', param });
    expect(thrown.message).toMatch(/more than 5000 subschemas/);
  });

  it('refuses nesting deeper than the limit, and an allOf that refers back to itself', () => {
    let deep: Record<string, unknown> = { type: 'string' };
    for (let level = 0; level < 100; level++) deep = { type: 'object', properties: { a: deep } };
    expect(() => toGeminiSchema(deep, { param })).toThrow(/nests deeper than 64 levels/);
    const selfMerging = { allOf: [{ $ref: '#/$defs/a' }], $defs: { a: { allOf: [{ $ref: '#/$defs/a' }, { type: 'object' }] } } };
    expect(() => toGeminiSchema(selfMerging, { param })).toThrow(GatewayError);
  });

  it('answers a malformed percent-encoded reference with a 400, not a URIError', () => {
    expect(() => toGeminiSchema({ type: 'object', properties: { a: { $ref: '#/$defs/%E0%A4%A' } } }, { param })).toThrow(/does not define/);
    expect(() => toGeminiSchema({ $ref: '#/__proto__' }, { param })).toThrow(/does not define/);
  });
});
