/**
 * Without Redis a gateway's quota counters are its own, so a second gateway on the same SQLite file
 * would multiply every limit: it refuses to start and says why. A gateway that stopped (or was
 * killed) leaves no obstacle, and with Redis two gateways share the file happily.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawn-gateway.js';
import { deleteKeys, requireRedis, testRedisUrl } from '../quotas/redis-availability.js';

const gateways: SpawnedGateway[] = [];
const prefix = `tollgate-sole-${process.pid}-${Date.now()}:`;
afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.stop('SIGKILL')));
  await deleteKeys(prefix);
});

const yaml = (redis = '') => `
server: { host: 127.0.0.1 }
providers: { demo: { type: mock } }
models: { demo: { provider: demo, model: echo } }
tenants: { acme: { keys: [{ name: main, key: tg_sole_instance_key_0123456789 }], quotas: { costPerDayUsd: "1" } } }
storage: { sqlite: ./tollgate.db }
${redis}`;

async function start(folder: string, name: string, redis = ''): Promise<SpawnedGateway> {
  const gateway = await spawnGateway(join(folder, name), yaml(redis), { TOLLGATE_ADMIN_KEY: '' });
  gateways.push(gateway);
  return gateway;
}

describe('one SQLite file, no Redis', () => {
  it('refuses a second gateway, naming the first and the two ways out', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tollgate-sole-'));
    const first = await start(folder, 'a.yaml');
    expect(existsSync(join(folder, 'tollgate.db.instance'))).toBe(true);
    const refusal = await start(folder, 'b.yaml').then(
      () => 'started',
      (error: Error) => error.message,
    );
    expect(refusal).toContain('exited with 1 before listening');
    expect(refusal).toContain(`another Tollgate (pid ${first.process.pid}`);
    expect(refusal).toContain('Configure `redis`');
    expect(refusal).toContain('--workers N');
    // The first one is untouched.
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);

    expect(await first.stop('SIGTERM')).toBe(0);
    expect(existsSync(join(folder, 'tollgate.db.instance'))).toBe(false);
    const after = await start(folder, 'b.yaml');
    expect((await fetch(`${after.url}/readyz`)).status).toBe(200);
  }, 120_000);

  it('lets a gateway start after the previous one was killed', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tollgate-sole-killed-'));
    const killed = await start(folder, 'a.yaml');
    await killed.stop('SIGKILL');
    expect(existsSync(join(folder, 'tollgate.db.instance'))).toBe(true);
    const next = await start(folder, 'a.yaml');
    expect((await fetch(`${next.url}/readyz`)).status).toBe(200);
  }, 120_000);

  it('lets gateways with Redis share the file', async (context) => {
    if (!(await requireRedis('gateways sharing a file through Redis'))) return context.skip();
    const folder = mkdtempSync(join(tmpdir(), 'tollgate-sole-redis-'));
    const redis = `redis: { url: "${testRedisUrl}", keyPrefix: "${prefix}" }`;
    const [a, b] = [await start(folder, 'a.yaml', redis), await start(folder, 'b.yaml', redis)];
    for (const gateway of [a, b]) expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
    expect(existsSync(join(folder, 'tollgate.db.instance'))).toBe(false);
  }, 120_000);
});
