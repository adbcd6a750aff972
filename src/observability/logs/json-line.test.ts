import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonLine } from './json-line.js';

describe('JsonLine', () => {
  it('writes what JSON.stringify writes for the same fields, in order', () => {
    const value = fc.oneof(fc.string(), fc.constant(null), fc.constant(undefined), fc.double(), fc.integer(), fc.boolean(), fc.constantFrom('\u2028', '"\\\n', '\u0000'));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.stringMatching(/^[a-z_]{1,12}$/), value), { maxLength: 12 }), fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.integer()), (fields, tokens) => {
        const names = new Set<string>();
        // `__proto__` would set the expected object's prototype instead of a field: not a log field name.
        const unique = fields.filter(([name]) => name !== 'tokens' && name !== '__proto__' && !names.has(name) && names.add(name));
        const line = new JsonLine('info', 'call');
        const expected: Record<string, unknown> = { level: 'info', message: 'call' };
        for (const [name, field] of unique) {
          if (typeof field === 'number') line.number(name, field);
          else if (typeof field === 'boolean') line.boolean(name, field);
          else line.string(name, field);
          expected[name] = field;
        }
        line.numbers('tokens', tokens);
        expected.tokens = tokens;
        const written = line.end();
        const { time } = JSON.parse(written);
        expect(time).toMatch(/^\d{4}-\d\d-\d\dT/);
        expect(written).toBe(JSON.stringify({ time, ...expected }));
      }),
      { numRuns: 500 },
    );
  });
});
