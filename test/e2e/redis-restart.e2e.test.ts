/**
 * Redis restarted under load, with a gateway process in front of it (a private redis-server on a
 * spare port; never the shared one): while Redis is down, a tenant with a spending limit is refused
 * with 503 quota_backend_unavailable (money fails closed) and a tenant with only a request rate
 * limit is served (rate limits fail open); no request hangs or fails otherwise; the gateway's job
 * lease lapses. When Redis is back, the gateway recovers by itself: reservations succeed again
 * and the job is taken up again, without a restart.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { postJson } from '../helpers/http.js';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawn-gateway.js';
import { waitFor } from '../helpers/wait-for.js';

const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedisServer && process.env.TOLLGATE_SKIP_REDIS !== '1') {
  throw new Error('redis-restart: `redis-server` is not on PATH; install it or set TOLLGATE_SKIP_REDIS=1 to skip on purpose.');
}

const moneyKey = 'tg_restart_money_key_0123456789';
const ratesKey = 'tg_restart_rates_key_0123456789';
let redis: ChildProcess | undefined;
let gateway: SpawnedGateway | undefined;

afterAll(async () => {
  await gateway?.stop('SIGKILL');
  redis?.kill('SIGKILL');
});

async function sparePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await waitFor(() => spawnSync('redis-cli', ['-p', String(port), 'ping']).stdout?.toString().trim(), (answer) => answer === 'PONG');
  return child;
}

async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

const call = (key: string) =>
  postJson(`${gateway!.url}/v1/chat/completions`, { model: 'demo', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }, { authorization: `Bearer ${key}` }).then(
    async (response) => ({ status: response.status, code: ((await response.json()) as any).error?.code as string | undefined }),
  );

describe.runIf(hasRedisServer)('Redis restart under load', () => {
  it('holds the failure policy while Redis is down and recovers by itself', async () => {
    const port = await sparePort();
    redis = await startRedis(port);
    const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-redis-restart-'));
    gateway = await spawnGateway(
      join(dataDir, 'tollgate.yaml'),
      `
server: { host: 127.0.0.1 }
providers: { demo: { type: mock, completionTokens: 3 } }
models: { demo: { provider: demo, model: lorem, price: { input: 1, output: 4 } } }
tenants:
  money: { keys: [{ name: main, key: ${moneyKey} }], quotas: { costPerDayUsd: "100" } }
  rates: { keys: [{ name: main, key: ${ratesKey} }], quotas: { requestsPerMinute: 100000 } }
storage: { sqlite: ./tollgate.db }
redis: { url: "redis://127.0.0.1:${port}", keyPrefix: "restart:", jobLeaseMs: 2000 }
`,
    );
    const jobLog = (message: string) => gateway!.log().split('\n').filter((line) => line.includes(`"message":"${message}"`) && line.includes('"job":"alerts"')).length;
    await waitFor(() => jobLog('cluster job started on this instance'), (count) => count === 1);

    // Load throughout: both tenants, a few calls at a time, every answer recorded.
    const answers: Array<{ phase: string; tenant: string; status: number; code?: string }> = [];
    let phase = 'up';
    let loading = true;
    const load = (async () => {
      while (loading) {
        const startedIn = phase;
        const round = await Promise.all([call(moneyKey), call(ratesKey), call(moneyKey), call(ratesKey)]);
        // A round that straddled a change belongs to no phase.
        const current = phase === startedIn ? phase : 'changing';
        round.forEach((answer, index) => answers.push({ phase: current, tenant: index % 2 === 0 ? 'money' : 'rates', ...answer }));
      }
    })();
    try {
      await waitFor(() => answers.length, (count) => count >= 20);

      phase = 'changing';
      await stopRedis(redis);
      phase = 'down';
      const downSince = answers.length;
      await waitFor(() => answers.slice(downSince).filter((answer) => answer.tenant === 'money').length, (count) => count >= 20);
      await waitFor(() => jobLog('cluster job stopped on this instance'), (count) => count === 1);

      phase = 'changing';
      redis = await startRedis(port);
      phase = 'back';
      const backSince = answers.length;
      await waitFor(() => answers.slice(backSince).filter((answer) => answer.tenant === 'money' && answer.status === 200).length, (count) => count >= 10, 30_000);
      await waitFor(() => jobLog('cluster job started on this instance'), (count) => count === 2, 30_000);
    } finally {
      loading = false;
      await load;
    }

    const inPhase = (name: string, tenant: string) => answers.filter((answer) => answer.phase === name && answer.tenant === tenant);
    // Before: everything served.
    expect(new Set(inPhase('up', 'money').map((answer) => answer.status))).toEqual(new Set([200]));
    // Down: money fails closed with a clear 503, rate limits fail open.
    expect(new Set(inPhase('down', 'money').map((answer) => `${answer.status} ${answer.code}`))).toEqual(new Set(['503 quota_backend_unavailable']));
    expect(new Set(inPhase('down', 'rates').map((answer) => answer.status))).toEqual(new Set([200]));
    // Nothing else, ever: no 500, no other refusal.
    for (const answer of answers) expect([200, 503]).toContain(answer.status);
    expect(answers.filter((answer) => answer.tenant === 'rates').every((answer) => answer.status === 200)).toBe(true);
    // Back: served again, without a restart of the gateway.
    expect(gateway!.process.exitCode).toBeNull();
    expect((await fetch(`${gateway!.url}/readyz`)).status).toBe(200);
  }, 180_000);
});
