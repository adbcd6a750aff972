/**
 * Redis configured but down: start-up says so with the URL (never its password), and `/readyz`
 * answers 503 with the Redis check down (a load balancer should send traffic elsewhere, since
 * cost quotas fail closed meanwhile); with Redis up, `/readyz` shows the Redis check up. The down case needs no Redis: it points
 * at a port where nothing listens.
 */
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawn-gateway.js';
import { requireRedis, testRedisUrl } from '../quotas/redis-availability.js';

const gateways: SpawnedGateway[] = [];
afterAll(() => Promise.all(gateways.map((gateway) => gateway.stop())));

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const yaml = (redisUrl: string) => `
providers: { demo: { type: mock } }
models: { demo: { provider: demo, model: echo } }
storage: { sqlite: ./tollgate.db }
redis: { url: "${redisUrl}", keyPrefix: "tollgate-health-${process.pid}:" }
`;

describe('Redis health', () => {
  it('warns at start-up with the URL but not the password, and /readyz shows Redis unreachable', async () => {
    const port = await closedPort();
    const folder = mkdtempSync(join(tmpdir(), 'tollgate-redis-down-'));
    const gateway = await spawnGateway(join(folder, 'tollgate.yaml'), yaml(`redis://:very-secret-pass@127.0.0.1:${port}/0`), { TOLLGATE_ADMIN_KEY: '' }, [], { waitForReady: false });
    gateways.push(gateway);
    const findWarning = () => gateway.log().split('\n').find((line) => line.includes('Redis is configured but unreachable'));
    await expect.poll(findWarning, { timeout: 30_000 }).toBeDefined();
    const warning = findWarning();
    expect(JSON.parse(warning!)).toMatchObject({ level: 'warn', url: `redis://127.0.0.1:${port}/0 (credentials hidden)` });
    expect(gateway.log()).not.toContain('very-secret-pass');
    // The listening line comes before start-up has finished warming up: wait until it is no longer starting.
    await expect.poll(async () => ((await (await fetch(`${gateway.url}/readyz`)).json()) as any).status, { timeout: 30_000 }).not.toBe('starting');
    const ready = await fetch(`${gateway.url}/readyz`);
    const body: any = await ready.json();
    expect(ready.status).toBe(503);
    expect(body.status).toBe('not_ready');
    expect(body.checks.redis.status).toBe('down');
    expect(body.checks.database.status).toBe('up');
    expect(JSON.stringify(body)).not.toContain('very-secret-pass');
  }, 60_000);

  it('says "ok" in /readyz when Redis answers', async (context) => {
    if (!(await requireRedis('Redis health in /readyz'))) return context.skip();
    const folder = mkdtempSync(join(tmpdir(), 'tollgate-redis-up-'));
    const gateway = await spawnGateway(join(folder, 'tollgate.yaml'), yaml(testRedisUrl), { TOLLGATE_ADMIN_KEY: '' });
    gateways.push(gateway);
    const ready = await fetch(`${gateway.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as any).checks.redis.status).toBe('up');
    expect(gateway.log()).not.toContain('Redis is configured but unreachable');
  }, 60_000);
});
