import { describe, expect, it } from 'vitest';
import { registerSecret } from '../../src/logging/logger.js';
import { emptyUsage } from '../types.js';
import { plausibleUsage } from './usage-checks.js';

describe('plausibleUsage', () => {
  it('refuses counts that are not whole, non-negative and sane', () => {
    for (const bad of [-1, 1.5, Number.NaN, Infinity, 1e300, 100_000_001, '12' as unknown as number]) {
      expect(plausibleUsage({ ...emptyUsage(), outputTokens: bad }), String(bad)).toBeNull();
    }
    expect(plausibleUsage({ ...emptyUsage(), inputTokens: 12, outputTokens: 5 })).toMatchObject({ inputTokens: 12, outputTokens: 5 });
  });

  it('keeps the numbers and names of raw usage, never long text, a secret, or an endless object', () => {
    registerSecret('sk-raw-usage-secret-1');
    const raw = {
      prompt_tokens: 12,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 6 }],
      note: 'a long sentence that is not a name',
      echoed: 'sk-raw-usage-secret-1',
      deep: { a: { b: { c: { d: 1 } } } },
      ...Object.fromEntries(Array.from({ length: 100 }, (_, index) => [`k${index}`, index])),
    };
    const kept = plausibleUsage({ ...emptyUsage(), inputTokens: 12, raw })!.raw as Record<string, unknown>;
    expect(kept).toMatchObject({ prompt_tokens: 12, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 6 }] });
    expect(kept).not.toHaveProperty('note');
    expect(kept).not.toHaveProperty('echoed');
    expect(JSON.stringify(kept.deep)).toBe('{"a":{"b":{}}}');
    expect(Object.keys(kept).length).toBeLessThanOrEqual(32);
  });
});
