/**
 * Without Redis a gateway's quota counters are its own, so a second gateway on the same SQLite file
 * multiplies every limit. Both say so, loudly (an error at the second one's start-up, and on the
 * first within its next check), naming each other and the fix. A gateway that was killed causes no
 * alarm, and gateways sharing Redis cause none.
 */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawn-gateway.js';
import { waitFor } from '../helpers/wait-for.js';
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

const alarms = (gateway: SpawnedGateway) =>
  gateway
    .log()
    .split('\n')
    .filter((line) => line.includes('QUOTAS ARE NOT SHARED'))
    .map((line) => JSON.parse(line) as { level: string; message: string; others: string[] });

describe('one SQLite file, no Redis', () => {
  it('makes both gateways say, as errors, that quotas are not shared', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tollgate-sole-'));
    const first = await start(folder, 'a.yaml');
    expect(alarms(first)).toEqual([]);
    const second = await start(folder, 'b.yaml');
    const [atStart] = alarms(second);
    expect(atStart).toMatchObject({ level: 'error', others: [expect.stringContaining(`pid ${first.process.pid} on `)] });
    expect(atStart.message).toContain('Configure `redis`');
    expect(atStart.message).toContain('--workers N');
    const [onFirst] = await waitFor(() => alarms(first), (found) => found.length > 0, 30_000);
    expect(onFirst.others).toEqual([expect.stringContaining(`pid ${second.process.pid} on `)]);

    // A gateway that stops takes its registration with it.
    expect(await second.stop('SIGTERM')).toBe(0);
    expect(readdirSync(join(folder, 'tollgate.db.instances'))).toEqual([`${encodeURIComponent(hostname())}.${first.process.pid}`]);
  }, 120_000);

  it('raises no alarm for a gateway that was killed', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tollgate-sole-killed-'));
    const killed = await start(folder, 'a.yaml');
    await killed.stop('SIGKILL');
    const next = await start(folder, 'a.yaml');
    expect(alarms(next)).toEqual([]);
  }, 120_000);

  it('raises none for gateways that share Redis', async (context) => {
    if (!(await requireRedis('gateways sharing a file through Redis'))) return context.skip();
    const folder = mkdtempSync(join(tmpdir(), 'tollgate-sole-redis-'));
    const redis = `redis: { url: "${testRedisUrl}", keyPrefix: "${prefix}" }`;
    const [a, b] = [await start(folder, 'a.yaml', redis), await start(folder, 'b.yaml', redis)];
    expect([...alarms(a), ...alarms(b)]).toEqual([]);
    expect(existsSync(join(folder, 'tollgate.db.instances'))).toBe(false);
  }, 120_000);
});
