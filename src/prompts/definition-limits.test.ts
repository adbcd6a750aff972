import { describe, expect, it } from 'vitest';
import { definitionLimitProblems } from './definition-limits.js';
import { checkPromptDefinition } from './check-definition.js';

const definition = (input: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name: 'limits',
  version: 1,
  model: 'demo',
  input: { type: 'object', properties: input },
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});

describe('definitionLimitProblems', () => {
  it('accepts an ordinary definition', () => {
    expect(definitionLimitProblems(definition({ text: { type: 'string', pattern: '^[a-z]+(-[a-z]+)*$' }, tags: { type: 'array', uniqueItems: true, maxItems: 20 } }))).toEqual([]);
  });

  it('refuses a definition that refers to itself, or nests too deep, without recursing', () => {
    const looped: Record<string, unknown> = definition({});
    (looped.input as Record<string, unknown>).self = looped;
    expect(definitionLimitProblems(looped)).toEqual([expect.stringMatching(/deeper than 256 levels/)]);
  });

  it('refuses schemas with too many subschemas, uniqueItems without a small maxItems, and catastrophic patterns', () => {
    const wide = Object.fromEntries(Array.from({ length: 600 }, (_, index) => [`p${index}`, { type: 'string' }]));
    expect(definitionLimitProblems(definition(wide))).toEqual([expect.stringMatching(/^input: has more than 500 subschemas/)]);
    expect(definitionLimitProblems(definition({ tags: { type: 'array', uniqueItems: true } }))).toEqual([expect.stringMatching(/^input\.properties\.tags\.uniqueItems: needs a maxItems/)]);
    expect(definitionLimitProblems(definition({ code: { type: 'string', pattern: '^(a+)+$' } }))).toEqual([expect.stringMatching(/^input\.properties\.code: the pattern "\^\(a\+\)\+\$" repeats a repetition/)]);
    const output = { output: { type: 'json', schema: { type: 'object', patternProperties: { '^(\\w+\\s?)*$': { type: 'string' } } } } };
    expect(definitionLimitProblems(definition({}, output))).toEqual([expect.stringMatching(/^output\.schema: the pattern/)]);
  });

  it('is part of checking every definition, before zod and Ajv see it', () => {
    const check = checkPromptDefinition(definition({ code: { type: 'string', pattern: '(x*)*y' } }));
    expect(check).toMatchObject({ ok: false, problems: [expect.stringMatching(/repeats a repetition/)] });
  });
});
