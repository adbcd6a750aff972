/**
 * @module test/quotas/redis-command-timeout.test
 * `redis.commandTimeoutMs` against a real Redis that stalls with connections open (the process
 * stopped with SIGSTOP, as a host under heavy load or a long fork would stall it): a reservation
 * whose answer does not come within the timeout fails by the policy — money closed (503), rate
 * limits open (served, unmetered) — and the connection serves again once Redis resumes; with a
 * generous timeout, the same stall delays the reservation but admits it, so a slow Redis is not
 * taken for an outage. Runs a private redis-server on a free port (never the shared one).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisQuotaBackend } from '../../src/quotas/redis-backend.js';
import { makeSubject, rejection, serviceOn, sleep } from './helpers.js';
import { freePort } from '../helpers/free-port.js';

const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedisServer && process.env.TOLLGATE_SKIP_REDIS !== '1') {
  throw new Error('redis-command-timeout: `redis-server` is not on PATH; install it or set TOLLGATE_SKIP_REDIS=1 to skip on purpose.');
}

let redis: ChildProcess | undefined;
let url = '';

beforeAll(async () => {
  if (!hasRedisServer) return;
  const port = await freePort();
  redis = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let attempt = 0; attempt < 50; attempt += 1) {
    if (spawnSync('redis-cli', ['-p', String(port), 'ping']).stdout?.toString().trim() === 'PONG') break;
    await sleep(100);
  }
  url = `redis://127.0.0.1:${port}`;
});

afterAll(() => {
  redis?.kill('SIGCONT');
  redis?.kill('SIGKILL');
});

/** Runs `work` while Redis is stopped, resuming it afterwards (or after `resumeAfterMs`). */
async function whileStalled<T>(work: () => Promise<T>, resumeAfterMs?: number): Promise<T> {
  redis!.kill('SIGSTOP');
  const resume = resumeAfterMs === undefined ? undefined : sleep(resumeAfterMs).then(() => redis!.kill('SIGCONT'));
  try {
    return await work();
  } finally {
    await resume;
    redis!.kill('SIGCONT');
  }
}

const moneySubject = () => makeSubject({ tenant: { costPerDayNanoUsd: 1_000_000 } });
const rateSubject = () => makeSubject({ key: { requestsPerMinute: 100 } });
const demand = { tokens: 10, costNanoUsd: 100 };

describe.runIf(hasRedisServer)('redis.commandTimeoutMs on a Redis that stalls', () => {
  it('past a short timeout: money fails closed, rate limits fail open, and the connection serves again after', async () => {
    const backend = new RedisQuotaBackend({ url, keyPrefix: 'stall-short:', commandTimeoutMs: 200 });
    const quotas = serviceOn(backend);
    const money = moneySubject();
    const rate = rateSubject();
    await (await quotas.reserve(money, demand)).release(); // connected and scripts loaded before the stall

    const [moneyOutcome, rateReservation] = await whileStalled(() => Promise.all([rejection(quotas.reserve(money, demand)), quotas.reserve(rate, demand)]));
    expect(moneyOutcome).toMatchObject({ status: 503, code: 'quota_backend_unavailable' });
    expect(rateReservation.headers).toEqual({}); // served unmetered: no counter answered
    await rateReservation.release();

    let served = false;
    for (let attempt = 0; attempt < 50 && !served; attempt += 1) {
      served = await quotas.reserve(money, demand).then(
        async (reservation) => (await reservation.release(), true),
        () => false,
      );
      if (!served) await sleep(100);
    }
    expect(served).toBe(true);
    await backend.close();
  });

  it('within a generous timeout: the same stall delays the reservation and admits it', async () => {
    const backend = new RedisQuotaBackend({ url, keyPrefix: 'stall-generous:', commandTimeoutMs: 30_000 });
    const quotas = serviceOn(backend);
    const money = makeSubject({ tenant: { costPerDayNanoUsd: 1_000_000, requestsPerMinute: 100 } });
    await (await quotas.reserve(money, demand)).release();

    // Money fails closed: a reservation that timed out would reject rather than resolve.
    const reservation = await whileStalled(() => quotas.reserve(money, demand), 700);
    expect(reservation.headers).not.toEqual({}); // metered: the counters answered
    await reservation.settle(demand);
    await backend.close();
  });
});
