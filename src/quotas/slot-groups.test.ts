import { describe, expect, it } from 'vitest';
import { hashTagOf, reserveBySlot, slotGroups } from './slot-groups.js';
import type { QuotaCounter, ReserveOutcome } from './types.js';

const counter = (key: string, amount = 1): QuotaCounter => ({ key, limit: 10, amount, ttlMs: 60_000 });

describe('hashTagOf', () => {
  it('reads the tag as Redis Cluster does', () => {
    expect(hashTagOf('p:q:{t:acme}:t:req:m:1')).toBe('t:acme');
    expect(hashTagOf('{a}{b}')).toBe('a');
    expect(hashTagOf('x{}y{z}')).toBe('x{}y{z}'); // an empty first tag: the whole key is hashed
    expect(hashTagOf('x{y')).toBe('x{y');
    expect(hashTagOf('plain')).toBe('plain');
  });
});

describe('reserveBySlot', () => {
  const counters = [counter('{t:a}:req'), counter('{s:b}:req'), counter('{t:a}:conc'), counter('{s:b}:conc', 2)];
  const groups = slotGroups(counters.map((item) => item.key));

  it('groups counters by tag, in order of first appearance', () => {
    expect(groups).toEqual([[0, 2], [1, 3]]);
  });

  it('gives back the groups already reserved when a later one is refused, naming the refused counter', async () => {
    const given: Array<{ key: string; delta: number }>[] = [];
    const replies: ReserveOutcome[] = [{ ok: true, values: [1, 1] }, { ok: false, failedIndex: 1, current: 9 }];
    const outcome = await reserveBySlot(counters, groups, async () => replies.shift()!, async (back) => void given.push(back));
    expect(outcome).toEqual({ ok: false, failedIndex: 3, current: 9 });
    expect(given).toEqual([[{ key: '{t:a}:req', delta: -1 }, { key: '{t:a}:conc', delta: -1 }]]);
  });

  it('gives back on a failure too, and rethrows it', async () => {
    const given: Array<{ key: string; delta: number }>[] = [];
    let calls = 0;
    const failing = async (): Promise<ReserveOutcome> => {
      if (calls++ === 0) return { ok: true, values: [1, 1] };
      throw new Error('node down');
    };
    await expect(reserveBySlot(counters, groups, failing, async (back) => void given.push(back))).rejects.toThrow('node down');
    expect(given).toHaveLength(1);
  });

  it('puts each group\'s values back in counter order', async () => {
    const replies: ReserveOutcome[] = [{ ok: true, values: [1, 3] }, { ok: true, values: [2, 4] }];
    expect(await reserveBySlot(counters, groups, async () => replies.shift()!, async () => undefined)).toEqual({ ok: true, values: [1, 2, 3, 4] });
  });
});
