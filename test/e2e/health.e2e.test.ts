/**
 * Honest health: `/healthz` answers while the process lives; `/readyz` answers 503 with one entry
 * per dependency while Redis is down, the database does not answer, the ledger backlog is over its
 * limit, or every model's deployments have open breakers — and 200 again when they come back.
 * Redis is a private redis-server on a free port, stopped and restarted under the gateway.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { value, scrape } from '../helpers/prometheus.js';
import { freePort } from '../helpers/free-port.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedisServer && process.env.TOLLGATE_SKIP_REDIS !== '1') throw new Error('health: `redis-server` is not on PATH; install it or set TOLLGATE_SKIP_REDIS=1 to skip on purpose.');

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let attempt = 0; attempt < 100; attempt++) {
    if (spawnSync('redis-cli', ['-p', String(port), 'ping']).stdout?.toString().trim() === 'PONG') return child;
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server on ${port} did not start`);
}

async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

async function readiness(gateway: TestGateway): Promise<{ status: number; body: any }> {
  const response = await fetch(`${gateway.url}/readyz`);
  return { status: response.status, body: await response.json() };
}

/** Polls until `/readyz` answers `status`, for up to `ms`. */
async function until(gateway: TestGateway, status: number, ms = 15_000): Promise<any> {
  const deadline = Date.now() + ms;
  for (;;) {
    const answer = await readiness(gateway);
    if (answer.status === status || Date.now() > deadline) return answer;
    await sleep(100);
  }
}

const models = { demo: { provider: 'demo', model: 'echo' }, other: { provider: 'demo', model: 'lorem' } };
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

describe('/healthz and /readyz', () => {
  it.skipIf(!hasRedisServer)('is not ready while Redis is down, and ready again when it returns', async () => {
    const port = await freePort();
    let redis = await startRedis(port);
    cleanups.push(() => stopRedis(redis));
    const gateway = await startTestGateway({ providers: { demo: { type: 'mock' } }, models, redis: { url: `redis://127.0.0.1:${port}`, keyPrefix: `health-${process.pid}:` } });
    cleanups.push(() => gateway.close());
    const ready = await until(gateway, 200);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', checks: { redis: { status: 'up' }, database: { status: 'up' }, ledger: { status: 'up' }, models: { status: 'up' } } });

    await stopRedis(redis);
    const down = await until(gateway, 503);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: 'not_ready', checks: { redis: { status: 'down' }, database: { status: 'up' } } });
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    expect(value(await scrape(`${gateway.url}/metrics`), 'tollgate_dependency_up', { dependency: 'redis' })).toBe(0);

    redis = await startRedis(port);
    const back = await until(gateway, 200);
    expect(back.body).toMatchObject({ status: 'ready', checks: { redis: { status: 'up' } } });
    expect(value(await scrape(`${gateway.url}/metrics`), 'tollgate_dependency_up', { dependency: 'redis' })).toBe(1);
  }, 60_000);

  it('is not ready while every model has only open breakers, nor while the ledger backlog is over its limit', async () => {
    const gateway = await startTestGateway({
      providers: { demo: { type: 'mock' } },
      models,
      storage: { sqlite: ':memory:', ledgerFlushMs: 600_000, ledgerBatchSize: 10_000 },
      health: { maxLedgerBacklog: 2 },
    });
    cleanups.push(() => gateway.close());
    const { observability } = gateway.services;
    observability.breakerState({ model: 'demo', target: 'demo/echo', state: 'open' });
    expect((await readiness(gateway)).status).toBe(200);
    observability.breakerState({ model: 'other', target: 'demo/lorem', state: 'open' });
    const noModel = await readiness(gateway);
    expect(noModel.status).toBe(503);
    expect(noModel.body.checks.models).toMatchObject({ status: 'down', models_without_deployment: ['demo', 'other'] });
    observability.breakerState({ model: 'other', target: 'demo/lorem', state: 'half_open' });
    expect((await readiness(gateway)).status).toBe(200);

    for (let call = 0; call < 3; call++) await gateway.client.chat.completions.create({ model: 'demo', messages: [{ role: 'user', content: 'hi' }] });
    const backlog = await readiness(gateway);
    expect(backlog.status).toBe(503);
    expect(backlog.body.checks.ledger).toMatchObject({ status: 'down', backlog_rows: 3, limit: 2 });
    (gateway.services.metering.ledger as unknown as { flush(): void }).flush();
    expect((await readiness(gateway)).status).toBe(200);
  });

  it('is not ready when the database does not answer', async () => {
    const gateway = await startTestGateway({ providers: { demo: { type: 'mock' } }, models });
    cleanups.push(() => gateway.close());
    expect((await readiness(gateway)).status).toBe(200);
    gateway.services.database.$client.close();
    const down = await readiness(gateway);
    expect(down.status).toBe(503);
    expect(down.body.checks.database).toMatchObject({ status: 'down' });
    expect(down.body.checks.database.error).toMatch(/not open/);
  });
});
