import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBalancer } from './balancers.js';
import { defaultBreaker, defaultOutlier } from './pool-defaults.js';
import { TargetState } from './target-state.js';

function targets(weights: number[]): TargetState<null>[] {
  return weights.map(
    (weight, index) => new TargetState({ id: `t${index}`, weight, value: null }, defaultBreaker, defaultOutlier, () => 0, () => {}),
  );
}

describe('balancers', () => {
  it('weighted: every cycle of sum(weights) picks gives each target exactly its weight', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 3 }), (weights, cycles) => {
        const pool = targets(weights);
        const pick = createBalancer({ kind: 'weighted' }, Math.random);
        const total = weights.reduce((a, b) => a + b, 0);
        for (let cycle = 0; cycle < cycles; cycle++) {
          const counts = new Map<string, number>();
          for (let index = 0; index < total; index++) {
            const chosen = pick(pool, undefined);
            counts.set(chosen.id, (counts.get(chosen.id) ?? 0) + 1);
          }
          pool.forEach((target, index) => expect(counts.get(target.id) ?? 0).toBe(weights[index]));
        }
      }),
    );
  });

  it('round-robin visits every target once per cycle', () => {
    const pool = targets([5, 1, 1]);
    const pick = createBalancer({ kind: 'round-robin' }, Math.random);
    expect([0, 1, 2, 3, 4, 5].map(() => pick(pool, undefined).id)).toEqual(['t0', 't1', 't2', 't0', 't1', 't2']);
  });

  it('least-inflight picks a target with the fewest in flight per weight', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 8 }), fc.double({ min: 0, max: 0.999, noNaN: true }), (loads, seed) => {
        const pool = targets(loads.map(() => 1));
        pool.forEach((target, index) => (target.inflight = loads[index]!));
        const chosen = createBalancer({ kind: 'least-inflight' }, () => seed)(pool, undefined);
        expect(chosen.inflight).toBe(Math.min(...loads));
      }),
    );
  });

  it('hash: a key sticks to one target, and removing a target moves only the keys it owned', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 2, max: 6 }),
        fc.nat(),
        (keys, size, removedSeed) => {
          const pool = targets(new Array(size).fill(1));
          const pick = createBalancer({ kind: 'hash' }, Math.random);
          const removed = pool[removedSeed % size]!;
          const rest = pool.filter((target) => target !== removed);
          for (const key of keys) {
            const before = pick(pool, key);
            expect(pick(pool, key)).toBe(before);
            if (before !== removed) expect(pick(rest, key)).toBe(before);
          }
        },
      ),
    );
  });

  it('latency: of two candidates the one with the lower latency × load wins', () => {
    let now = 0;
    const pool = [0, 1].map(
      (index) => new TargetState({ id: `t${index}`, value: null }, defaultBreaker, defaultOutlier, () => now, () => {}),
    );
    pool[0]!.latency.record(200);
    pool[1]!.latency.record(20);
    now = 1;
    const pick = createBalancer({ kind: 'latency' }, Math.random);
    for (let index = 0; index < 20; index++) expect(pick(pool, undefined).id).toBe('t1');
    pool[1]!.inflight = 20;
    expect(pick(pool, undefined).id).toBe('t0');
  });
});
