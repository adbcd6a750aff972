/**
 * @module test/quotas/backend-contract-suite
 * The `QuotaBackend` contract, run once per backend (as drizzle runs one suite per driver):
 * all-or-nothing reserve, TTL set at creation only, expiry, adjust that never recreates a key,
 * clamping at zero, `countAlso`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { QuotaBackend, QuotaCounter } from '../../src/quotas/types.js';
import { sleep, uniqueId, type BackendHarness } from './helpers.js';

export function describeBackendContract(name: string, harness: BackendHarness): void {
  describe(`${name} backend contract`, () => {
    const opened: QuotaBackend[] = [];
    const open = () => {
      const backend = harness.create();
      opened.push(backend);
      return backend;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((backend) => backend.close()));
    });

    const counter = (key: string, limit: number | null, amount: number, ttlMs = 60_000): QuotaCounter => ({ key, limit, amount, ttlMs });

    it('increments every counter and returns the new values', async () => {
      const backend = open();
      const [a, b] = [uniqueId('a'), uniqueId('b')];
      expect(await backend.reserve([counter(a, 10, 3), counter(b, null, 7)])).toEqual({ ok: true, values: [3, 7] });
      expect(await backend.reserve([counter(a, 10, 3), counter(b, null, 7)])).toEqual({ ok: true, values: [6, 14] });
      expect(await backend.read([a, b, uniqueId('missing')])).toEqual([6, 14, null]);
    });

    it('is all-or-nothing: one overflowing counter leaves every counter untouched', async () => {
      const backend = open();
      const [a, b, c] = [uniqueId('a'), uniqueId('b'), uniqueId('c')];
      await backend.reserve([counter(b, 10, 4)]);
      const outcome = await backend.reserve([counter(a, 100, 5), counter(b, 10, 7), counter(c, 1, 2)]);
      expect(outcome).toEqual({ ok: false, failedIndex: 1, current: 4, values: [0, 4, 0] });
      expect(await backend.read([a, b, c])).toEqual([null, 4, null]);
    });

    it('allows reaching the limit exactly, and refuses one more', async () => {
      const backend = open();
      const key = uniqueId('exact');
      expect((await backend.reserve([counter(key, 10, 10)])).ok).toBe(true);
      expect(await backend.reserve([counter(key, 10, 1)])).toMatchObject({ ok: false, failedIndex: 0, current: 10 });
      expect((await backend.reserve([counter(key, 10, 0)])).ok).toBe(true);
    });

    it('expires a counter ttlMs after creation; later increments do not extend it', async () => {
      const backend = open();
      const key = uniqueId('ttl');
      await backend.reserve([counter(key, null, 1, 250)]);
      await sleep(100);
      await backend.reserve([counter(key, null, 1, 60_000)]);
      expect(await backend.read([key])).toEqual([2]);
      await sleep(250);
      expect(await backend.read([key])).toEqual([null]);
      expect(await backend.reserve([counter(key, 5, 1)])).toEqual({ ok: true, values: [1] });
    });

    it('adjusts counters that exist, and never recreates an expired one', async () => {
      const backend = open();
      const [live, expired, never] = [uniqueId('live'), uniqueId('expired'), uniqueId('never')];
      await backend.reserve([counter(live, null, 10), counter(expired, null, 10, 50)]);
      await sleep(120);
      await backend.adjust([
        { key: live, delta: -4 },
        { key: expired, delta: -4 },
        { key: never, delta: 3 },
      ]);
      expect(await backend.read([live, expired, never])).toEqual([6, null, null]);
    });

    it('clamps an adjustment below zero to zero', async () => {
      const backend = open();
      const key = uniqueId('clamp');
      await backend.reserve([counter(key, null, 2)]);
      await backend.adjust([{ key, delta: -5 }]);
      expect(await backend.read([key])).toEqual([0]);
    });

    it('adds countAlso keys to the checked total without incrementing them', async () => {
      const backend = open();
      const [previous, current] = [uniqueId('previous'), uniqueId('current')];
      await backend.reserve([counter(previous, null, 2)]);
      const slot = (): QuotaCounter => ({ ...counter(current, 3, 1), countAlso: [previous] });
      expect(await backend.reserve([slot()])).toEqual({ ok: true, values: [3] });
      expect(await backend.reserve([slot()])).toMatchObject({ ok: false, current: 3 });
      await backend.adjust([{ key: previous, delta: -1 }]);
      expect(await backend.reserve([slot()])).toEqual({ ok: true, values: [3] });
      expect(await backend.read([previous, current])).toEqual([1, 2]);
    });

    it('answers an empty reservation without touching anything', async () => {
      const backend = open();
      expect(await backend.reserve([])).toEqual({ ok: true, values: [] });
      await backend.adjust([]);
      expect(await backend.read([])).toEqual([]);
    });
  });
}
