/**
 * The control plane on PostgreSQL: gateway processes that share one PostgreSQL database — each with
 * a SQLite file of its own, as on separate machines — serve one set of tenants, keys, prices,
 * published prompts and subscriptions, and one audit trail and alert list. A change made through
 * one instance's admin API (or the `tollgate` command pointed at the same configuration) is in
 * force on the others: with Redis they hear of it by notice; without Redis they see the
 * `change_counters` row move at their periodic check. Both ways are run here.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresDatabase, type FreshPostgres } from '../helpers/postgres.js';
import { outputOf, runCli } from '../helpers/run-cli.js';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawn-gateway.js';
import { waitFor } from '../helpers/wait-for.js';
import { deleteKeys, requireRedis, testRedisUrl } from '../quotas/redis-availability.js';
import { gatewayRequests } from '../helpers/gateway-requests.js';

const adminKey = 'tg_control_admin_key_0123456789ab';
const redisRuns = await requireRedis('gateways sharing their control plane in PostgreSQL');

const { send, admin, chat } = gatewayRequests(adminKey);
const chatStatus = async (gateway: SpawnedGateway, key: string) => (await chat(gateway, key)).status;

const shoutPrompt = (owner: string) => ({
  name: 'shout',
  description: 'Says the text louder.',
  owner,
  visibility: 'private',
  model: 'demo',
  input: { type: 'object', properties: { text: { type: 'string', maxLength: 100 } }, required: ['text'], additionalProperties: false },
  messages: [{ role: 'user', content: 'Shout: {{text}}' }],
});

for (const withRedis of [true, false]) {
  const label = withRedis ? 'with Redis notices' : 'without Redis (the change counter poll)';
  describe.runIf(!withRedis || redisRuns)(`three gateways on one PostgreSQL, ${label}`, () => {
    const prefix = `tollgate-control-${process.pid}-${Date.now()}-${withRedis}:`;
    const gateways: SpawnedGateway[] = [];
    let postgres: FreshPostgres;
    let folder: string;
    let configPath: string;

    const yaml = (name: string) => `
server: { host: 127.0.0.1 }
providers: { demo: { type: mock } }
models:
  demo: { provider: demo, model: echo }
  pricey: { provider: demo, model: echo, price: { input: 1000, output: 1000 } }
tenants:
  declared: { keys: [{ name: app, key: tg_declared_key_0123456789abcdef }] }
alerts: { thresholds: [50], spike: false, checkIntervalMs: 300 }
storage: { sqlite: ${join(folder, `${name}.db`)}, postgres: "${postgres.url}", ledgerFlushMs: 20 }
${withRedis ? `redis: { url: "${testRedisUrl}", keyPrefix: "${prefix}" }` : ''}
`;

    beforeAll(async () => {
      postgres = await freshPostgresDatabase();
      folder = mkdtempSync(join(tmpdir(), 'tollgate-control-'));
      configPath = join(folder, 'cli.yaml');
      writeFileSync(configPath, yaml('cli'));
      for (const name of ['a', 'b', 'c']) gateways.push(await spawnGateway(join(folder, `${name}.yaml`), yaml(name), { TOLLGATE_ADMIN_KEY: adminKey }));
    }, 180_000);

    afterAll(async () => {
      await Promise.all(gateways.map((gateway) => gateway.stop('SIGKILL')));
      if (withRedis && redisRuns) await deleteKeys(prefix);
      await postgres?.drop();
      if (folder) rmSync(folder, { recursive: true, force: true });
    });

    it('keeps tenants and keys in PostgreSQL, not in any instance’s SQLite file', async () => {
      const client = new pg.Client({ connectionString: postgres.url });
      await client.connect();
      try {
        const { rows } = await client.query("select id from api_keys where id = 'cfg_declared_app'");
        expect(rows).toHaveLength(1);
      } finally {
        await client.end();
      }
      for (const gateway of gateways) expect(await chatStatus(gateway, 'tg_declared_key_0123456789abcdef')).toBe(200);
    });

    it('a tenant and key created on one instance authenticate on the others; revoked, they are refused there', async () => {
      const [a, b, c] = gateways;
      await admin(a, 'POST', '/tenants', { id: 'acme' });
      const created = await admin(a, 'POST', '/tenants/acme/keys', { name: 'app' });
      for (const gateway of [b, c]) await waitFor(() => chatStatus(gateway, created.key), (status) => status === 200);
      expect((await admin(c, 'GET', '/tenants/acme')).keys.map((key: { id: string }) => key.id)).toEqual([created.id]);

      await admin(b, 'POST', `/keys/${created.id}/revoke`);
      for (const gateway of [a, c]) await waitFor(() => chatStatus(gateway, created.key), (status) => status === 401);
    }, 60_000);

    it('a key created and revoked with the tollgate command is in force on every instance', async () => {
      outputOf(await runCli(['tenants', 'create', 'cli-made', '--config', configPath]));
      const created = outputOf(await runCli(['keys', 'create', '--tenant', 'cli-made', '--name', 'cli', '--config', configPath]));
      for (const gateway of gateways) await waitFor(() => chatStatus(gateway, created.key), (status) => status === 200);
      outputOf(await runCli(['keys', 'revoke', created.id, '--config', configPath]));
      for (const gateway of gateways) await waitFor(() => chatStatus(gateway, created.key), (status) => status === 401);
    }, 60_000);

    it('a price imported with the tollgate command prices the next calls on every instance', async () => {
      const [a] = gateways;
      await admin(a, 'POST', '/tenants', { id: 'priced' });
      const key = (await admin(a, 'POST', '/tenants/priced/keys', { name: 'app' })).key;
      const file = join(folder, 'prices.json');
      writeFileSync(file, JSON.stringify({ demo: { mode: 'chat', input_cost_per_token: 0.001, output_cost_per_token: 0.002 } }));
      outputOf(await runCli(['prices', 'import', file, '--effective-from', '2020-01-01', '--config', configPath]));
      for (const gateway of gateways) {
        const cost = await waitFor(
          async () => (await chat(gateway, key)).headers.get('x-tollgate-cost-usd'),
          (value) => value !== null && Number(value) > 0,
        );
        expect(Number(cost)).toBeGreaterThan(0);
      }
    }, 60_000);

    it('a prompt published on one instance is served by the others, and a subscription approved there is honoured', async () => {
      const [a, b, c] = gateways;
      await admin(a, 'POST', '/tenants', { id: 'owner' });
      await admin(a, 'POST', '/tenants', { id: 'guest' });
      const ownerKey = (await admin(a, 'POST', '/tenants/owner/keys', { name: 'prompts' })).key;
      const guestKey = (await admin(a, 'POST', '/tenants/guest/keys', { name: 'app' })).key;
      await admin(a, 'POST', '/prompts', shoutPrompt('owner'));
      for (const gateway of [b, c]) await waitFor(async () => (await send(gateway, 'POST', '/v1/prompts/shout', ownerKey, { text: 'hi' })).status, (status) => status === 200);

      expect((await send(b, 'POST', '/v1/prompts/shout', guestKey, { text: 'hi' })).status).toBe(403);
      expect((await send(b, 'POST', '/v1/prompts/shout/subscription', guestKey)).status).toBe(202);
      await waitFor(async () => (await send(a, 'GET', '/admin/prompts/shout/subscriptions', adminKey)).json() as Promise<any>, (list) => list.data.length === 1);
      await admin(a, 'POST', '/prompts/shout/subscriptions/guest/approve');
      for (const gateway of [b, c]) await waitFor(async () => (await send(gateway, 'POST', '/v1/prompts/shout', guestKey, { text: 'hi' })).status, (status) => status === 200);
    }, 60_000);

    it('one audit trail and one alert list, whichever instance is asked', async () => {
      const [a, b, c] = gateways;
      await admin(a, 'POST', '/tenants', { id: 'audited' });
      await admin(a, 'PATCH', '/tenants/audited', { quotas: { requestsPerMinute: 1000 } });
      const trail = await admin(b, 'GET', '/audit?action=tenant.update&target=audited');
      expect(trail.data).toHaveLength(1);
      expect(trail.data[0].after.quotas).toEqual({ requestsPerMinute: 1000 });

      // Spend past half of a 1 USD budget (about 0.1 USD a call): the alert job, on one instance, records it for all.
      await admin(b, 'POST', '/tenants', { id: 'spender', quotas: { costPerMonthUsd: '1' } });
      const key = (await admin(b, 'POST', '/tenants/spender/keys', { name: 'app' })).key;
      const content = 'spend '.repeat(66);
      for (let call = 0; call < 7; call++) {
        const response = await waitFor(
          () => send(c, 'POST', '/v1/chat/completions', key, { model: 'pricey', max_tokens: 2, messages: [{ role: 'user', content }] }),
          (answer) => answer.status !== 401,
        );
        expect(response.status).toBe(200);
      }
      for (const gateway of [a, c]) {
        const alerts = await waitFor(() => admin(gateway, 'GET', '/alerts?tenant=spender'), (list) => list.data.length > 0, 30_000);
        expect(alerts.data[0]).toMatchObject({ kind: 'budget_threshold', tenant: 'spender' });
      }
    }, 90_000);

    it('a dashboard session made on one instance is honoured by another', async () => {
      const [a, b] = gateways;
      const signIn = await fetch(`${a.url}/dashboard/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: adminKey }) });
      expect(signIn.status, await signIn.clone().text()).toBeLessThan(300);
      const cookie = signIn.headers.get('set-cookie')!.split(';')[0];
      const tenants = await fetch(`${b.url}/admin/tenants`, { headers: { cookie } });
      expect(tenants.status).toBe(200);
    });
  });
}
