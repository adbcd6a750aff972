/**
 * @module test/quotas/memory-backend.test
 * The shared suites on the in-process backend, plus what only it has: the sweep that keeps memory
 * flat as windows roll by.
 */
import { describe, expect, it } from 'vitest';
import { MemoryQuotaBackend } from '../../src/quotas/memory-backend.js';
import { describeBackendContract } from './backend-contract-suite.js';
import { describeQuotaService } from './quota-service-suite.js';
import { sleep } from './helpers.js';

const harness = { create: () => new MemoryQuotaBackend(), shared: false };

describeBackendContract('memory', harness);
describeQuotaService('memory', harness);

describe('memory backend housekeeping', () => {
  it('sweeps expired counters on its timer', async () => {
    const backend = new MemoryQuotaBackend({ sweepIntervalMs: 20 });
    await backend.reserve(Array.from({ length: 1000 }, (_, index) => ({ key: `k${index}`, limit: null, amount: 1, ttlMs: 30 })));
    await backend.reserve([{ key: 'kept', limit: null, amount: 1, ttlMs: 60_000 }]);
    expect(backend.size).toBe(1001);
    await sleep(100);
    expect(backend.size).toBe(1);
    await backend.close();
  });

  it('measures expiry by the injected clock', async () => {
    let now = 1_000;
    const backend = new MemoryQuotaBackend({ clock: () => now });
    await backend.reserve([{ key: 'a', limit: 5, amount: 5, ttlMs: 100 }]);
    now = 1_099;
    expect((await backend.reserve([{ key: 'a', limit: 5, amount: 1, ttlMs: 100 }])).ok).toBe(false);
    now = 1_100;
    expect(await backend.reserve([{ key: 'a', limit: 5, amount: 1, ttlMs: 100 }])).toEqual({ ok: true, values: [1] });
    await backend.close();
  });
});
