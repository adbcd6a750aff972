import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { conformancePath } from '../../test/helpers/conformance.js';
import { isJsonObjectText, scanCompactObject } from './json-object-check.js';

function parsesAsObject(text: string): boolean {
  try {
    const value = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  } catch {
    return false;
  }
}

describe('isJsonObjectText', () => {
  it('accepts every event of the recorded OpenAI streams without parsing them', () => {
    for (const name of ['openai-stream_works.sse', 'openai-stream_emits_content_logprobs_events.sse', 'openai-stream_emits_refusal_logprobs_events.sse']) {
      const events = readFileSync(conformancePath('openai', name), 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('data: {'))
        .map((line) => line.slice(6));
      expect(events.length).toBeGreaterThan(3);
      for (const event of events) expect(scanCompactObject(event), event).toBe(true);
    }
  });

  it('refuses what is not one JSON object', () => {
    const invalid = [
      '{this is not json}', '{"a":1', '{"a":1}}', '{"a":[1,2}', '{"a":01}', '{}x', '{"a":"\\x"}', '{"a":tru}', '{"a":1,}', '{,}',
      '{"a" 1}', '[1]', '"text"', '12', 'null', '', '{', '}', '{"a":[1,]}', '{"a":{"b":}}', '{"a"}', '{"a":"b\\"}', '{"a":1.}', '{"a":-}',
      '{"a":1e}', '{"a":"\u0001"}', '{"a":nul}', '{"a":[1 2]}', '{"a":"\\u12g4"}', '<html><body>Bad gateway</body></html>', '{"a":+1}',
      '{"a":.5}', '{"a":1}{"b":2}', '{"a":[}', '{"a":]}', "{'a':1}", '{"a":undefined}', '{"a":NaN}', '{"a":"x"', '{"a":"x\\', '{"a":[[[',
    ];
    for (const text of invalid) expect(isJsonObjectText(text), text).toBe(false);
  });

  it('accepts valid objects, also those it leaves to JSON.parse (whitespace, deep nesting)', () => {
    const valid = [
      '{}', '{"a":[]}', '{"a":[{}]}', '{"a":"\\u00e9\\"x\\\\"}', '{"a":-1.5e3,"b":[true,false,null]}', '{ "a" : 1 }', '{"a":"é😀"}',
      '{"a":0,"b":-0.5,"c":1E+2,"d":2e-3}', '\n{"a":1}\n', `{"a":${'['.repeat(40)}${']'.repeat(40)}}`, '{"a":"\\/\\b\\f\\n\\r\\t"}',
    ];
    for (const text of valid) expect(isJsonObjectText(text), text).toBe(true);
  });

  it('agrees with JSON.parse on many generated documents and their damaged copies', () => {
    let seed = 11;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const pieces = ['a', '"', '\\', '{', '}', '[', ']', ',', ':', ' ', 'é', '😀', 'u', '0', '\n'];
    const randomString = () => Array.from({ length: Math.floor(random() * 6) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
    const randomValue = (depth: number): unknown => {
      const pick = Math.floor(random() * (depth > 3 ? 4 : 6));
      if (pick === 0) return randomString();
      if (pick === 1) return [0, -1, 1.5, -2.25e-7, 1e21, 123456789][Math.floor(random() * 6)];
      if (pick === 2) return random() < 0.5;
      if (pick === 3) return null;
      if (pick === 4) return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [randomString(), randomValue(depth + 1)]));
    };
    const damage = (text: string): string => {
      const at = Math.floor(random() * text.length);
      const kind = Math.floor(random() * 3);
      if (kind === 0) return text.slice(0, at) + text.slice(at + 1);
      if (kind === 1) return text.slice(0, at) + pieces[Math.floor(random() * pieces.length)] + text.slice(at);
      return text.slice(0, at);
    };
    for (let round = 0; round < 3000; round++) {
      const document = Object.fromEntries(Array.from({ length: Math.floor(random() * 5) }, (_, index) => [`k${index}${randomString()}`, randomValue(0)]));
      const text = JSON.stringify(document);
      expect(isJsonObjectText(text), text).toBe(true);
      expect(scanCompactObject(text), text).toBe(true);
      const damaged = damage(text);
      expect(isJsonObjectText(damaged), damaged).toBe(parsesAsObject(damaged));
    }
  });
});
