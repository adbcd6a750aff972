/**
 * @module test/quotas/redis-recovery.test
 * Redis going away mid-life and coming back: the backend fails fast while it is gone and recovers
 * on its own, with no restart of the gateway. Runs a private redis-server on a free port (never
 * the shared one); fails when `redis-server` is missing unless TOLLGATE_SKIP_REDIS=1.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisQuotaBackend } from '../../src/quotas/redis-backend.js';
import { makeSubject, rejection, serviceOn, sleep } from './helpers.js';
import { freePort } from '../helpers/free-port.js';

const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedisServer) {
  if (process.env.TOLLGATE_SKIP_REDIS !== '1') throw new Error('redis-recovery: `redis-server` is not on PATH; install it or set TOLLGATE_SKIP_REDIS=1 to skip on purpose.');
  console.warn('\n[WARNING] redis-recovery: SKIPPED — no redis-server on PATH and TOLLGATE_SKIP_REDIS=1 is set.\n');
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let attempt = 0; attempt < 50; attempt += 1) {
    if (spawnSync('redis-cli', ['-p', String(port), 'ping']).stdout?.toString().trim() === 'PONG') return child;
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`private redis-server on port ${port} did not start`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

describe.runIf(hasRedisServer)('Redis going away and coming back', () => {
  const children: ChildProcess[] = [];
  afterAll(async () => {
    await Promise.all(children.map(stop));
  });

  it('fails fast while Redis is down and recovers by itself', async () => {
    const port = await freePort();
    children.push(await startRedis(port));
    const backend = new RedisQuotaBackend({ url: `redis://127.0.0.1:${port}`, keyPrefix: 'recovery:' });
    const quotas = serviceOn(backend);
    const subject = makeSubject({ tenant: { costPerDayNanoUsd: 1_000 } });
    const demand = { tokens: 0, costNanoUsd: 100 };
    await (await quotas.reserve(subject, demand)).settle(demand);

    await stop(children[0]);
    await sleep(100);
    const started = performance.now();
    const error = await rejection(quotas.reserve(subject, demand));
    expect(error.status).toBe(503);
    expect(performance.now() - started).toBeLessThan(1_000);

    children.push(await startRedis(port));
    let recovered = false;
    for (let attempt = 0; attempt < 40 && !recovered; attempt += 1) {
      recovered = await quotas.reserve(subject, demand).then(
        () => true,
        () => false,
      );
      if (!recovered) await sleep(100);
    }
    expect(recovered).toBe(true);
    await backend.close();
  });
});
