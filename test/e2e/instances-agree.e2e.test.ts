/**
 * Three gateway processes sharing one configuration, one database and one Redis behave as one:
 * a key revoked, a tenant's quota changed or a prompt published through one of them is in force on
 * the others for the next request, each of the others having received the change notice over Redis
 * pub/sub (and a key revoked with the `tollgate` command reaches all three the same way); and the once-per-cluster jobs (alert checks, retention) run on exactly one of them, move
 * to another when that one dies, and carry a larger fencing token each time they move.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawn-gateway.js';
import { waitFor } from '../helpers/wait-for.js';
import { deleteKeys, requireRedis, testRedisUrl } from '../quotas/redis-availability.js';
import { gatewayRequests } from '../helpers/gateway-requests.js';

const adminKey = 'tg_agree_admin_key_0123456789ab';
const prefix = `tollgate-agree-${process.pid}-${Date.now()}:`;
const redisRuns = await requireRedis('three gateways agreeing through Redis');
const gateways: SpawnedGateway[] = [];
let configPath: string;

const yaml = (dataDir: string) => `
server: { host: 127.0.0.1 }
providers: { demo: { type: mock } }
models: { demo: { provider: demo, model: echo } }
storage: { sqlite: ${join(dataDir, 'tollgate.db')}, ledgerFlushMs: 20, retentionDays: 30 }
redis: { url: "${testRedisUrl}", keyPrefix: "${prefix}", jobLeaseMs: 4000 }
`;

beforeAll(async () => {
  if (!redisRuns) return;
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-agree-'));
  configPath = join(dataDir, 'a.yaml');
  for (const name of ['a', 'b', 'c']) gateways.push(await spawnGateway(join(dataDir, `${name}.yaml`), yaml(dataDir), { TOLLGATE_ADMIN_KEY: adminKey }));
}, 180_000);

afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.stop('SIGKILL')));
  if (redisRuns) await deleteKeys(prefix);
});

const { send, admin, chat } = gatewayRequests(adminKey);

interface LogLine {
  message: string;
  [field: string]: unknown;
}
const logLines = (gateway: SpawnedGateway): LogLine[] =>
  gateway
    .log()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
const noticesOf = (gateway: SpawnedGateway, kind: string) => logLines(gateway).filter((line) => line.message === 'change notice received' && line.kind === kind).length;

describe.runIf(redisRuns)('three gateways, one Redis', () => {
  it('a key revoked on one is refused by the others at once, and they heard of it over Redis', async () => {
    const [a, b, c] = gateways;
    await admin(a, 'POST', '/tenants', { id: 'acme' });
    const created = await admin(a, 'POST', '/tenants/acme/keys', { name: 'app' });
    for (const gateway of gateways) expect((await chat(gateway, created.key)).status).toBe(200);
    const heardBefore = [b, c].map((gateway) => noticesOf(gateway, 'keys'));

    await admin(a, 'POST', `/keys/${created.id}/revoke`);
    for (const gateway of [b, c]) expect((await chat(gateway, created.key)).status).toBe(401);
    await waitFor(() => [b, c].map((gateway) => noticesOf(gateway, 'keys')), (heard) => heard.every((count, index) => count > heardBefore[index]));
    // A gateway ignores its own notices: it changed its memory already.
    expect(noticesOf(a, 'keys')).toBe(0);
  }, 60_000);

  it('a tenant quota lowered on one is enforced by the others', async () => {
    const [a, b, c] = gateways;
    await admin(b, 'POST', '/tenants', { id: 'capped' });
    const created = await admin(b, 'POST', '/tenants/capped/keys', { name: 'app' });
    expect((await chat(c, created.key)).status).toBe(200);
    await admin(b, 'PATCH', '/tenants/capped', { quotas: { requestsPerMinute: 1 } });
    // The minute's one request, counted in Redis: the next one, on any gateway, is refused.
    expect((await chat(c, created.key)).status).toBe(200);
    const refused = await chat(a, created.key);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as any).error.code).toBe('rate_limit_exceeded');
  }, 60_000);

  it('a prompt published on one is served by the others once they hear of it', async () => {
    const [a, b, c] = gateways;
    const heardBefore = [a, b].map((gateway) => noticesOf(gateway, 'prompts'));
    const key = (await admin(a, 'POST', '/tenants/acme/keys', { name: 'prompts' })).key;
    await admin(c, 'POST', '/prompts', {
      name: 'shout',
      description: 'Says the text louder.',
      owner: 'acme',
      model: 'demo',
      input: { type: 'object', properties: { text: { type: 'string', maxLength: 100 } }, required: ['text'], additionalProperties: false },
      messages: [{ role: 'user', content: 'Shout: {{text}}' }],
    });
    await waitFor(() => [a, b].map((gateway) => noticesOf(gateway, 'prompts')), (heard) => heard.every((count, index) => count > heardBefore[index]));
    for (const gateway of [a, b]) expect((await send(gateway, 'POST', '/v1/prompts/shout', key, { text: 'hi' })).status).toBe(200);
  }, 60_000);

  it('a key revoked with the tollgate command is refused everywhere, each gateway having heard of it over Redis', async () => {
    const created = await admin(gateways[0], 'POST', '/tenants/acme/keys', { name: 'cli' });
    const heardBefore = gateways.map((gateway) => noticesOf(gateway, 'keys'));
    const revoked = await runCli(['keys', 'revoke', created.id, '--config', configPath]);
    expect(revoked.code, revoked.stderr).toBe(0);
    for (const gateway of gateways) expect((await chat(gateway, created.key)).status).toBe(401);
    await waitFor(() => gateways.map((gateway) => noticesOf(gateway, 'keys')), (heard) => heard.every((count, index) => count > heardBefore[index]));
  }, 60_000);

  it('runs each once-per-cluster job on exactly one gateway, and moves it when that gateway dies', async () => {
    const started = (gateway: SpawnedGateway, job: string) =>
      logLines(gateway).filter((line) => line.message === 'cluster job started on this instance' && line.job === job);
    const stopped = (gateway: SpawnedGateway, job: string) =>
      logLines(gateway).filter((line) => line.message === 'cluster job stopped on this instance' && line.job === job);
    const holders = (job: string, among = gateways) => among.filter((gateway) => started(gateway, job).length > stopped(gateway, job).length);

    for (const job of ['alerts', 'retention']) {
      await waitFor(() => holders(job).length, (count) => count === 1);
      const tokens = gateways.flatMap((gateway) => started(gateway, job).map((line) => line.token as number));
      expect(new Set(tokens).size).toBe(tokens.length);
    }

    const holder = holders('alerts')[0];
    const oldToken = Math.max(...started(holder, 'alerts').map((line) => line.token as number));
    await holder.stop('SIGKILL');
    const survivors = gateways.filter((gateway) => gateway !== holder);
    const [next] = await waitFor(() => holders('alerts', survivors), (found) => found.length === 1, 30_000);
    expect(Math.max(...started(next, 'alerts').map((line) => line.token as number))).toBeGreaterThan(oldToken);

    // A gateway that shuts down releases its leases: another takes the job over.
    const [retentionHolder] = await waitFor(() => holders('retention', survivors), (found) => found.length === 1, 30_000);
    expect(await retentionHolder.stop('SIGTERM')).toBe(0);
    const last = survivors.filter((gateway) => gateway !== retentionHolder);
    await waitFor(() => holders('retention', last).length, (count) => count === 1, 30_000);
  }, 120_000);
});
