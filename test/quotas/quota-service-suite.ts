/**
 * @module test/quotas/quota-service-suite
 * `QuotaService` behaviour, run once per backend: headers, 429s with Retry-After, settle/release,
 * windows rolling over (minute, DST days, months in a zone), concurrency slots, and the race of
 * 200 concurrent reservations against a money budget.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { counterKey } from '../../src/quotas/counter-plan.js';
import type { QuotaBackend, QuotaSubject } from '../../src/quotas/types.js';
import { dayWindow, minuteWindow } from '../../src/quotas/windows.js';
import { at, makeSubject, rejection, serviceOn, type BackendHarness } from './helpers.js';

/** 30 s into a UTC minute, 13 h 59 min 30 s before UTC midnight. */
const t0 = at('2026-11-26T10:00:30Z');
const noCost = { tokens: 0, costNanoUsd: 0 };

export function describeQuotaService(name: string, harness: BackendHarness): void {
  describe(`QuotaService on the ${name} backend`, () => {
    const opened: QuotaBackend[] = [];
    const open = () => {
      const backend = harness.create();
      opened.push(backend);
      return backend;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((backend) => backend.close()));
    });

    describe('headers', () => {
      it('reports the tightest request and token windows of tenant and key', async () => {
        const quotas = serviceOn(open());
        const subject = makeSubject({ tenant: { requestsPerMinute: 10, tokensPerMinute: 1000 }, key: { requestsPerMinute: 5 } });
        const reservation = await quotas.reserve(subject, { tokens: 100, costNanoUsd: 0 }, t0);
        expect(reservation.headers).toEqual({
          'x-ratelimit-limit-requests': '5',
          'x-ratelimit-remaining-requests': '4',
          'x-ratelimit-reset-requests': '30s',
          'x-ratelimit-limit-tokens': '1000',
          'x-ratelimit-remaining-tokens': '900',
          'x-ratelimit-reset-tokens': '30s',
        });
      });

      it('picks the tenant window when other keys have used it up', async () => {
        const quotas = serviceOn(open());
        const first = makeSubject({ tenant: { requestsPerMinute: 3 }, key: { requestsPerMinute: 10 } });
        const second: QuotaSubject = { ...first, keyId: `${first.keyId}-2` };
        await quotas.reserve(first, noCost, t0);
        await quotas.reserve(first, noCost, t0);
        const reservation = await quotas.reserve(second, noCost, t0 + 29_650);
        expect(reservation.headers).toMatchObject({
          'x-ratelimit-limit-requests': '3',
          'x-ratelimit-remaining-requests': '0',
          'x-ratelimit-reset-requests': '350ms',
        });
      });

      it('omits a trio when neither tenant nor key has that limit', async () => {
        const quotas = serviceOn(open());
        const tokensOnly = await quotas.reserve(makeSubject({ key: { tokensPerMinute: 50 } }), { tokens: 5, costNanoUsd: 0 }, t0);
        expect(Object.keys(tokensOnly.headers).sort()).toEqual(['x-ratelimit-limit-tokens', 'x-ratelimit-remaining-tokens', 'x-ratelimit-reset-tokens']);
        const moneyOnly = await quotas.reserve(makeSubject({ tenant: { costPerDayNanoUsd: 10 } }), noCost, t0);
        expect(moneyOnly.headers).toEqual({});
        const unlimited = await quotas.reserve(makeSubject(), { tokens: 10, costNanoUsd: 10 }, t0);
        expect(unlimited.headers).toEqual({});
      });
    });

    describe('refusals', () => {
      it('answers 429 rate_limit_exceeded with Retry-After until the minute ends', async () => {
        const quotas = serviceOn(open());
        const subject = makeSubject({ key: { requestsPerMinute: 2 } });
        await quotas.reserve(subject, noCost, t0);
        await quotas.reserve(subject, noCost, t0);
        const error = await rejection(quotas.reserve(subject, noCost, t0 + 1_500));
        expect(error).toMatchObject({ status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded' });
        expect(error.message).toMatch(/this API key allows 2 requests per minute/);
        expect(error.headers).toMatchObject({
          'retry-after': '29',
          'x-ratelimit-limit-requests': '2',
          'x-ratelimit-remaining-requests': '0',
          'x-ratelimit-reset-requests': '29s',
        });
        // The next minute is a new window.
        await expect(quotas.reserve(subject, noCost, t0 + 30_000)).resolves.toBeDefined();
      });

      it('names tokens per minute and what the request needed', async () => {
        const quotas = serviceOn(open());
        const subject = makeSubject({ tenant: { tokensPerMinute: 1000 } });
        await quotas.reserve(subject, { tokens: 900, costNanoUsd: 0 }, t0);
        const error = await rejection(quotas.reserve(subject, { tokens: 101, costNanoUsd: 0 }, t0));
        expect(error.message).toMatch(/tenant "tenant-[^"]+" allows 1000 tokens per minute; 900 are used or reserved .* up to 101/);
        expect(error.headers['x-ratelimit-remaining-tokens']).toBe('100');
      });

      it('answers 429 insufficient_quota for a spent money budget, with Retry-After until local midnight', async () => {
        const quotas = serviceOn(open());
        const subject = makeSubject({ tenant: { costPerDayNanoUsd: 1_000_000 } });
        await quotas.reserve(subject, { tokens: 0, costNanoUsd: 600_000 }, t0);
        const error = await rejection(quotas.reserve(subject, { tokens: 0, costNanoUsd: 600_000 }, t0));
        expect(error).toMatchObject({ status: 429, type: 'insufficient_quota', code: 'insufficient_quota' });
        expect(error.headers['retry-after']).toBe(String(13 * 3600 + 59 * 60 + 30));
        expect(error.message).toMatch(/spending limit of \$0\.001 per day; \$0\.0006 is spent or reserved this day \(2026-11-26, UTC\)/);
        expect(error.message).toMatch(/may cost up to \$0\.0006\. The limit resets in 13h59m30s\./);
      });

      it('reports the longest window first when several overflow', async () => {
        const quotas = serviceOn(open());
        const subject = makeSubject({ tenant: { requestsPerMinute: 1, costPerMonthNanoUsd: 5 } });
        await quotas.reserve(subject, { tokens: 0, costNanoUsd: 5 }, t0);
        const error = await rejection(quotas.reserve(subject, { tokens: 0, costNanoUsd: 1 }, t0));
        expect(error.code).toBe('insufficient_quota');
        expect(error.message).toMatch(/per month/);
      });

      it('is all-or-nothing across tenant and key', async () => {
        const quotas = serviceOn(open());
        const subject = makeSubject({ tenant: { tokensPerMinute: 1000 }, key: { costPerDayNanoUsd: 100 } });
        const error = await rejection(quotas.reserve(subject, { tokens: 500, costNanoUsd: 200 }, t0));
        expect(error.code).toBe('insufficient_quota');
        expect(error.message).toMatch(/this API key has a spending limit/);
        const reservation = await quotas.reserve(subject, { tokens: 1000, costNanoUsd: 0 }, t0);
        expect(reservation.headers['x-ratelimit-remaining-tokens']).toBe('0');
      });
    });

    describe('settle and release', () => {
      it('settle replaces the worst case with the actual figures; the request still counts', async () => {
        const backend = open();
        const quotas = serviceOn(backend);
        const subject = makeSubject({ tenant: { tokensPerMinute: 1000, requestsPerMinute: 10, costPerDayNanoUsd: 10_000 } });
        const reservation = await quotas.reserve(subject, { tokens: 800, costNanoUsd: 9_000 }, t0);
        expect(reservation.headers['x-ratelimit-remaining-tokens']).toBe('200');
        await reservation.settle({ tokens: 300, costNanoUsd: 2_500 });
        const next = await quotas.reserve(subject, noCost, t0);
        expect(next.headers).toMatchObject({ 'x-ratelimit-remaining-tokens': '700', 'x-ratelimit-remaining-requests': '8' });
        const costKey = counterKey(subject.tenantId, undefined, 'cost', dayWindow(t0, 'UTC').id);
        expect(await backend.read([costKey])).toEqual([2_500]);
      });

      it('settle may charge more than was reserved (the overshoot stays on the books)', async () => {
        const backend = open();
        const quotas = serviceOn(backend);
        const subject = makeSubject({ tenant: { costPerDayNanoUsd: 1_000 } });
        const reservation = await quotas.reserve(subject, { tokens: 0, costNanoUsd: 900 }, t0);
        await reservation.settle({ tokens: 0, costNanoUsd: 1_200 });
        const error = await rejection(quotas.reserve(subject, noCost, t0));
        expect(error.code).toBe('insufficient_quota');
      });

      it('release gives back everything, requests included', async () => {
        const quotas = serviceOn(open());
        const subject = makeSubject({ key: { requestsPerMinute: 1, tokensPerMinute: 100 } });
        const reservation = await quotas.reserve(subject, { tokens: 100, costNanoUsd: 0 }, t0);
        await reservation.release();
        const again = await quotas.reserve(subject, { tokens: 100, costNanoUsd: 0 }, t0);
        expect(again.headers).toMatchObject({ 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-remaining-tokens': '0' });
      });

      it('only the first of settle and release acts', async () => {
        const backend = open();
        const quotas = serviceOn(backend);
        const subject = makeSubject({ tenant: { tokensPerMinute: 1000 } });
        const first = await quotas.reserve(subject, { tokens: 100, costNanoUsd: 0 }, t0);
        await quotas.reserve(subject, { tokens: 100, costNanoUsd: 0 }, t0);
        await first.settle({ tokens: 40, costNanoUsd: 0 });
        await first.settle({ tokens: 0, costNanoUsd: 0 });
        await first.release();
        const key = counterKey(subject.tenantId, undefined, 'tok', minuteWindow(t0).id);
        expect(await backend.read([key])).toEqual([140]);
        const second = await quotas.reserve(subject, { tokens: 10, costNanoUsd: 0 }, t0);
        await second.release();
        await second.release();
        await second.settle({ tokens: 10, costNanoUsd: 0 });
        expect(await backend.read([key])).toEqual([140]);
      });

      it('settles on the window the call started in, even after it rolled over', async () => {
        const backend = open();
        const quotas = serviceOn(backend);
        const subject = makeSubject({ tenant: { tokensPerMinute: 1000 } });
        const early = await quotas.reserve(subject, { tokens: 500, costNanoUsd: 0 }, t0);
        await quotas.reserve(subject, { tokens: 500, costNanoUsd: 0 }, t0 + 30_000);
        await early.settle({ tokens: 900, costNanoUsd: 0 });
        const keyOf = (now: number) => counterKey(subject.tenantId, undefined, 'tok', minuteWindow(now).id);
        expect(await backend.read([keyOf(t0), keyOf(t0 + 30_000)])).toEqual([900, 500]);
      });

      it('rejects malformed actual figures but still frees the concurrency slot', async () => {
        const quotas = serviceOn(open());
        const subject = makeSubject({ key: { concurrentRequests: 1 } });
        const reservation = await quotas.reserve(subject, noCost, t0);
        await expect(reservation.settle({ tokens: -1, costNanoUsd: 0 })).rejects.toThrow(RangeError);
        await expect(quotas.reserve(subject, noCost, t0)).resolves.toBeDefined();
      });
    });

    describe('concurrency slots', () => {
      it('holds a slot until settle or release, and answers Retry-After: 1 when full', async () => {
        const quotas = serviceOn(open());
        const subject = makeSubject({ key: { concurrentRequests: 2 } });
        const first = await quotas.reserve(subject, noCost, t0);
        const second = await quotas.reserve(subject, noCost, t0);
        const error = await rejection(quotas.reserve(subject, noCost, t0));
        expect(error).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
        expect(error.headers['retry-after']).toBe('1');
        expect(error.message).toMatch(/allows 2 concurrent requests and 2 are in flight/);
        await first.release();
        const third = await quotas.reserve(subject, noCost, t0);
        await second.settle(noCost);
        await third.settle(noCost);
        await quotas.reserve(subject, noCost, t0);
        await quotas.reserve(subject, noCost, t0);
      });

      it('counts a slot in the next bucket too, then lets a leaked one go', async () => {
        const quotas = serviceOn(open());
        const subject = makeSubject({ tenant: { concurrentRequests: 1 } });
        const leaked = await quotas.reserve(subject, noCost, t0);
        await rejection(quotas.reserve(subject, noCost, t0 + 10 * 60_000));
        const later = await quotas.reserve(subject, noCost, t0 + 20 * 60_000);
        await later.release();
        // Releasing the old slot frees it where it was taken, not in the current bucket.
        const heldAcross = await quotas.reserve(subject, noCost, t0 + 30 * 60_000);
        await leaked.release();
        await rejection(quotas.reserve(subject, noCost, t0 + 30 * 60_000));
        await heldAcross.release();
      });
    });

    describe('calendar windows', () => {
      const dayCases = [
        { zone: 'Europe/Berlin', start: '2026-03-28T23:00:00Z', end: '2026-03-29T22:00:00Z', date: '2026-03-29', hours: 23 },
        { zone: 'Europe/Berlin', start: '2026-10-24T22:00:00Z', end: '2026-10-25T23:00:00Z', date: '2026-10-25', hours: 25 },
        { zone: 'America/New_York', start: '2026-03-08T05:00:00Z', end: '2026-03-09T04:00:00Z', date: '2026-03-08', hours: 23 },
        { zone: 'America/New_York', start: '2026-11-01T04:00:00Z', end: '2026-11-02T05:00:00Z', date: '2026-11-01', hours: 25 },
      ];
      for (const { zone, start, end, date, hours } of dayCases) {
        it(`a ${hours}-hour day in ${zone} (${date}) is one window`, async () => {
          const quotas = serviceOn(open());
          const subject = makeSubject({ tenant: { tokensPerDay: 100 } }, zone);
          await rejection(quotas.reserve(subject, { tokens: 101, costNanoUsd: 0 }, at(start) - 1)).then((error) => {
            expect(error.message).not.toMatch(date);
          });
          await quotas.reserve(subject, { tokens: 100, costNanoUsd: 0 }, at(start));
          const error = await rejection(quotas.reserve(subject, { tokens: 1, costNanoUsd: 0 }, at(start)));
          expect(error.headers['retry-after']).toBe(String(hours * 3600));
          expect(error.message).toContain(`tokens per day; 100 are used or reserved this day (${date}, ${zone})`);
          await rejection(quotas.reserve(subject, { tokens: 1, costNanoUsd: 0 }, at(end) - 1));
          await quotas.reserve(subject, { tokens: 100, costNanoUsd: 0 }, at(end));
        });
      }

      it('a day rolls over at midnight UTC for a UTC tenant', async () => {
        const quotas = serviceOn(open());
        const subject = makeSubject({ key: { costPerDayNanoUsd: 10 } });
        await quotas.reserve(subject, { tokens: 0, costNanoUsd: 10 }, at('2026-11-26T23:59:59.999Z'));
        const error = await rejection(quotas.reserve(subject, { tokens: 0, costNanoUsd: 1 }, at('2026-11-26T23:59:59.999Z')));
        expect(error.headers['retry-after']).toBe('1');
        await quotas.reserve(subject, { tokens: 0, costNanoUsd: 10 }, at('2026-11-27T00:00:00Z'));
      });

      it('a month follows the tenant zone (America/Los_Angeles)', async () => {
        const quotas = serviceOn(open());
        const subject = makeSubject({ tenant: { costPerMonthNanoUsd: 1_000 } }, 'America/Los_Angeles');
        // 05:00Z on 1 December is still 21:00 on 30 November in Los Angeles.
        await quotas.reserve(subject, { tokens: 0, costNanoUsd: 1_000 }, at('2026-12-01T05:00:00Z'));
        const error = await rejection(quotas.reserve(subject, { tokens: 0, costNanoUsd: 1 }, at('2026-12-01T05:00:00Z')));
        expect(error.headers['retry-after']).toBe(String(3 * 3600));
        expect(error.message).toContain('per month; $0.000001 is spent or reserved this month (2026-11, America/Los_Angeles)');
        await rejection(quotas.reserve(subject, { tokens: 0, costNanoUsd: 1 }, at('2026-11-01T07:00:00Z')));
        await quotas.reserve(subject, { tokens: 0, costNanoUsd: 1_000 }, at('2026-11-01T06:59:59.999Z'));
        await quotas.reserve(subject, { tokens: 0, costNanoUsd: 1_000 }, at('2026-12-01T08:00:00Z'));
      });

      it('a month in Europe/Berlin spans the spring-forward day', async () => {
        const quotas = serviceOn(open());
        const subject = makeSubject({ tenant: { costPerMonthNanoUsd: 1 } }, 'Europe/Berlin');
        await quotas.reserve(subject, { tokens: 0, costNanoUsd: 1 }, at('2026-02-28T23:00:00Z'));
        const error = await rejection(quotas.reserve(subject, { tokens: 0, costNanoUsd: 1 }, at('2026-03-31T21:59:59Z')));
        expect(error.headers['retry-after']).toBe('1');
        await quotas.reserve(subject, { tokens: 0, costNanoUsd: 1 }, at('2026-03-31T22:00:00Z'));
      });
    });

    describe('racing reservations', () => {
      const worstCase = 1_234_567;

      async function race(services: Array<ReturnType<typeof serviceOn>>, backend: QuotaBackend) {
        const subject = makeSubject({ tenant: { costPerDayNanoUsd: 50 * worstCase } });
        const attempts = Array.from({ length: 200 }, (_, index) =>
          services[index % services.length].reserve(subject, { tokens: 10, costNanoUsd: worstCase }, t0),
        );
        const results = await Promise.allSettled(attempts);
        const granted = results.filter((result) => result.status === 'fulfilled');
        const refused = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
        expect(granted).toHaveLength(50);
        expect(refused).toHaveLength(150);
        for (const { reason } of refused) expect(reason).toMatchObject({ status: 429, code: 'insufficient_quota' });
        await Promise.all(granted.map((result) => result.value.settle({ tokens: 10, costNanoUsd: worstCase })));
        const [spent] = await backend.read([counterKey(subject.tenantId, undefined, 'cost', dayWindow(t0, 'UTC').id)]);
        expect(spent).toBe(50 * worstCase);
      }

      it('200 concurrent reservations against a budget of 50 worst cases: exactly 50 pass', async () => {
        const backend = open();
        await race([serviceOn(backend)], backend);
      });

      // Only a shared store has a second process to race with; the in-process backend has no such case.
      if (harness.shared) {
        it('the same across two connections, as two gateway processes', async () => {
          const [first, second] = [open(), open()];
          await race([serviceOn(first), serviceOn(second)], first);
        });
      }
    });
  });
}
