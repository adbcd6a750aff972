/**
 * bench/lib/peers.ts — the other proxies measured in the same run, on the gateway's core:
 *  - nginx (`proxy_pass`, keep-alive upstream, no buffering): the native ceiling;
 *  - the Portkey gateway (npm `@portkey-ai/gateway@1.15.2`), installed at bench time into its own
 *    folder under the OS temporary directory (tollgate-bench-peers/portkey) with its own
 *    package.json — npm overrides `@hono/node-server@1.13.5` and `@hono/node-ws@1.2.0` make it run
 *    on Node 20 — so the project's dependencies never see it. Reused by later runs.
 * Either is skipped, with the reason in the report's notes, when it cannot be started.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bench } from './bench.js';
import { freePort, type Started } from './processes.js';

export const portkeyVersion = '1.15.2';
const portkeyOverrides = { '@hono/node-server': '1.13.5', '@hono/node-ws': '1.2.0' };

function commandExists(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** nginx as a reverse proxy to the fake, one worker (one core), or a reason it cannot run. */
export async function startNginx(bench: Bench, fakeUrl: string, cpus: string | undefined): Promise<Started | string> {
  if (!commandExists('nginx')) return 'nginx not found (Debian: `apt-get install nginx-light`): no native ceiling in this run.';
  const dir = join(bench.options.tmp, 'nginx');
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const port = await freePort();
  const upstream = new URL(fakeUrl);
  const config = join(dir, 'nginx.conf');
  writeFileSync(
    config,
    `# written by bench/lib/peers.ts
worker_processes 1;
daemon off;
master_process on;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 10000000;
  keepalive_timeout 120s;
  upstream fake {
    server ${upstream.hostname}:${upstream.port};
    keepalive 256;
    keepalive_requests 10000000;
  }
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 10m;
    client_body_buffer_size 1m;
    location / {
      proxy_pass http://fake;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
`,
  );
  try {
    return await bench.start({
      name: 'nginx',
      program: 'nginx',
      nodeArgs: ['-p', dir, '-c', config, '-e', join(dir, 'logs/error.log')],
      cpus,
      cwd: dir,
      listening: { url: `http://127.0.0.1:${port}` },
      readyPath: '/health',
      timeoutMs: 10_000,
    });
  } catch (error) {
    return `nginx did not start: ${(error as Error).message.split('\n')[0]}`;
  }
}

/** Installs Portkey (once) outside the project; the folder, or why it is unavailable. */
function installPortkey(bench: Bench): { dir: string } | string {
  const dir = join(process.env.TOLLGATE_BENCH_PEERS_DIR ?? join(tmpdir(), 'tollgate-bench-peers'), 'portkey');
  const entry = join(dir, 'node_modules/@portkey-ai/gateway/build/start-server.js');
  const manifest = {
    name: 'tollgate-bench-peer-portkey',
    private: true,
    description: "Written by Tollgate's bench (bench/lib/peers.ts): the Portkey gateway as a peer, outside the project's dependencies.",
    dependencies: { '@portkey-ai/gateway': portkeyVersion },
    overrides: portkeyOverrides,
  };
  const manifestPath = join(dir, 'package.json');
  const current = existsSync(manifestPath) ? readFileSync(manifestPath, 'utf8') : '';
  if (existsSync(entry) && current === `${JSON.stringify(manifest, null, 2)}\n`) return { dir };
  mkdirSync(dir, { recursive: true });
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  bench.log(`peers: npm install @portkey-ai/gateway@${portkeyVersion} in ${dir}`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
  if (result.status !== 0 || !existsSync(entry)) {
    return `Portkey gateway ${portkeyVersion} could not be installed in ${dir} (npm exited with ${result.status}: ${`${result.stderr ?? ''}${result.error?.message ?? ''}`.trim().split('\n').slice(-2).join(' ')}): no Portkey rows.`;
  }
  return { dir };
}

/** The Portkey gateway pointed at nothing in particular (each request names the fake as its custom host). */
export async function startPortkey(bench: Bench, cpus: string | undefined): Promise<Started | string> {
  const installed = installPortkey(bench);
  if (typeof installed === 'string') return installed;
  const port = await freePort();
  try {
    return await bench.start({
      name: 'portkey',
      nodeArgs: ['--trace-gc', join(installed.dir, 'node_modules/@portkey-ai/gateway/build/start-server.js'), '--headless', `--port=${port}`],
      cpus,
      cwd: installed.dir,
      listening: { url: `http://127.0.0.1:${port}` },
      readyPath: '/',
      timeoutMs: 30_000,
    });
  } catch (error) {
    return `Portkey gateway did not start: ${(error as Error).message.split('\n')[0]}`;
  }
}
