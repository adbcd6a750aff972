import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { emptyUsage, type NormalizedUsage } from '../../providers/types.js';
import { costNanoUsd, worstCaseCostNanoUsd } from './cost.js';
import { priceCatalogue } from './price-book.js';
import type { ModelPrice } from './types.js';

function cataloguePrice(key: string): ModelPrice {
  const { input, cachedInput, cacheWrite, output, reasoning, longContext } = priceCatalogue.models[key];
  return { input, cachedInput, cacheWrite, output, reasoning, longContext, effectiveFrom: 0, source: 'test' };
}

const usage = (buckets: Partial<NormalizedUsage>): NormalizedUsage => ({ ...emptyUsage(), ...buckets });
const flat = (rate: number): ModelPrice => ({ input: rate, cachedInput: rate, cacheWrite: rate, output: rate, reasoning: rate, effectiveFrom: 0, source: 'test' });

describe('costNanoUsd', () => {
  it('prices Anthropic cache reads, cache writes, input and output each at its own rate', () => {
    const sonnet = cataloguePrice('claude-sonnet-4-5');
    expect(sonnet).toMatchObject({ input: 3_000_000, cachedInput: 300_000, cacheWrite: 3_750_000, output: 15_000_000 });
    const call = usage({ inputTokens: 100, cachedInputTokens: 2000, cacheWriteTokens: 1000, outputTokens: 500 });
    // (100 × 3 + 2000 × 0.3 + 1000 × 3.75 + 500 × 15) USD per million tokens = 0.01215 USD.
    expect(costNanoUsd(call, sonnet)).toBe(12_150_000);
  });

  it('prices Gemini thought tokens at the reasoning rate', () => {
    const flash = cataloguePrice('gemini/gemini-2.5-flash');
    expect(flash).toMatchObject({ input: 300_000, output: 2_500_000, reasoning: 2_500_000 });
    const call = usage({ inputTokens: 1000, outputTokens: 200, reasoningTokens: 800 });
    expect(costNanoUsd(call, flash)).toBe(300_000 + 500_000 + 2_000_000);
    // A distinct reasoning rate is used for reasoning tokens only.
    expect(costNanoUsd(usage({ reasoningTokens: 1000 }), { ...flash, reasoning: 7_000_000 })).toBe(7_000_000);
    expect(costNanoUsd(usage({ outputTokens: 1000 }), { ...flash, reasoning: 7_000_000 })).toBe(2_500_000);
  });

  it('never counts a token twice: the total is the sum of its buckets', () => {
    const sonnet = cataloguePrice('claude-sonnet-4-5');
    const buckets: Partial<NormalizedUsage>[] = [
      { inputTokens: 1000 },
      { cachedInputTokens: 1000 },
      { cacheWriteTokens: 1000 },
      { outputTokens: 1000 },
      { reasoningTokens: 1000 },
    ];
    const alone = buckets.map((bucket) => costNanoUsd(usage(bucket), sonnet));
    expect(alone).toEqual([3_000_000, 300_000, 3_750_000, 15_000_000, 15_000_000]);
    const together = usage(Object.assign({}, ...buckets));
    expect(costNanoUsd(together, sonnet)).toBe(alone.reduce((sum, cost) => sum + cost, 0));
  });

  it('rounds once, half up, to nano-dollars', () => {
    expect(costNanoUsd(usage({ inputTokens: 1 }), flat(499))).toBe(0);
    expect(costNanoUsd(usage({ inputTokens: 1 }), flat(500))).toBe(1);
    expect(costNanoUsd(usage({ inputTokens: 1 }), flat(1500))).toBe(2);
    // 37.5 + 37.5 nano: one rounding of the sum (75), not two (76).
    expect(costNanoUsd(usage({ inputTokens: 1, outputTokens: 1 }), flat(37_500))).toBe(75);
  });

  it('sums a million small calls to the exact figure', () => {
    const mini = cataloguePrice('gpt-4o-mini');
    const call = usage({ inputTokens: 7, cachedInputTokens: 3, outputTokens: 3 });
    // 7 × 150,000 + 3 × 75,000 + 3 × 600,000 = 3,075,000 pico = 3,075 nano a call.
    let total = 0;
    let floatTotal = 0;
    for (let index = 0; index < 1_000_000; index++) {
      const cost = costNanoUsd(call, mini);
      total += cost;
      floatTotal += cost / 1e9;
    }
    expect(total).toBe(3_075_000_000);
    expect(floatTotal).not.toBe(3.075); // what summing float dollars would have drifted to
  });

  it('stays exact when an intermediate passes 2^53', () => {
    const cost = costNanoUsd(usage({ inputTokens: 10_000_000, outputTokens: 1 }), { ...flat(1_000_000_000), output: 1 });
    expect(cost).toBe(10_000_000_000_000); // 1e16 pico + 1 pico, rounded to nano
  });

  it('puts every token at the long-context rates once the prompt passes the threshold', () => {
    const sonnet = cataloguePrice('claude-sonnet-4-5');
    expect(sonnet.longContext?.aboveInputTokens).toBe(200_000);
    expect(costNanoUsd(usage({ inputTokens: 200_000, outputTokens: 1000 }), sonnet)).toBe(600_000_000 + 15_000_000);
    expect(costNanoUsd(usage({ inputTokens: 150_000, cachedInputTokens: 50_001, outputTokens: 1000 }), sonnet)).toBe(
      900_000_000 + 30_000_600 + 22_500_000,
    );
  });

  it('refuses token counts and rates that are not non-negative integers', () => {
    expect(() => costNanoUsd(usage({ inputTokens: -1 }), flat(1))).toThrow(/inputTokens must be a non-negative integer/);
    expect(() => costNanoUsd(usage({ outputTokens: 1.5 }), flat(1))).toThrow(/outputTokens/);
    expect(() => costNanoUsd(usage({}), flat(0.5))).toThrow(/rate must be a non-negative integer/);
  });
});

