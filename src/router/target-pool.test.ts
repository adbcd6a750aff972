import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeadlineError, RouterError } from './router-errors.js';
import { TargetPool } from './target-pool.js';
import type { AttemptContext, PoolOptions, Verdict } from './types.js';

type Reply = { status: number; retryAfterMs?: number };
const statusVerdict = (reply: Reply): Verdict =>
  reply.status < 500 && reply.status !== 429
    ? { ok: true }
    : { ok: false, reason: `status_${reply.status}`, retryable: true, blameTarget: reply.status !== 429, retryAfterMs: reply.retryAfterMs };

function pool(ids: string[], options: Partial<PoolOptions<string>> = {}): TargetPool<string> {
  return new TargetPool({
    name: 'svc',
    targets: ids.map((id) => ({ id, value: id })),
    balance: { kind: 'round-robin' },
    retries: { attempts: 2, baseBackoffMs: 1, maxBackoffMs: 2 },
    ...options,
  });
}

describe('TargetPool.run', () => {
  it('retries a failed attempt on another target and reports who served and how many attempts', async () => {
    const subject = pool(['a', 'b']);
    const seen: string[] = [];
    const result = await subject.run({ retryable: true, judge: statusVerdict }, async (ctx) => {
      seen.push(ctx.target.id);
      return { status: ctx.target.id === 'a' ? 503 : 200 };
    });
    result.finish();
    expect(seen).toEqual(['a', 'b']);
    expect(result.target.id).toBe('b');
    expect(result.attempts).toBe(2);
    expect(subject.snapshot().map((target) => target.inflight)).toEqual([0, 0]);
  });

  it('does not retry a request that is not retryable, and returns the failed value with its verdict', async () => {
    const subject = pool(['a', 'b']);
    let calls = 0;
    const result = await subject.run({ retryable: false, judge: statusVerdict }, async () => {
      calls++;
      return { status: 502 };
    });
    result.finish();
    expect(calls).toBe(1);
    expect(result.verdict.ok).toBe(false);
    expect(result.value.status).toBe(502);
  });

  it('throws RouterError(failed) with the last error as cause when every attempt threw', async () => {
    const subject = pool(['a', 'b', 'c']);
    const seen: string[] = [];
    const error = await subject
      .run({ retryable: true }, async (ctx) => {
        seen.push(ctx.target.id);
        throw new Error(`refused by ${ctx.target.id}`);
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RouterError);
    expect((error as RouterError).code).toBe('failed');
    expect((error as RouterError).attempts).toBe(3);
    expect([...seen].sort()).toEqual(['a', 'b', 'c']);
    expect(((error as RouterError).cause as Error).message).toBe(`refused by ${seen[2]}`);
  });

  it('turns a missed first byte into a timeout, retries it, and says timeout when all time out', async () => {
    const subject = pool(['a', 'b'], { timeouts: { firstByteMs: 20 }, retries: { attempts: 1, baseBackoffMs: 1 } });
    const error = await subject
      .run({ retryable: true }, (ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))))
      .then(() => { throw new Error('expected a RouterError'); }, (caught: unknown) => caught as RouterError);
    expect(error.code).toBe('timeout');
    expect(error.attempts).toBe(2);
    expect(error.cause).toBeInstanceOf(DeadlineError);
  });

  it('aborts a streaming answer that goes idle, after it was served', async () => {
    const subject = pool(['a'], { timeouts: { idleMs: 20 } });
    const result = await subject.run({ retryable: false }, async (ctx) => {
      ctx.firstByte();
      return 'headers';
    });
    await new Promise((resolve) => result.signal.addEventListener('abort', resolve));
    expect((result.signal.reason as DeadlineError).phase).toBe('idle');
    result.finish({ reason: 'upstream_timeout', blameTarget: true });
    expect(subject.snapshot()[0]!.failures).toBe(1);
  });

  it('answers no_target when every target is out, and a caller abort stops retrying', async () => {
    const subject = pool(['a'], { outlier: { consecutiveFailures: 1, baseEjectionMs: 60_000, maxEjectedRatio: 1 } });
    await subject.run({ retryable: false }, async () => Promise.reject(new Error('down'))).catch(() => undefined);
    const error = await subject.run({ retryable: true }, async () => 'never').then(() => { throw new Error('expected a RouterError'); }, (caught: unknown) => caught as RouterError);
    expect(error.code).toBe('no_target');

    const controller = new AbortController();
    const other = pool(['x', 'y'], { retries: { attempts: 5, baseBackoffMs: 50, maxBackoffMs: 50 } });
    let calls = 0;
    const aborted = other
      .run({ retryable: true, signal: controller.signal }, async () => {
        calls++;
        throw new Error('down');
      })
      .then(() => { throw new Error('expected a RouterError'); }, (caught: unknown) => caught as RouterError);
    controller.abort();
    expect((await aborted).code).toBe('aborted');
    expect(calls).toBe(1);
  });

  it('does not wait for a Retry-After beyond the limit, and waits for a short one', async () => {
    const subject = pool(['a', 'b'], { retries: { attempts: 1, maxRetryAfterMs: 1000 } });
    const long = await subject.run({ retryable: true, judge: statusVerdict }, async () => ({ status: 429, retryAfterMs: 5000 }));
    long.finish();
    expect(long.attempts).toBe(1);
    const startedAt = performance.now();
    const short = await subject.run({ retryable: true, judge: statusVerdict }, async (ctx) => ({
      status: ctx.attempt === 1 ? 429 : 200,
      retryAfterMs: 40,
    }));
    short.finish();
    expect(short.attempts).toBe(2);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(39);
  });

  it('keeps a request in flight until finish, and least-inflight steers around it', async () => {
    const subject = pool(['a', 'b'], { balance: { kind: 'least-inflight' } });
    const held = await subject.run({ retryable: false }, async () => 'held');
    const next = await subject.run({ retryable: false }, async (ctx) => ctx.target.id);
    expect(next.value).not.toBe(held.target.id);
    expect(subject.snapshot().reduce((sum, target) => sum + target.inflight, 0)).toBe(2);
    held.finish();
    next.finish();
    held.finish();
    expect(subject.snapshot().map((target) => target.inflight)).toEqual([0, 0]);
  });

  it('opens a failing target’s breaker and stops sending it requests until it half-opens', async () => {
    let now = 0;
    const subject = pool(['bad', 'good'], {
      clock: () => now,
      retries: { attempts: 0 },
      breaker: { minRequests: 4, failureRatio: 0.5, openMs: 1000, trialRequests: 1, windowMs: 10_000 },
      outlier: { consecutiveFailures: 1000, baseEjectionMs: 1, maxEjectedRatio: 0.5 },
    });
    const sent: string[] = [];
    const send = async () => {
      const result = await subject.run({ retryable: false, judge: statusVerdict }, async (ctx) => {
        sent.push(ctx.target.id);
        return { status: ctx.target.id === 'bad' ? 500 : 200 };
      });
      result.finish();
    };
    for (let index = 0; index < 8; index++) await send();
    expect(subject.snapshot()[0]!.breaker).toBe('open');
    sent.length = 0;
    for (let index = 0; index < 6; index++) await send();
    expect(sent.every((id) => id === 'good')).toBe(true);
    now = 1000;
    expect(subject.snapshot()[0]!.breaker).toBe('half_open');
  });

  it('a flapping pool never sends more than (1 + ratio) × requests + the floor, whatever the failures', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 1, maxLength: 60 }), async (failures) => {
        const subject = pool(['a', 'b'], {
          retries: { attempts: 3, baseBackoffMs: 0, maxBackoffMs: 0 },
          retryBudget: { ratio: 0.2, windowMs: 60_000, minPerWindow: 2 },
          outlier: { consecutiveFailures: 1000, baseEjectionMs: 1, maxEjectedRatio: 0 },
          breaker: { minRequests: 1_000_000 },
        });
        let received = 0;
        for (const fails of failures) {
          const result = await subject
            .run({ retryable: true, judge: statusVerdict }, async () => {
              received++;
              return { status: fails || received % 3 === 0 ? 503 : 200 };
            })
            .catch(() => undefined);
          result?.finish();
        }
        expect(received).toBeLessThanOrEqual(Math.floor(failures.length * 1.2) + 2);
      }),
      { numRuns: 50 },
    );
  });

  it('takes a target out after failed probes and puts it back after good ones', async () => {
    let healthy = false;
    const changes: string[] = [];
    const subject = pool(['a', 'b'], {
      healthCheck: { intervalMs: 10, unhealthyAfter: 2, healthyAfter: 2, probe: async (target) => target.id === 'b' || healthy },
      events: { healthChanged: (event) => changes.push(`${event.target}:${event.healthy}`) },
    });
    try {
      await waitFor(() => changes.includes('a:false'));
      for (let index = 0; index < 5; index++) {
        const result = await subject.run({ retryable: false }, async (ctx: AttemptContext<string>) => ctx.target.id);
        result.finish();
        expect(result.value).toBe('b');
      }
      healthy = true;
      await waitFor(() => changes.includes('a:true'));
      expect(subject.snapshot()[0]!.healthy).toBe(true);
    } finally {
      subject.close();
    }
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
