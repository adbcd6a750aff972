import { describe, expect, it } from 'vitest';
import { setTopLevelValues } from './json-splice.js';

/** One member set on the UTF-8 bytes of `text`, read back as text. */
function setTopLevelValue(text: string, key: string, valueJson: string): string | undefined {
  return setTopLevelValues(Buffer.from(text), { [key]: valueJson })?.toString('utf8');
}

/** What the splice must be equivalent to: parse, set the member, compare parsed. */
function expectSet(text: string, key: string, value: unknown): string {
  const result = setTopLevelValue(text, key, JSON.stringify(value));
  expect(result).toBeDefined();
  expect(JSON.parse(result!)).toEqual({ ...JSON.parse(text), [key]: value });
  return result!;
}

describe('setTopLevelValue', () => {
  it('replaces a top-level string and keeps every other byte', () => {
    const text = '{"model":"fast","messages":[{"role":"user","content":"model: \\"fast\\""}],"max_tokens":5}';
    expect(setTopLevelValue(text, 'model', '"gpt-4o-mini"')).toBe(
      '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"model: \\"fast\\""}],"max_tokens":5}',
    );
  });

  it('does not touch nested members of the same name', () => {
    const text = '{"metadata":{"model":"inner"},"tools":[{"model":"x"}],"model":"outer"}';
    const result = expectSet(text, 'model', 'upstream');
    expect(result).toContain('{"model":"inner"}');
    expect(result).toContain('[{"model":"x"}]');
  });

  it('appends a member that is absent, also to an empty object and across whitespace', () => {
    expect(setTopLevelValue('{"stream":true}', 'stream_options', '{"include_usage":true}')).toBe(
      '{"stream":true,"stream_options":{"include_usage":true}}',
    );
    expect(setTopLevelValue('{}', 'model', '"m"')).toBe('{"model":"m"}');
    expect(setTopLevelValue(' { } ', 'model', '"m"')).toBe(' { "model":"m"} ');
    expectSet('{\n  "model" : "a" ,\n  "n" : 1\n}\n', 'model', 'b');
    expectSet('{\n  "n": [1, 2, {"a": null}]\n}', 'stream_options', { include_usage: true });
  });

  it('replaces values of every kind', () => {
    expectSet('{"stream_options":null,"a":1}', 'stream_options', { include_usage: true });
    expectSet('{"stream_options":{"x":[1,{"y":"}"}]},"a":1}', 'stream_options', { include_usage: true });
    expectSet('{"stream":false}', 'stream', true);
    expectSet('{"n":-1.5e3,"stream":false,"m":"x"}', 'n', 2);
  });

  it('reads strings with escaped quotes, backslashes and braces correctly', () => {
    expectSet('{"content":"a \\\\\\" } ] {","model":"m"}', 'model', 'n');
    expectSet('{"content":"ends with a backslash \\\\","model":"m"}', 'model', 'n');
    expectSet('{"content":"\\u007d\\u0022 \u00e9\u4e2d\ud83d\ude00","model":"m"}', 'model', 'n');
  });

  it('works on a view into a larger buffer', () => {
    const whole = Buffer.from('xx{"model":"a","b":"é"}yy');
    expect(setTopLevelValues(whole.subarray(2, whole.length - 2), { model: '"z"' })?.toString()).toBe('{"model":"z","b":"é"}');
  });

  it('sets several members in one pass: replaced in place, the absent ones appended in the order given', () => {
    const text = '{"stream":false,"messages":[{"role":"user","content":"}"}],"model":"a"}';
    const result = setTopLevelValues(Buffer.from(text), { model: '"b"', stream: 'true', stream_options: '{"include_usage":true}', n: '1' });
    expect(result?.toString()).toBe('{"stream":true,"messages":[{"role":"user","content":"}"}],"model":"b","stream_options":{"include_usage":true},"n":1}');
    expect(setTopLevelValues(Buffer.from('{}'), { a: '1', b: '2' })?.toString()).toBe('{"a":1,"b":2}');
    expect(setTopLevelValues(Buffer.from('{"model":"a","stream":1,"stream":2}'), { model: '"b"', stream: 'true' })).toBeUndefined();
  });

  it('matches a key written with escapes', () => {
    expectSet('{"\\u006dodel":"m","x":1}', 'model', 'n');
  });

  it('refuses what it must not guess: duplicate keys, non-objects', () => {
    expect(setTopLevelValue('{"model":"a","model":"b"}', 'model', '"c"')).toBeUndefined();
    expect(setTopLevelValue('[{"model":"a"}]', 'model', '"c"')).toBeUndefined();
    expect(setTopLevelValue('"model"', 'model', '"c"')).toBeUndefined();
  });

  it('agrees with JSON.parse on many generated documents', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const pieces = ['a', '"', '\\', '{', '}', '[', ']', ',', ':', ' ', '\n', 'é', '😀', 'model'];
    const randomString = () => Array.from({ length: Math.floor(random() * 8) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
    const randomValue = (depth: number): unknown => {
      const pick = Math.floor(random() * (depth > 2 ? 4 : 6));
      if (pick === 0) return randomString();
      if (pick === 1) return Math.round(random() * 1e6) / 100;
      if (pick === 2) return random() < 0.5;
      if (pick === 3) return null;
      if (pick === 4) return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [randomString(), randomValue(depth + 1)]));
    };
    for (let round = 0; round < 300; round++) {
      const document = Object.fromEntries(Array.from({ length: 1 + Math.floor(random() * 5) }, (_, index) => [`k${index}${randomString()}`, randomValue(0)]));
      if (random() < 0.5) document.model = randomString();
      const text = JSON.stringify(document, null, random() < 0.3 ? 2 : undefined);
      expectSet(text, 'model', `upstream-${round}`);
      expectSet(text, 'stream_options', { include_usage: true });
    }
  });
});
