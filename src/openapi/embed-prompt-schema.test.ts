import { describe, expect, it } from 'vitest';
import { embedPromptSchema } from './embed-prompt-schema.js';

describe('embedPromptSchema', () => {
  it('keeps a self-contained 2020-12 schema as written, without $schema and $id', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'https://example.com/greet',
      type: 'object',
      required: ['who'],
      properties: { who: { type: ['string', 'null'], maxLength: 100 }, tags: { type: 'array', prefixItems: [{ const: 'a' }] } },
    };
    const { $schema: _dialect, $id: _id, ...expected } = schema;
    expect(embedPromptSchema(schema, 'prompt.greet.input')).toEqual({ schema: expected, components: {} });
  });

  it('moves $defs and definitions to components and points the refs there, nested pointers included', () => {
    const embedded = embedPromptSchema(
      {
        type: 'object',
        properties: {
          from: { $ref: '#/$defs/stop' },
          to: { $ref: '#/$defs/stop' },
          city: { $ref: '#/$defs/stop/properties/city' },
          legacy: { $ref: '#/definitions/when' },
        },
        $defs: { stop: { type: 'object', properties: { city: { type: 'string' }, next: { $ref: '#/$defs/stop' } } } },
        definitions: { when: { type: 'string', format: 'date' } },
      },
      'prompt.trip.input',
    );
    expect(embedded.schema).toEqual({
      type: 'object',
      properties: {
        from: { $ref: '#/components/schemas/prompt.trip.input.stop' },
        to: { $ref: '#/components/schemas/prompt.trip.input.stop' },
        city: { $ref: '#/components/schemas/prompt.trip.input.stop/properties/city' },
        legacy: { $ref: '#/components/schemas/prompt.trip.input.when' },
      },
    });
    expect(embedded.components).toEqual({
      'prompt.trip.input.stop': {
        type: 'object',
        properties: { city: { type: 'string' }, next: { $ref: '#/components/schemas/prompt.trip.input.stop' } },
      },
      'prompt.trip.input.when': { type: 'string', format: 'date' },
    });
  });

  it('moves the root to components when something refers to it (recursion through "#")', () => {
    const embedded = embedPromptSchema(
      { type: 'object', properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#' } } } },
      'prompt.tree.input',
    );
    expect(embedded.schema).toEqual({ $ref: '#/components/schemas/prompt.tree.input' });
    expect(embedded.components['prompt.tree.input']).toEqual({
      type: 'object',
      properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/components/schemas/prompt.tree.input' } } },
    });
  });

  it('makes def names valid component names, decodes pointer escapes, and never collides', () => {
    const embedded = embedPromptSchema(
      {
        type: 'object',
        properties: { a: { $ref: '#/$defs/a~1b' }, b: { $ref: '#/$defs/a%20b' }, c: { $ref: '#/$defs/a_b' } },
        $defs: { 'a/b': { type: 'string' }, 'a b': { type: 'integer' }, a_b: { type: 'boolean' } },
      },
      'prompt.x.input',
    );
    expect(Object.keys(embedded.components)).toEqual(['prompt.x.input.a_b', 'prompt.x.input.a_b_2', 'prompt.x.input.a_b_3']);
    const properties = embedded.schema.properties as Record<string, { $ref: string }>;
    const target = (property: string) => embedded.components[properties[property].$ref.replace('#/components/schemas/', '')];
    expect([target('a'), target('b'), target('c')]).toEqual([{ type: 'string' }, { type: 'integer' }, { type: 'boolean' }]);
  });

  it('prefixes anchors so that two prompts cannot clash, and drops refs to other documents', () => {
    const embedded = embedPromptSchema(
      {
        type: 'object',
        properties: { a: { $ref: '#item' }, b: { $ref: 'https://example.com/schemas/b.json', description: 'kept' } },
        $defs: { item: { $anchor: 'item', type: 'string' } },
      },
      'prompt.x.input',
    );
    expect(embedded.schema.properties).toEqual({ a: { $ref: '#prompt.x.input.item' }, b: { description: 'kept' } });
    expect(embedded.components['prompt.x.input.item']).toEqual({ $anchor: 'prompt.x.input.item', type: 'string' });
  });

  it('treats property names as names, not keywords', () => {
    const schema = { type: 'object', properties: { $ref: { type: 'string' }, $id: { type: 'integer' }, nullable: { type: 'boolean' } } };
    expect(embedPromptSchema(schema, 'prompt.x.input').schema).toEqual(schema);
  });

  it('turns OpenAPI 3.0 nullable into a null type', () => {
    const embedded = embedPromptSchema(
      { type: 'object', properties: { a: { type: 'string', nullable: true }, b: { type: 'string', enum: ['x', 'y'], nullable: true }, c: { type: 'integer', nullable: false } } },
      'prompt.x.input',
    );
    expect(embedded.schema.properties).toEqual({
      a: { type: ['string', 'null'] },
      b: { type: ['string', 'null'], enum: ['x', 'y', null] },
      c: { type: 'integer' },
    });
  });

  it('does not change the schema it was given', () => {
    const schema = { type: 'object', properties: { a: { $ref: '#/$defs/a' } }, $defs: { a: { type: 'string' } } };
    const copy = structuredClone(schema);
    embedPromptSchema(schema, 'prompt.x.input');
    expect(schema).toEqual(copy);
  });
});
