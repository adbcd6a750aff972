import { describe, expect, it } from 'vitest';
import { findStructureProblem, nestsDeeperThan, parseBoundedJson } from './json-structure.js';

const problem = (text: string, maxDepth = 64) => findStructureProblem(Buffer.from(text), { maxDepth });

describe('findStructureProblem', () => {
  it('accepts ordinary bodies, keys repeated in different objects, and brackets inside strings', () => {
    expect(problem('{"model":"m","messages":[{"role":"user","content":"{{[[\\"}}"},{"role":"user","content":"x"}]}')).toBeUndefined();
    expect(problem('[1, {"a": [true, null, "s"]}, []]')).toBeUndefined();
    expect(problem('"just a string"')).toBeUndefined();
  });

  it('finds a repeated key, escaped or not, and says where it is', () => {
    expect(problem('{"model":"gpt-4o","messages":[],"model":"gpt-4o-mini"}')).toEqual({ kind: 'duplicate_key', key: 'model', path: 'model' });
    expect(problem('{"model":"a","mod\\u0065l":"b"}')).toEqual({ kind: 'duplicate_key', key: 'model', path: 'model' });
    expect(problem('{"messages":[{"role":"user"},{"role":"user","content":"a","content":"b"}]}')).toEqual({
      kind: 'duplicate_key',
      key: 'content',
      path: 'messages[1].content',
    });
  });

  it('finds a repeated key among many (past the switch from a list to a set)', () => {
    const members = Array.from({ length: 40 }, (_, index) => `"k${index}":${index}`);
    expect(problem(`{${members.join(',')}}`)).toBeUndefined();
    expect(problem(`{${members.join(',')},"k3":0}`)).toMatchObject({ kind: 'duplicate_key', key: 'k3' });
  });

  it('refuses nesting deeper than the limit, naming where it went too deep', () => {
    expect(problem('[[[]]]', 3)).toBeUndefined();
    expect(problem('[[[[]]]]', 3)).toEqual({ kind: 'too_deep', maxDepth: 3, path: '[0][0][0]' });
    expect(problem(`{"tools":[{"function":{"parameters":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}}]}`)).toMatchObject({
      kind: 'too_deep',
      path: 'tools[0].function.parameters.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a',
    });
  });

  it('scans a large prompt quickly: strings are skipped natively', () => {
    const body = Buffer.from(JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(5_000_000) }] }));
    const started = performance.now();
    expect(findStructureProblem(body, { maxDepth: 64 })).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(100);
  });
});

describe('parseBoundedJson', () => {
  it('parses JSON within the depth and refuses deeper JSON with a RangeError', () => {
    expect(parseBoundedJson('{"a":{"b":[1]}}', 3)).toEqual({ a: { b: [1] } });
    expect(() => parseBoundedJson('{"a":{"b":[[1]]}}', 3)).toThrow(RangeError);
    expect(() => parseBoundedJson('{"a":', 3)).toThrow(SyntaxError);
    expect(parseBoundedJson('{"a":1,"a":2}', 3)).toEqual({ a: 2 });
  });
});

describe('nestsDeeperThan', () => {
  it('measures values already in memory without recursion', () => {
    let deep: unknown = 1;
    for (let level = 0; level < 100_000; level++) deep = [deep];
    expect(nestsDeeperThan(deep, 256)).toBe(true);
    expect(nestsDeeperThan({ a: [{ b: 1 }] }, 3)).toBe(false);
    expect(nestsDeeperThan({ a: [{ b: [] }] }, 3)).toBe(true);
  });
});
