import { describe, expect, it } from 'vitest';
import { ModelRenamer, topLevelValueRange, withPublicModel } from './public-model.js';

describe('the public model name in upstream JSON', () => {
  it('replaces only the top-level model, whatever the spacing and whatever the strings hold', () => {
    expect(withPublicModel('{"id":"x","model":"gpt-4o-2024-08-06","choices":[]}', 'fast')).toBe('{"id":"x","model":"fast","choices":[]}');
    expect(withPublicModel('{ "id" : "a\\"model\\":\\"b" , "model" : "up" }', 'fast')).toBe('{ "id" : "a\\"model\\":\\"b" , "model" : "fast" }');
    const nested = '{"choices":[{"message":{"model":"inner"}}],"model":"outer"}';
    expect(withPublicModel(nested, 'fast')).toBe('{"choices":[{"message":{"model":"inner"}}],"model":"fast"}');
    expect(withPublicModel('{"choices":[]}', 'fast')).toBe('{"choices":[]}');
    expect(withPublicModel('[1,2]', 'fast')).toBe('[1,2]');
    expect(withPublicModel('{"model":"x"}', 'a "quoted" name')).toBe('{"model":"a \\"quoted\\" name"}');
  });

  it('renames each chunk of a stream, by prefix after the first, and by a full scan when the prefix changes', () => {
    const renamer = new ModelRenamer('fast');
    const chunk = (content: string, id = 'c1') => `{"id":"${id}","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"delta":{"content":${JSON.stringify(content)}}}]}`;
    expect(renamer.rename(chunk('a'))).toBe(chunk('a').replace('"gpt-4o"', '"fast"'));
    expect(renamer.rename(chunk('"model":"gpt-4o"'))).toBe(chunk('"model":"gpt-4o"').replace('"model":"gpt-4o","choices"', '"model":"fast","choices"'));
    expect(renamer.rename(chunk('b', 'c2'))).toBe(chunk('b', 'c2').replace('"gpt-4o"', '"fast"'));
    expect(renamer.rename('{"id":"u","choices":[],"usage":{"total_tokens":3}}')).toBe('{"id":"u","choices":[],"usage":{"total_tokens":3}}');
  });

  it('finds values of every JSON kind', () => {
    const text = '{"a":1.5e3,"b":true,"c":null,"d":{"x":[1,{"y":"}"}]},"e":"z"}';
    const value = (key: string) => {
      const range = topLevelValueRange(text, key);
      return range && text.slice(...range);
    };
    expect([value('a'), value('b'), value('c'), value('d'), value('e'), value('f')]).toEqual(['1.5e3', 'true', 'null', '{"x":[1,{"y":"}"}]}', '"z"', undefined]);
  });
});