describe('worstCaseCostNanoUsd', () => {
  it('prices the prompt at the dearer of input and cache write, the output at the dearer of output and reasoning', () => {
    const sonnet = cataloguePrice('claude-sonnet-4-5');
    expect(worstCaseCostNanoUsd(1000, 100, sonnet)).toBe(3_750_000 + 1_500_000);
    const thinking = { ...cataloguePrice('gemini/gemini-2.5-flash'), reasoning: 3_500_000 };
    expect(worstCaseCostNanoUsd(1000, 100, thinking)).toBe(300_000 + 350_000);
  });

  it('rounds up and is never below the cost of any usage within its counts', () => {
    expect(worstCaseCostNanoUsd(1, 0, flat(150_001))).toBe(151);
    const sonnet = cataloguePrice('claude-sonnet-4-5');
    const worst = worstCaseCostNanoUsd(210_000, 5000, sonnet);
    for (const call of [
      usage({ inputTokens: 210_000, outputTokens: 5000 }),
      usage({ cacheWriteTokens: 210_000, reasoningTokens: 5000 }),
      usage({ inputTokens: 199_000, outputTokens: 5000 }),
      usage({ cachedInputTokens: 100_000, cacheWriteTokens: 110_000, outputTokens: 2500, reasoningTokens: 2500 }),
    ]) {
      expect(costNanoUsd(call, sonnet)).toBeLessThanOrEqual(worst);
    }
    expect(worst).toBe(210_000 * 7500 + 5000 * 22_500); // the long-context tier's cache-write and output rates
  });
});

describe('plain numbers and BigInt agree', () => {
  /** The definition: every bucket in BigInt, rounded once. */
  const referenceCost = (call: NormalizedUsage, rate: ModelPrice): bigint =>
    (BigInt(call.inputTokens) * BigInt(rate.input) +
      BigInt(call.cachedInputTokens) * BigInt(rate.cachedInput) +
      BigInt(call.cacheWriteTokens) * BigInt(rate.cacheWrite) +
      BigInt(call.outputTokens) * BigInt(rate.output) +
      BigInt(call.reasoningTokens) * BigInt(rate.reasoning) +
      500n) /
    1000n;
  // Counts and rates up to where products pass 2^53, so both the plain path and the BigInt path run.
  const count = fc.oneof(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));
  const rate = fc.oneof(fc.integer({ min: 0, max: 100_000_000 }), fc.integer({ min: 0, max: 2 ** 40 }));
  const usageArbitrary = fc.record({ inputTokens: count, cachedInputTokens: count, cacheWriteTokens: count, outputTokens: count, reasoningTokens: count });
  const priceArbitrary = fc.record({ input: rate, cachedInput: rate, cacheWrite: rate, output: rate, reasoning: rate }).map((rates): ModelPrice => ({ ...rates, effectiveFrom: 0, source: 'test' }));

  it('costNanoUsd is the BigInt sum rounded half up, or refuses a cost no row can hold', () => {
    fc.assert(
      fc.property(usageArbitrary, priceArbitrary, (call, rates) => {
        const expected = referenceCost(call, rates);
        if (expected > BigInt(Number.MAX_SAFE_INTEGER)) expect(() => costNanoUsd(call, rates)).toThrow(RangeError);
        else expect(costNanoUsd(call, rates)).toBe(Number(expected));
      }),
      { numRuns: 2000 },
    );
  });

  it('worstCaseCostNanoUsd is the BigInt worst case rounded up, saturating beyond 2^53', () => {
    fc.assert(
      fc.property(count, count, priceArbitrary, (prompt, output, rates) => {
        const promptRate = BigInt(Math.max(rates.input, rates.cachedInput, rates.cacheWrite));
        const outputRate = BigInt(Math.max(rates.output, rates.reasoning));
        const nano = (BigInt(prompt) * promptRate + BigInt(output) * outputRate + 999n) / 1000n;
        const expected = nano > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(nano);
        expect(worstCaseCostNanoUsd(prompt, output, rates)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
