/**
 * @module test/helpers/redis-cluster
 * A real three-master Redis Cluster on spare local ports, for the tests of Tollgate on a cluster:
 * three `redis-server --cluster-enabled yes` daemons in a temporary folder, joined by
 * `redis-cli --cluster create`, torn down (SHUTDOWN NOSAVE) afterwards. Never touches the shared
 * Redis on 6379. Each node's cluster bus listens on its port + 10000, so both must be free.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LocalRedisCluster {
  ports: number[];
  /** Seed URLs, as `redis.cluster` takes them. */
  urls: string[];
  stop(): void;
}

export const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0 && spawnSync('redis-cli', ['--version']).status === 0;

export async function startRedisCluster(): Promise<LocalRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-redis-cluster-'));
  const ports = await sparePorts(3);
  const stop = () => {
    for (const port of ports) spawnSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave'], { timeout: 5_000 });
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) {
      execFileSync('redis-server', [
        '--bind', '127.0.0.1', '--port', String(port),
        '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '2000',
        '--save', '', '--appendonly', 'no', '--daemonize', 'yes', '--dir', dir, '--logfile', `redis-${port}.log`,
      ]);
    }
    for (const port of ports) await until(() => cli(port, 'ping') === 'PONG', `node ${port} answers`);
    execFileSync('redis-cli', ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes'], { stdio: 'ignore', timeout: 30_000 });
    for (const port of ports) await until(() => cli(port, 'cluster', 'info').includes('cluster_state:ok'), `node ${port} sees the cluster ok`);
  } catch (error) {
    stop();
    throw error;
  }
  return { ports, urls: ports.map((port) => `redis://127.0.0.1:${port}`), stop };
}

function cli(port: number, ...args: string[]): string {
  return spawnSync('redis-cli', ['-p', String(port), ...args], { timeout: 5_000 }).stdout?.toString().trim() ?? '';
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 150; attempt++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Redis Cluster: timed out waiting until ${what}`);
}

/** Ports whose cluster-bus ports (+10000) are free too. */
async function sparePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = 20_000 + Math.floor(Math.random() * 9_000);
    if (ports.includes(port)) continue;
    if ((await isFree(port)) && (await isFree(port + 10_000))) ports.push(port);
  }
  return ports;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
